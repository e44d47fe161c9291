/**
 * The compiler's output for small modules, instruction by instruction, against listings derived
 * by hand from the reference's translation rules (compiler.md §2–§7), plus every rejection.
 * Modules are built with the test's own binary writer, so this also runs under --jitless.
 */
import { describe, expect, it } from 'vitest';
import {
  ImportLinker,
  Machine,
  RwasmError,
  compileWasm,
  formatInstruction,
  ins,
  type CompilationConfig,
  type RwasmModule,
} from '../../src/index.js';
import { rwasmErrorOf } from '../support/errors.js';
import { T, buildWasm, op, type ModuleDef } from '../support/wasm-builder.js';

function listing(module: RwasmModule): string[] {
  return module.code.toArray().map(formatInstruction);
}

function compile(def: ModuleDef, config: CompilationConfig = {}): RwasmModule {
  return compileWasm(buildWasm(def), { entrypointName: 'main', ...config }).module;
}

const MAIN = { name: 'main', kind: 'func', index: 0 } as const;

describe('module layout', () => {
  it('an empty exported function: init code, entry tail call, prologue, return', () => {
    const module = compile({ types: [[[], []]], funcs: [{ type: 0, body: [] }], exports: [MAIN] });
    expect(listing(module)).toEqual([
      'StackCheck 5', // init code
      'Return',
      'ReturnCallInternal 3', // source_pc: enter main
      'SignatureCheck 0',
      'ConsumeFuel 1', // BASE; no params or locals
      'StackCheck 0',
      'Return',
    ]);
    expect(module.sourcePc).toBe(2);
    // TV9: the function's single ConsumeFuel(1) is all a run is charged
    const machine = new Machine(module, { fuelLimit: 100n });
    expect(machine.run().status).toBe('returned');
    expect(machine.remainingFuel()).toBe(99n);
  });

  it('params and locals: depths in 32-bit slots, fuel for params and locals, drop/keep on return', () => {
    // (func (param i32 i64) (result i32) (local i32 i64) local.get 0 local.get 1 i32.wrap_i64 i32.add)
    const module = compile({
      types: [[[T.i32, T.i64], [T.i32]]],
      funcs: [{ type: 0, locals: [[1, T.i32], [1, T.i64]], body: [op.localGet(0), op.localGet(1), op.i32WrapI64, op.i32Add] }],
      exports: [MAIN],
    });
    expect(listing(module).slice(3)).toEqual([
      'SignatureCheck 0',
      'ConsumeFuel 10', // 3 param words + BASE + 2 declared locals + 4 operators (1 each)
      'StackCheck 6', // locals (3 slots) + p0 (1) + p1 (2); params themselves are not counted
      'BulkConst 1',
      'BulkConst 2',
      'LocalGet 6', // p0 under p1 (2), l0 (1), l1 (2) = 6 slots from the top
      'LocalGet 6', // p1's high word…
      'LocalGet 6', // …and low word: a 64-bit local is two LocalGets of the same depth
      'Drop', // i32.wrap_i64 drops the high word
      'I32Add',
      'LocalSet 6', // return: keep 1, drop 3 locals + 3 param words
      'BulkDrop 5',
      'Return',
    ]);
  });

  it('without fuel there is no ConsumeFuel anywhere', () => {
    const module = compile({ types: [[[], []]], funcs: [{ type: 0, body: [op.i32Const(1), op.drop] }], exports: [MAIN] }, { consumeFuel: false });
    expect(listing(module)).not.toContain(expect.stringMatching(/ConsumeFuel/));
    expect(listing(module).slice(3)).toEqual(['SignatureCheck 0', 'StackCheck 1', 'I32Const 1', 'Drop', 'Return']);
  });

  it('init code: tables, memory, globals, element and data segments, start call, in that order', () => {
    const module = compile(
      {
        types: [[[], []]],
        funcs: [{ type: 0, body: [] }, { type: 0, body: [] }],
        tables: [[T.funcref, 2]],
        memory: [1],
        globals: [
          { type: T.i32, init: op.i32Const(-7) },
          { type: T.i64, mutable: true, init: op.i64Const(0x1_0000_0002n) },
        ],
        exports: [MAIN],
        start: 1,
        elements: [[0x00, ...op.i32Const(1), 0x0b, 1, 0]], // (elem (i32.const 1) 0)
        datas: [{ offset: op.i32Const(8), bytes: [1, 2, 3] }],
      },
      { allowStartSection: true },
    );
    expect(listing(module).slice(0, 26)).toEqual([
      'StackCheck 5',
      'RefFunc 0', 'I32Const 2', 'TableGrow 0', 'Drop',
      'I32Const 1', 'MemoryGrow', 'Drop',
      'I32Const -7', 'GlobalSet 0',
      'I32Const 2', 'I32Const 1', 'GlobalSet 2', 'GlobalSet 3', // i64: word 2g = high, 2g+1 = low
      'I32Const 1', 'I32Const 0', 'I32Const 1', 'TableInit 1', 'TableGet 0', 'ElemDrop 1',
      'I32Const 8', 'I32Const 0', 'I32Const 3', 'MemoryInit 0', 'DataDrop 1',
      'CallInternal 32', // the start function (function 1)
    ]);
    expect(listing(module)[26]).toBe('Return');
    expect(module.sourcePc).toBe(27);
    expect(Array.from(module.elem)).toEqual([28]); // function 0's pc
    expect(Array.from(module.data)).toEqual([1, 2, 3]);
  });

  it('a data segment past the initial pages gets length u32::MAX, so instantiation traps', () => {
    const module = compile({ types: [[[], []]], funcs: [{ type: 0, body: [] }], memory: [1], exports: [MAIN], datas: [{ offset: op.i32Const(65535), bytes: [1, 2] }] });
    expect(listing(module).slice(4, 9)).toEqual(['I32Const 65535', 'I32Const 0', 'I32Const -1', 'MemoryInit 0', 'DataDrop 1']);
    expect(new Machine(module).instantiate()).toMatchObject({ status: 'trapped', trap: 1 });
  });

  it('the hint section is the input and constructor params come from the last "input" section', () => {
    const wasm = buildWasm({
      types: [[[], []]],
      funcs: [{ type: 0, body: [] }],
      exports: [MAIN],
      customs: [{ name: 'input', bytes: [1] }, { name: 'other', bytes: [9] }, { name: 'input', bytes: [2, 3] }],
    });
    const { module, constructorParams } = compileWasm(wasm, { entrypointName: 'main' });
    expect(Buffer.from(module.hint).equals(Buffer.from(wasm))).toBe(true);
    expect(Array.from(constructorParams)).toEqual([2, 3]);
  });
});

