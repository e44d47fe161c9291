/**
 * Fluent's host syscalls, one by one: results, exit codes, bounds (a bad pointer or length
 * traps MemoryOutOfBounds and writes nothing), and fuel. Each runs a tiny rWasm program that
 * pushes the arguments and calls the syscall, on a machine whose host context is a frame.
 */
import { describe, expect, it } from 'vitest';
import {
  ExitCode,
  Machine,
  RuntimeContext,
  RwasmModule,
  SysFuncIdx,
  TrapCode,
  compileWasm,
  fluentImportLinker,
  ins,
  toHex,
  type ExecutionResult,
  type HostHandlers,
  type Instruction,
  type RunOutcome,
  type RuntimeContextInit,
} from '../../src/index.js';
import { fluentHostFunctions, markSyscallEnvironment } from '../../src/runtime/fluent-host.js';
import { T, buildWasm, op } from '../support/wasm-builder.js';

interface Frame {
  outcome: RunOutcome;
  ctx: RuntimeContext;
  machine: Machine;
  logs: Uint8Array[];
  parked: unknown[][];
  /** Memory right before the syscall ran. */
  before: Uint8Array;
}

interface CallOptions extends RuntimeContextInit {
  memory?: Array<[offset: number, bytes: Uint8Array]>;
  returnData?: Uint8Array;
  fuelLimit?: bigint;
  storeFuelLimit?: bigint;
  results?: number;
  host?: HostHandlers;
  parkedAnswer?: ExecutionResult;
}

const INIT = [ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.Return()];

/** Runs `Call(index)` with `args` (words, bottom first) on a fresh frame with one page of memory. */
function syscall(index: number, args: number[], options: CallOptions = {}): Frame {
  const code: Instruction[] = [...INIT, ...args.map((a) => ins.I32Const(a)), ins.Call(index), ins.Return()];
  const ctx = new RuntimeContext(options);
  if (options.returnData) ctx.executionResult.returnData = options.returnData;
  const logs: Uint8Array[] = [];
  const parked: unknown[][] = [];
  const env = markSyscallEnvironment({
    ctx,
    debugLog: (message: Uint8Array) => logs.push(message),
    resumeParked: (...call: unknown[]) => {
      parked.push(call);
      return options.parkedAnswer ?? { exitCode: ExitCode.UnknownError, fuelConsumed: 0n, fuelRefunded: 0n, output: new Uint8Array(0), returnData: new Uint8Array(0) };
    },
  });
  const machine = new Machine(new RwasmModule({ code, sourcePc: INIT.length }), {
    hostFunctions: fluentHostFunctions(fluentImportLinker(), options.host),
    context: env,
    fuelLimit: options.storeFuelLimit,
  });
  machine.instantiate();
  for (const [offset, bytes] of options.memory ?? []) machine.memory.set(bytes, offset);
  const before = machine.memory.slice();
  const outcome = machine.run({ resultWords: options.results ?? 0 });
  return { outcome, ctx, machine, logs, parked, before };
}

const ascii = (text: string) => new TextEncoder().encode(text);
const trappedOutOfBounds = { status: 'trapped', trap: TrapCode.MemoryOutOfBounds };
/** A pointer past the end of the one-page memory, and one that is negative as an i32. */
const PAST_END = 65536 - 2;
const NEGATIVE = 0x8000_0000;

function expectUntouched(frame: Frame): void {
  expect(Buffer.compare(frame.machine.memory, frame.before)).toBe(0);
}

describe('_exit, _state, _input_size, _output_size', () => {
  it('_exit halts with the exit code, normalizing values that are none to UnknownError', () => {
    expect(syscall(SysFuncIdx.EXIT, [-1]).outcome).toEqual({ status: 'halted' });
    expect(syscall(SysFuncIdx.EXIT, [-1]).ctx.executionResult.exitCode).toBe(ExitCode.Panic);
    expect(syscall(SysFuncIdx.EXIT, [-2010]).ctx.executionResult.exitCode).toBe(ExitCode.OutOfFuel);
    expect(syscall(SysFuncIdx.EXIT, [7]).ctx.executionResult.exitCode).toBe(ExitCode.UnknownError);
    expect(syscall(SysFuncIdx.EXIT, [0]).ctx.executionResult.exitCode).toBe(ExitCode.Ok);
  });

  it('_state, _input_size and _output_size report the context', () => {
    expect(syscall(SysFuncIdx.STATE, [], { state: 1, results: 1 }).outcome).toEqual({ status: 'returned', results: Uint32Array.of(1) });
    expect(syscall(SysFuncIdx.INPUT_SIZE, [], { input: new Uint8Array(77), results: 1 }).outcome).toEqual({ status: 'returned', results: Uint32Array.of(77) });
    expect(syscall(SysFuncIdx.OUTPUT_SIZE, [], { returnData: new Uint8Array(9), results: 1 }).outcome).toEqual({ status: 'returned', results: Uint32Array.of(9) });
  });
});