describe('imports', () => {
  const linker = () =>
    new ImportLinker([
      { module: 'env', name: 'log', index: 0x10, params: ['i32', 'i32'], results: [], fuel: { kind: 'const', fuel: 400 } },
      { module: 'env', name: 'size', index: 0x20, params: ['i32'], results: ['i32'], fuel: { kind: 'linear', localDepth: 1, base: 400, wordCost: 60 } },
    ]);
  const def: ModuleDef = {
    types: [[[T.i32, T.i32], []], [[T.i32], [T.i32]], [[], []]],
    imports: [{ module: 'env', name: 'log', func: 0 }, { module: 'env', name: 'size', func: 1 }],
    funcs: [{ type: 2, body: [op.i32Const(1), op.i32Const(2), op.call(0)] }],
    exports: [{ name: 'main', kind: 'func', index: 2 }],
  };

  it('become trampolines calling the syscall, with the linker entry’s fuel', () => {
    const module = compile(def, { importLinker: linker(), builtinsConsumeFuel: true });
    expect(listing(module).slice(3)).toEqual([
      'SignatureCheck 0', 'ConsumeFuel 2', 'StackCheck 0', 'ConsumeFuel 400', 'Call 16', 'Return',
      'SignatureCheck 1', 'ConsumeFuel 1', 'StackCheck 0',
      'LocalGet 1', 'I32Const 134217728', 'I32GtU', 'BrIfEqz 2', 'Trap IntegerOverflow',
      'LocalGet 1', 'I32Const 31', 'I32Add', 'I32Const 32', 'I32DivU', 'I32Const 60', 'I32Mul', 'I32Const 400', 'I32Add', 'ConsumeFuelStack',
      'Call 32', 'Return',
      'SignatureCheck 2', 'ConsumeFuel 13', 'StackCheck 2', 'I32Const 1', 'I32Const 2', 'CallInternal 3', 'Return',
    ]);
  });

  it('are rejected when unresolved, of another type, or not functions and globals', () => {
    expect(rwasmErrorOf(() => compile(def)).code).toBe('UnresolvedImportFunction');
    const wrong = new ImportLinker([{ module: 'env', name: 'log', index: 1, params: ['i64'], results: [] }]);
    expect(rwasmErrorOf(() => compile(def, { importLinker: wrong })).code).toBe('MalformedImportFunctionType');
    const refs: ModuleDef = { types: [[[T.funcref], []], [[], []]], imports: [{ module: 'env', name: 'r', func: 0 }], funcs: [{ type: 1, body: [] }], exports: [{ name: 'main', kind: 'func', index: 1 }] };
    const refLinker = new ImportLinker([{ module: 'env', name: 'r', index: 1, params: ['funcref'], results: [] }]);
    expect(rwasmErrorOf(() => compile(refs, { importLinker: refLinker })).code).toBe('MalformedImportFunctionType');
    expect(() => compile(refs, { importLinker: refLinker, allowFuncRefFunctionTypes: true })).not.toThrow();
    const memory: ModuleDef = { types: [[[], []]], imports: [{ module: 'env', name: 'm', memory: [1] }], funcs: [{ type: 0, body: [] }], exports: [MAIN] };
    expect(rwasmErrorOf(() => compile(memory)).code).toBe('NotSupportedImportType');
    const global: ModuleDef = { types: [[[], []]], imports: [{ module: 'env', name: 'g', global: [T.i32, false] }], funcs: [{ type: 0, body: [] }], exports: [MAIN] };
    expect(rwasmErrorOf(() => compile(global)).code).toBe('NotSupportedImportType');
    expect(listing(compile(global, { defaultImportedGlobalValue: 666 })).slice(0, 3)).toEqual(['StackCheck 5', 'I32Const 666', 'GlobalSet 0']);
  });
});

describe('entry points', () => {
  const twoExports: ModuleDef = {
    types: [[[], []], [[T.i32], [T.i32]]],
    funcs: [{ type: 0, body: [] }, { type: 1, body: [op.localGet(0)] }],
    exports: [{ name: 'a', kind: 'func', index: 0 }, { name: 'b', kind: 'func', index: 1 }],
  };

  it('the state router compares the state with each configured export in order, then drops it', () => {
    const module = compileWasm(buildWasm(twoExports), {
      stateRouter: { states: [['missing', 9], ['a', 7], ['b', 8]], opcode: ins.Call(2) },
      allowMalformedEntrypointFuncType: true,
    }).module;
    expect(listing(module).slice(2, 17)).toEqual([
      'Call 2',
      'LocalGet 1', 'I32Const 7', 'I32Eq', 'BrIfEqz 3', 'Drop', 'ReturnCallInternal 17',
      'LocalGet 1', 'I32Const 8', 'I32Eq', 'BrIfEqz 3', 'Drop', 'ReturnCallInternal 21',
      'Drop',
      'Return',
    ]);
  });

  it('rejects a routed export of another type unless malformed types are allowed', () => {
    const error = rwasmErrorOf(() => compileWasm(buildWasm(twoExports), { stateRouter: { states: [['b', 1]] } }));
    expect(error.code).toBe('MalformedFuncType');
  });

  it('needs an entrypoint name that exists, or a state router', () => {
    expect(rwasmErrorOf(() => compileWasm(buildWasm(twoExports), {})).code).toBe('MissingEntrypoint');
    expect(rwasmErrorOf(() => compileWasm(buildWasm(twoExports), { entrypointName: 'zzz' })).code).toBe('MissingEntrypoint');
  });

  it('refuses a start section unless allowed', () => {
    const withStart: ModuleDef = { ...twoExports, start: 0 };
    expect(rwasmErrorOf(() => compileWasm(buildWasm(withStart), { entrypointName: 'a' })).code).toBe('StartSectionsAreNotAllowed');
  });
});