describe('_read and _read_output', () => {
  const source = ascii('0123456789');
  for (const [name, index, key] of [
    ['_read', SysFuncIdx.READ_INPUT, 'input'],
    ['_read_output', SysFuncIdx.READ_OUTPUT, 'returnData'],
  ] as const) {
    it(`${name} copies a range into memory`, () => {
      const frame = syscall(index, [100, 3, 4], { [key]: source });
      expect(frame.outcome.status).toBe('returned');
      expect(frame.machine.memory.subarray(99, 105)).toEqual(Uint8Array.of(0, 0x33, 0x34, 0x35, 0x36, 0));
    });

    it(`${name} halts with InputOutputOutOfBounds past the end (or on overflow), writing nothing`, () => {
      for (const [offset, length] of [[8, 3], [0xffff_ffff, 2], [11, 0]]) {
        const frame = syscall(index, [100, offset!, length!], { [key]: source });
        expect(frame.outcome).toEqual({ status: 'halted' });
        expect(frame.ctx.executionResult.exitCode).toBe(ExitCode.InputOutputOutOfBounds);
        expectUntouched(frame);
      }
    });

    it(`${name} traps MemoryOutOfBounds on a bad destination, writing nothing`, () => {
      for (const target of [PAST_END, NEGATIVE]) {
        const frame = syscall(index, [target, 0, 4], { [key]: source });
        expect(frame.outcome).toMatchObject(trappedOutOfBounds);
        expectUntouched(frame);
      }
      // The reference converts the destination with `i32 as usize`: negative fails even for 0 bytes.
      expect(syscall(index, [NEGATIVE, 0, 0], { [key]: source }).outcome).toMatchObject(trappedOutOfBounds);
      expect(syscall(index, [65536, 0, 0], { [key]: source }).outcome.status).toBe('returned');
    });
  }
});

describe('_write and _forward_output', () => {
  it('_write appends memory to the output; a bad range traps and appends nothing', () => {
    const frame = syscall(SysFuncIdx.WRITE_OUTPUT, [10, 3], { memory: [[10, ascii('abc')]] });
    expect(frame.ctx.executionResult.output.bytes()).toEqual(ascii('abc'));
    for (const [ptr, len] of [[PAST_END, 4], [NEGATIVE, 1], [0, NEGATIVE]]) {
      const bad = syscall(SysFuncIdx.WRITE_OUTPUT, [ptr!, len!]);
      expect(bad.outcome).toMatchObject(trappedOutOfBounds);
      expect(bad.ctx.executionResult.output.length).toBe(0);
    }
  });

  it('_forward_output appends a slice of the return data; past its end it halts with InputOutputOutOfBounds', () => {
    const frame = syscall(SysFuncIdx.FORWARD_OUTPUT, [2, 3], { returnData: ascii('hello') });
    expect(frame.ctx.executionResult.output.bytes()).toEqual(ascii('llo'));
    const bad = syscall(SysFuncIdx.FORWARD_OUTPUT, [2, 4], { returnData: ascii('hello') });
    expect(bad.outcome).toEqual({ status: 'halted' });
    expect(bad.ctx.executionResult.exitCode).toBe(ExitCode.InputOutputOutOfBounds);
    expect(bad.ctx.executionResult.output.length).toBe(0);
  });
});