describe('rejections', () => {
  const base: ModuleDef = { types: [[[], []]], funcs: [{ type: 0, body: [] }], exports: [MAIN] };

  it('memory over the cap: MaxReadonlyDataReached', () => {
    expect(rwasmErrorOf(() => compile({ ...base, memory: [1024] })).code).toBe('MaxReadonlyDataReached');
    expect(() => compile({ ...base, memory: [1023] })).not.toThrow();
    expect(() => compile({ ...base, memory: [1024] }, { maxAllowedMemoryPages: 1025 })).not.toThrow();
  });

  it('v128 in a type, a local or a global', () => {
    expect(rwasmErrorOf(() => compile({ ...base, types: [[[], []], [[T.v128], []]] })).code).toBe('NotSupportedFuncType');
    expect(rwasmErrorOf(() => compile({ ...base, funcs: [{ type: 0, locals: [[1, T.v128]], body: [] }] })).code).toBe('NotSupportedLocalType');
  });

  it('segment offsets outside u32 and element items that need globals', () => {
    expect(rwasmErrorOf(() => compile({ ...base, memory: [1], datas: [{ offset: op.i32Const(-1), bytes: [1] }] })).code).toBe('MemoryOutOfBounds');
    expect(rwasmErrorOf(() => compile({ ...base, tables: [[T.funcref, 1]], elements: [[0x00, ...op.i32Const(-1), 0x0b, 0]] })).code).toBe('TableOutOfBounds');
    const imported: ModuleDef = { ...base, imports: [{ module: 'env', name: 'g', global: [T.funcref, false] }], tables: [[T.funcref, 1]], elements: [[0x04, ...op.i32Const(0), 0x0b, 1, 0x23, 0, 0x0b]] };
    expect(rwasmErrorOf(() => compile(imported, { defaultImportedGlobalValue: 0 })).code).toBe('ConstEvaluationFailed');
  });

  it('malformed or invalid Wasm: MalformedWasmBinary with the byte offset', () => {
    const error = rwasmErrorOf(() => compileWasm(Uint8Array.from([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), { entrypointName: 'main' }));
    expect(error.code).toBe('MalformedWasmBinary');
    expect(error.message).toContain('byte offset 0');
    const invalid = rwasmErrorOf(() => compile({ ...base, funcs: [{ type: 0, body: [op.i32Const(1)] }] }));
    expect(invalid.code).toBe('MalformedWasmBinary');
    expect(invalid).toBeInstanceOf(RwasmError);
    expect(rwasmErrorOf(() => compileWasm('no' as unknown as Uint8Array)).code).toBe('InvalidArgument');
  });
});

describe('i64 lowering and floats', () => {
  const i64: ModuleDef = {
    types: [[[T.i64, T.i64], [T.i64]]],
    funcs: [{ type: 0, body: [op.localGet(0), op.localGet(1), op.i64Add, op.localGet(1), op.i64Mul] }],
    exports: [MAIN],
  };

  it('snippets: one shared function per operation, appended after the bodies in first-use order', () => {
    const code = listing(compile(i64, { consumeFuel: false }));
    const calls = code.filter((l) => l.startsWith('CallInternal'));
    expect(calls).toHaveLength(2);
    const addPc = Number(calls[0]!.split(' ')[1]);
    const mulPc = Number(calls[1]!.split(' ')[1]);
    expect(code[addPc]).toBe('StackCheck 4'); // i64.add's snippet, MSH 4
    expect(code[addPc + 3]).toBe('I32Add64');
    expect(code[mulPc]).toBe('StackCheck 5'); // i64.mul's snippet, MSH 5
    expect(addPc).toBeLessThan(mulPc);
  });

  it('codeSnippets off inlines the sequences', () => {
    const code = listing(compile(i64, { consumeFuel: false, codeSnippets: false }));
    expect(code.filter((l) => l.startsWith('CallInternal'))).toHaveLength(0);
    expect(code).toContain('I32Add64');
    expect(code).toContain('I32Mul64');
  });

  it('the inlined and snippet forms compute the same', () => {
    const args = [0xffffffff, 0x7fffffff, 3, 1]; // a = 0x7fffffff_ffffffff, b = 0x1_00000003
    const run = (codeSnippets: boolean) => {
      const machine = new Machine(compile(i64, { codeSnippets }));
      machine.instantiate();
      return machine.run({ params: args, resultWords: 2 });
    };
    const a = 0x7fffffff_ffffffffn;
    const b = 0x1_00000003n;
    const expected = BigInt.asUintN(64, (a + b) * b);
    const words = [Number(expected & 0xffffffffn), Number(expected >> 32n)];
    expect(run(true)).toEqual({ status: 'returned', results: Uint32Array.from(words) });
    expect(run(false)).toEqual({ status: 'returned', results: Uint32Array.from(words) });
  });

  it('float operations trap IllegalOpcode without the FPU and are FPU opcodes with it', () => {
    const floats: ModuleDef = { types: [[[], [T.f32]]], funcs: [{ type: 0, body: [op.f32Const(0x3f800000), op.f32Const(0x40000000), op.f32Add] }], exports: [MAIN] };
    expect(listing(compile(floats))).toContain('Trap IllegalOpcode');
    expect(listing(compile(floats, { fpu: true }))).toContain('F32Add');
    const machine = new Machine(compile(floats, { fpu: true }), { fpu: true });
    expect(machine.run({ resultWords: 1 })).toEqual({ status: 'returned', results: Uint32Array.from([0x40400000]) });
  });
});