describe('fuel: _fuel and _charge_fuel', () => {
  it('_fuel returns the store’s remaining fuel, or u64::MAX without a limit', () => {
    expect(syscall(SysFuncIdx.FUEL, [], { storeFuelLimit: 1000n, results: 2 }).outcome).toEqual({ status: 'returned', results: Uint32Array.of(1000, 0) });
    expect(syscall(SysFuncIdx.FUEL, [], { results: 2 }).outcome).toEqual({ status: 'returned', results: Uint32Array.of(0xffff_ffff, 0xffff_ffff) });
  });

  it('_charge_fuel charges the store and the frame’s own count', () => {
    const frame = syscall(SysFuncIdx.CHARGE_FUEL, [300, 0], { storeFuelLimit: 1000n, fuelLimit: 1000n });
    expect(frame.outcome.status).toBe('returned');
    expect(frame.machine.fuelConsumed()).toBe(300n);
    expect(frame.ctx.executionResult.fuelConsumed).toBe(300n);
    // A 64-bit amount (high word set) is one charge.
    const big = syscall(SysFuncIdx.CHARGE_FUEL, [5, 1], { fuelLimit: 1n << 40n });
    expect(big.ctx.executionResult.fuelConsumed).toBe((1n << 32n) + 5n);
  });

  it('_charge_fuel over the store’s limit traps OutOfFuel and charges nothing', () => {
    const frame = syscall(SysFuncIdx.CHARGE_FUEL, [1001, 0], { storeFuelLimit: 1000n, fuelLimit: 5000n });
    expect(frame.outcome).toMatchObject({ status: 'trapped', trap: TrapCode.OutOfFuel });
    expect(frame.machine.fuelConsumed()).toBe(0n);
    expect(frame.ctx.executionResult.fuelConsumed).toBe(0n);
  });

  it('_charge_fuel over the frame’s limit traps OutOfFuel after the store was charged, as in the reference', () => {
    const frame = syscall(SysFuncIdx.CHARGE_FUEL, [600, 0], { storeFuelLimit: 1000n, fuelLimit: 500n });
    expect(frame.outcome).toMatchObject({ status: 'trapped', trap: TrapCode.OutOfFuel });
    expect(frame.machine.fuelConsumed()).toBe(600n);
    expect(frame.ctx.executionResult.fuelConsumed).toBe(0n);
  });
});

describe('_debug_log', () => {
  it('hands the message to the embedder; a bad range traps', () => {
    const frame = syscall(SysFuncIdx.DEBUG_LOG, [4, 5], { memory: [[4, ascii('hello')]] });
    expect(frame.logs).toEqual([ascii('hello')]);
    expect(syscall(SysFuncIdx.DEBUG_LOG, [PAST_END, 5]).outcome).toMatchObject(trappedOutOfBounds);
  });
});

describe('hashes', () => {
  // Published test vectors, not values computed by the code under test.
  const VECTORS = [
    [SysFuncIdx.KECCAK256, '', 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'],
    [SysFuncIdx.KECCAK256, 'abc', '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45'],
    [SysFuncIdx.SHA256, 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [SysFuncIdx.SHA256, '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [SysFuncIdx.BLAKE3, '', 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262'],
    [SysFuncIdx.BLAKE3, 'abc', '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85'],
  ] as const;
  for (const [index, text, digest] of VECTORS) {
    it(`syscall 0x${index.toString(16)} of "${text}" is ${digest.slice(0, 12)}…`, () => {
      const frame = syscall(index, [16, text.length, 64], { memory: [[16, ascii(text)]] });
      expect(toHex(frame.machine.memory.subarray(64, 96))).toBe(digest);
    });
  }

  it('a bad input or output range traps MemoryOutOfBounds and writes nothing', () => {
    for (const index of [SysFuncIdx.KECCAK256, SysFuncIdx.SHA256, SysFuncIdx.BLAKE3]) {
      for (const args of [[PAST_END, 4, 64], [NEGATIVE, 0, 64], [0, 4, 65536 - 31], [0, 4, NEGATIVE]]) {
        const frame = syscall(index, args, { memory: [[0, ascii('data')]] });
        expect(frame.outcome).toMatchObject(trappedOutOfBounds);
        expectUntouched(frame);
      }
    }
  });

  it('_keccak256_permute is Keccak-f[1600]: a sponge built on it gives keccak256', () => {
    // One block of "abc" with keccak padding, permuted once: the first 32 bytes are the digest.
    const state = new Uint8Array(200);
    state.set(ascii('abc'));
    state[3] ^= 0x01;
    state[135] ^= 0x80;
    const frame = syscall(SysFuncIdx.KECCAK256_PERMUTE, [1000], { memory: [[1000, state]] });
    expect(toHex(frame.machine.memory.subarray(1000, 1032))).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    const bad = syscall(SysFuncIdx.KECCAK256_PERMUTE, [65536 - 199], { memory: [[65536 - 199, new Uint8Array(199).fill(1)]] });
    expect(bad.outcome).toMatchObject(trappedOutOfBounds);
    expectUntouched(bad);
  });
});

describe('_exec and _resume', () => {
  const HASH = new Uint8Array(32).map((_, i) => 0xa0 + i);
  const fuel16 = (limit: bigint) => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigInt64(0, limit, true);
    return bytes;
  };

  it('_exec records the request and interrupts', () => {
    const frame = syscall(SysFuncIdx.EXEC, [0, 100, 8, 0, 1], { memory: [[0, HASH]], storeFuelLimit: 5000n, callDepth: 1, results: 1 });
    expect(frame.outcome).toMatchObject({ status: 'interrupted', syscall: SysFuncIdx.EXEC });
    expect(frame.ctx.resumableContext).toEqual({
      params: { codeHash: HASH, fuelLimit: 5000n, state: 1, fuel16Ptr: 0, inputStart: 100n, inputEnd: 108n },
      isRoot: false,
    });
    // Without a store limit the callee may use u64::MAX; at depth 0 the request is a root one.
    const root = syscall(SysFuncIdx.EXEC, [0, 100, 8, 0, 0], { memory: [[0, HASH]], results: 1 });
    expect(root.ctx.resumableContext).toMatchObject({ params: { fuelLimit: (1n << 64n) - 1n }, isRoot: true });
  });

  it('_exec takes the fuel limit from fuel16: zero means zero, more than remains means what remains', () => {
    const limitOf = (requested: bigint) =>
      syscall(SysFuncIdx.EXEC, [0, 100, 8, 200, 0], { memory: [[0, HASH], [200, fuel16(requested)]], storeFuelLimit: 1000n, results: 1 }).ctx.resumableContext?.params.fuelLimit;
    expect(limitOf(0n)).toBe(0n);
    expect(limitOf(400n)).toBe(400n);
    expect(limitOf(5000n)).toBe(1000n);
    expect(limitOf(-1n)).toBe(1000n); // read as i64, used as u64
  });

  it('_exec traps MemoryOutOfBounds on a bad hash or fuel16 pointer, or an input range that overflows', () => {
    for (const args of [[PAST_END, 100, 8, 0, 0], [0, 100, 8, PAST_END, 0], [0, 0xffff_ffff, 2, 0, 0]]) {
      const frame = syscall(SysFuncIdx.EXEC, args, { memory: [[0, HASH]], results: 1 });
      expect(frame.outcome).toMatchObject(trappedOutOfBounds);
      expect(frame.ctx.resumableContext).toBeUndefined();
    }
    // A negative input pointer is not read: it is passed on as the reference's usize.
    const frame = syscall(SysFuncIdx.EXEC, [0, NEGATIVE, 4, 0, 0], { memory: [[0, HASH]], results: 1 });
    expect(frame.ctx.resumableContext?.params.inputStart).toBe((1n << 64n) - (1n << 31n));
  });

  it('_resume is for the root frame only: deeper frames halt with RootCallOnly', () => {
    const frame = syscall(SysFuncIdx.RESUME, [1, 0, 0, 0, 0], { callDepth: 1, results: 1 });
    expect(frame.outcome).toEqual({ status: 'halted' });
    expect(frame.ctx.executionResult.exitCode).toBe(ExitCode.RootCallOnly);
    expect(frame.parked).toEqual([]);
  });

  it('_resume from the root continues a parked frame, takes its output as return data and writes fuel16 back', () => {
    const answer: ExecutionResult = { exitCode: -1, fuelConsumed: 777n, fuelRefunded: -5n, output: ascii('out'), returnData: new Uint8Array(0) };
    const frame = syscall(SysFuncIdx.RESUME, [9, 16, 3, 42, 200], {
      memory: [[16, ascii('ret')], [200, Uint8Array.of(100, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0)]],
      results: 1,
      parkedAnswer: answer,
    });
    expect(frame.parked).toEqual([[9, ascii('ret'), 200, 100n, 3n, 42]]);
    expect(frame.outcome).toEqual({ status: 'returned', results: Uint32Array.of(0xffff_ffff) });
    expect(frame.ctx.executionResult.returnData).toEqual(ascii('out'));
    const written = new DataView(frame.machine.memory.buffer, 200, 16);
    expect(written.getBigUint64(0, true)).toBe(777n);
    expect(written.getBigInt64(8, true)).toBe(-5n);
  });
});

describe('the handler table', () => {
  it('an unknown syscall index, or one without a handler, traps UnknownExternalFunction', () => {
    expect(syscall(0x999, []).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.UnknownExternalFunction });
    expect(syscall(SysFuncIdx.ED25519_ADD, [0, 0]).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.UnknownExternalFunction });
  });

  it('an embedder adds or replaces handlers by name or index', () => {
    const host: HostHandlers = {
      _input_size: (call) => {
        call.results[0] = 12345;
      },
      [SysFuncIdx.ED25519_ADD]: () => TrapCode.IntegerOverflow,
    };
    expect(syscall(SysFuncIdx.INPUT_SIZE, [], { host, results: 1 }).outcome).toEqual({ status: 'returned', results: Uint32Array.of(12345) });
    expect(syscall(SysFuncIdx.ED25519_ADD, [0, 0], { host }).outcome).toMatchObject({ status: 'trapped', trap: TrapCode.IntegerOverflow });
  });

  it('handlers outside a frame are an InvalidState error, not a TypeError', () => {
    const machine = new Machine(new RwasmModule({ code: [ins.Call(SysFuncIdx.STATE), ins.Return()] }), { hostFunctions: fluentHostFunctions() });
    expect(() => machine.run({ resultWords: 1 })).toThrow(/syscall environment/);
  });
});

describe('syscall fuel, charged by the compiled trampolines as the reference charges', () => {
  // main(len) calls one syscall whose fuel depends on len; the differences between lengths
  // isolate the trampoline's charge from the rest of the program's fuel.
  function fuelFor(field: string, signature: number[], argsFor: (len: number) => number[][], len: number, results: number[] = []): bigint {
    const wasm = buildWasm({
      types: [[signature, results], [[T.i32], []]],
      imports: [{ module: 'fluentbase_v1preview', name: field, func: 0 }],
      funcs: [{ type: 1, body: [...argsFor(len), op.call(0), ...(results.length ? [op.drop] : [])] }],
      memory: [2],
      exports: [{ name: 'main', kind: 'func', index: 1 }],
    });
    const module = compileWasm(wasm, { entrypointName: 'main', importLinker: fluentImportLinker(), builtinsConsumeFuel: true, allowMalformedEntrypointFuncType: true }).module;
    const ctx = new RuntimeContext({ fuelLimit: 1n << 40n, callDepth: 1 });
    const env = markSyscallEnvironment({ ctx, debugLog: () => {}, resumeParked: () => { throw new Error('unused'); } });
    const machine = new Machine(module, { hostFunctions: fluentHostFunctions(), context: env, fuelLimit: 1n << 40n });
    machine.instantiate();
    machine.resetFuel(1n << 40n);
    const outcome = machine.run({ params: [len] });
    expect(outcome.status, JSON.stringify(outcome)).toMatch(/returned|interrupted/);
    return machine.fuelConsumed();
  }
  const arg = (n: number) => op.i32Const(n);
  const len = [op.localGet(0)];

  it('_write: 400 + 60 per started 32-byte word of its length', () => {
    const write = (n: number) => fuelFor('_write', [T.i32, T.i32], () => [arg(0), ...len], n);
    expect(write(64) - write(0)).toBe(120n);
    expect(write(65) - write(0)).toBe(180n);
    expect(write(1) - write(0)).toBe(60n);
  });

  it('_keccak256: 600 + 120 per word of the length two below the top', () => {
    const keccak = (n: number) => fuelFor('_keccak256', [T.i32, T.i32, T.i32], () => [arg(0), ...len, arg(0)], n);
    expect(keccak(32) - keccak(0)).toBe(120n);
    expect(keccak(33) - keccak(0)).toBe(240n);
  });

  it('_exec: (3w + w²/512) × 20 for w words of the input length', () => {
    const exec = (n: number) => fuelFor('_exec', [T.i32, T.i32, T.i32, T.i32, T.i32], () => [arg(0), arg(0), ...len, arg(0), arg(0)], n, [T.i32]);
    const quadratic = (bytes: number) => {
      const w = Math.ceil(bytes / 32);
      return BigInt((3 * w + Math.floor((w * w) / 512)) * 20);
    };
    for (const n of [32, 1000, 32 * 600]) expect(exec(n) - exec(0)).toBe(quadratic(n));
  });
});
