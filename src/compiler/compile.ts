/**
 * Wasm → rWasm: walks the module section by section as the reference does — emitting import
 * trampolines and init code as sections arrive, buffering function bodies until the end — then
 * lays out entrypoint ++ functions ++ snippets and resolves function references to pcs.
 */
import { RwasmError } from '../errors.js';
import type { ImportEntry, ValType as LinkerValType } from '../format/import-linker.js';
import { InstructionSet } from '../format/instruction-set.js';
import { RwasmModule } from '../format/module.js';
import { Opcode } from '../format/opcodes.js';
import { TrapCode } from '../format/trap-codes.js';
import { resolveConfig, type CompilationConfig, type ResolvedConfig } from './config.js';
import { TranslationContext } from './translate/context.js';
import { FUEL_MAX_LINEAR_X, FUEL_MAX_QUADRATIC_X } from '../format/fuel-policy.js';
import { FunctionTranslator } from './translate/function-translator.js';
import { i64Sequence } from '../format/i64-sequences.js';
import { ExternalKind, parseModule, SectionId, type ConstExpr, type WasmModule } from './wasm/module.js';
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, typeName, type GlobalType, type ValueType } from './wasm/types.js';

export interface CompileResult {
  readonly module: RwasmModule;
  /** The payload of the last custom section named `input`, or empty. */
  readonly constructorParams: Uint8Array;
}

const PAGE = 65536;
const U32 = 0x1_0000_0000n;

interface GlobalVariable {
  readonly type: GlobalType;
  /** The compile-time value as the reference keeps it: an i64. */
  readonly value: bigint;
}

/**
 * Compiles a Wasm binary to an rWasm module, producing what the reference compiler produces
 * for the same configuration. Every rejection is an RwasmError named after the reference's error.
 *
 * ```ts
 * const { module } = compileWasm(wasm, { entrypointName: 'main', fpu: true });
 * ```
 */
export function compileWasm(wasm: Uint8Array, config: CompilationConfig = {}): CompileResult {
  if (!(wasm instanceof Uint8Array)) throw new RwasmError('InvalidArgument', 'Wasm bytes must be a Uint8Array');
  return new ModuleCompiler(resolveConfig(config), wasm).compile();
}

class ModuleCompiler {
  private readonly entry = new InstructionSet(64);
  // Roughly one rWasm instruction per byte of Wasm code; growing is cheap but not free.
  private readonly code: InstructionSet;
  private ctx!: TranslationContext;
  private translator!: FunctionTranslator;
  private readonly globals: GlobalVariable[] = [];
  private readonly exportedFunctions = new Map<string, number>();
  private readonly dataSection: Uint8Array[] = [];
  private dataLength = 0;
  private readonly elemSection: number[] = [];
  private totalPages = 0;
  private constructorParams: Uint8Array | undefined;
  private functionCount = 0;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly wasm: Uint8Array,
  ) {
    this.code = new InstructionSet(Math.max(1024, wasm.length));
    // The init code may hold a few operands and the router's state and parameter.
    this.entry.pushRaw(Opcode.StackCheck, 5);
  }

  compile(): CompileResult {
    const module = parseModule(this.wasm, (id, m) => this.section(id, m));
    if (!this.ctx) this.begin(module);
    for (let i = 0; i < module.bodies.length; i++) {
      const body = module.bodies[i]!;
      this.translator.translate(this.functionCount++, body.start, body.end);
    }
    return this.finish(module);
  }

  private begin(module: WasmModule): void {
    this.ctx = new TranslationContext(this.config, module, this.code);
    this.translator = new FunctionTranslator(this.ctx);
  }

  private section(id: SectionId, module: WasmModule): void {
    if (!this.ctx) this.begin(module);
    switch (id) {
      case SectionId.Type:
        this.ctx.registerTypes();
        return;
      case SectionId.Import:
        return this.imports(module);
      case SectionId.Table:
        module.tables.forEach((table, t) => {
          this.entry.pushRaw(Opcode.RefFunc, 0);
          this.entry.pushRaw(Opcode.I32Const, table.limits.min);
          this.entry.pushRaw(Opcode.TableGrow, t);
          this.entry.pushRaw(Opcode.Drop, 0);
        });
        return;
      case SectionId.Memory:
        for (const memory of module.memories) {
          const next = Math.min(this.totalPages + memory.min, 0xffffffff);
          if (next >= this.config.maxAllowedMemoryPages) {
            throw new RwasmError('MaxReadonlyDataReached', `initial memory of ${next} pages reaches the cap of ${this.config.maxAllowedMemoryPages}`);
          }
          if (memory.min > 0) {
            this.entry.pushRaw(Opcode.I32Const, memory.min);
            this.entry.pushRaw(Opcode.MemoryGrow, 0);
            this.entry.pushRaw(Opcode.Drop, 0);
          }
          this.totalPages = next;
        }
        return;
      case SectionId.Global:
        for (let i = 0; i < module.globalInits.length; i++) {
          const type = module.globals[module.importedGlobals + i]!;
          const value = this.evalConst(module.globalInits[i]!, true);
          if (value === undefined) throw new RwasmError('ConstEvaluationFailed', `global ${module.importedGlobals + i}: initializer cannot be evaluated`);
          this.addGlobal({ type, value });
        }
        return;
      case SectionId.Export:
        for (const e of module.exports) if (e.kind === ExternalKind.Func) this.exportedFunctions.set(e.name, e.index);
        return;
      case SectionId.Element:
        return this.elements(module);
      case SectionId.Data:
        return this.datas(module);
      case SectionId.Custom: {
        const custom = module.customSections[module.customSections.length - 1]!;
        if (custom.name === 'input') this.constructorParams = custom.bytes.slice();
        return;
      }
      default:
        return;
    }
  }

  // ------------------------------------------------------------------ imports
  private imports(module: WasmModule): void {
    for (const imp of module.imports) {
      if (imp.kind === ExternalKind.Global) {
        if (this.config.defaultImportedGlobalValue === undefined) {
          throw new RwasmError('NotSupportedImportType', `imported global ${imp.module}.${imp.name} needs defaultImportedGlobalValue`);
        }
        this.addGlobal({ type: imp.global, value: this.config.defaultImportedGlobalValue });
        continue;
      }
      if (imp.kind !== ExternalKind.Func) {
        throw new RwasmError('NotSupportedImportType', `import ${imp.module}.${imp.name}: only functions and globals can be imported`);
      }
      const linker = this.config.importLinker;
      const entry = linker?.resolve(imp.module, imp.name);
      if (!entry) throw new RwasmError('UnresolvedImportFunction', `import ${imp.module}.${imp.name} is not in the import linker`);
      const type = module.types[imp.typeIndex]!;
      if (!sameSignature(entry, type.params, type.results)) {
        throw new RwasmError('MalformedImportFunctionType', `import ${imp.module}.${imp.name} has a type other than the linker's`);
      }
      if (!this.config.allowFuncRefFunctionTypes && [...type.params, ...type.results].some((t) => t === FUNCREF || t === EXTERNREF)) {
        throw new RwasmError('MalformedImportFunctionType', `import ${imp.module}.${imp.name} uses reference types`);
      }
      const funcIndex = this.functionCount++;
      if (entry.intrinsic) this.ctx.intrinsics.set(funcIndex, entry.intrinsic);
      this.trampoline(imp.typeIndex, entry);
    }
  }

  /** `SignatureCheck, [ConsumeFuel], StackCheck(0), [syscall fuel], Call(sys), Return`. */
  private trampoline(typeIndex: number, entry: ImportEntry): void {
    this.translator.begin(typeIndex);
    const code = this.code;
    code.pushRaw(Opcode.StackCheck, 0);
    const fuel = entry.fuel;
    if (this.config.builtinsConsumeFuel && fuel) {
      if (fuel.kind === 'const') {
        code.pushRaw(Opcode.ConsumeFuel, fuel.fuel >>> 0);
      } else if (fuel.kind === 'linear') {
        const d = fuel.localDepth;
        emitAll(code, [
          [Opcode.LocalGet, d], [Opcode.I32Const, FUEL_MAX_LINEAR_X], [Opcode.I32GtU], [Opcode.BrIfEqz, 2], [Opcode.Trap, TrapCode.IntegerOverflow],
          [Opcode.LocalGet, d], [Opcode.I32Const, 31], [Opcode.I32Add], [Opcode.I32Const, 32], [Opcode.I32DivU],
          [Opcode.I32Const, fuel.wordCost], [Opcode.I32Mul],
        ]);
        if (fuel.base !== 0) emitAll(code, [[Opcode.I32Const, fuel.base], [Opcode.I32Add]]);
        code.pushRaw(Opcode.ConsumeFuelStack, 0);
      } else {
        const d = fuel.localDepth;
        emitAll(code, [
          [Opcode.LocalGet, d], [Opcode.I32Const, FUEL_MAX_QUADRATIC_X], [Opcode.I32GtU], [Opcode.BrIfEqz, 2], [Opcode.Trap, TrapCode.IntegerOverflow],
          [Opcode.LocalGet, d], [Opcode.I32Const, 31], [Opcode.I32Add], [Opcode.I32Const, 32], [Opcode.I32DivU],
          [Opcode.I32Const, fuel.wordCost], [Opcode.I32Mul],
          [Opcode.LocalGet, d + 1], [Opcode.I32Const, 31], [Opcode.I32Add], [Opcode.I32Const, 32], [Opcode.I32DivU],
          [Opcode.LocalGet, d + 2], [Opcode.I32Const, 31], [Opcode.I32Add], [Opcode.I32Const, 32], [Opcode.I32DivU],
          [Opcode.I32Mul], [Opcode.I32Const, fuel.divisor], [Opcode.I32DivU], [Opcode.I32Add],
          [Opcode.I32Const, fuel.fuelDenomRate], [Opcode.I32Mul], [Opcode.ConsumeFuelStack],
        ]);
      }
    }
    code.pushRaw(Opcode.Call, entry.index >>> 0);
    code.pushRaw(Opcode.Return, 0);
  }

  // ------------------------------------------------------------------ globals
  private addGlobal(global: GlobalVariable): void {
    const g = this.globals.length;
    const { type } = global.type;
    const value = global.value;
    const lo = Number(BigInt.asUintN(32, value));
    if (type === I32 || type === F32) {
      this.entry.pushRaw(Opcode.I32Const, lo);
    } else if (type === I64 || type === F64) {
      this.entry.pushRaw(Opcode.I32Const, lo);
      this.entry.pushRaw(Opcode.I32Const, Number(BigInt.asUintN(32, value >> 32n)));
    } else if (type === FUNCREF || type === EXTERNREF) {
      this.entry.pushRaw(Opcode.RefFunc, lo);
    } else {
      throw new RwasmError('NotSupportedGlobalType', `global ${g} has type ${typeName(type)}`);
    }
    this.entry.pushRaw(Opcode.GlobalSet, g * 2);
    if (type === I64 || type === F64) this.entry.pushRaw(Opcode.GlobalSet, g * 2 + 1);
    this.globals.push(global);
  }

  /** The reference's view of a global as a constant: its i64 as the evaluator reads it. */
  private globalConstant(index: number): bigint | undefined {
    const global = this.globals[index];
    if (!global) return undefined;
    const v = global.value;
    switch (global.type.type) {
      case I32:
        return BigInt.asIntN(32, v);
      case I64:
      case F64:
        return v;
      case F32:
        return BigInt.asUintN(32, v);
      case FUNCREF:
      case EXTERNREF:
        // a u32 reference index, read back as i32
        return v < 0n || v >= U32 ? undefined : BigInt.asIntN(32, v);
      default:
        return undefined;
    }
  }

  /**
   * Evaluates a constant expression as the reference does (its values are i64s); without
   * context, global.get and ref.func cannot be evaluated.
   */
  private evalConst(expr: ConstExpr, withContext: boolean): bigint | undefined {
    const stack: bigint[] = [];
    for (const { op, a, lo, hi } of expr.ops) {
      switch (op) {
        case 0x41:
          stack.push(BigInt(a | 0));
          break;
        case 0x42:
          stack.push(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
          break;
        case 0x43:
          stack.push(BigInt(a | 0));
          break;
        case 0x44:
          stack.push(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
          break;
        case 0xd0:
          stack.push(0n);
          break;
        case 0xd2:
          if (!withContext) return undefined;
          stack.push(BigInt(a + 1));
          break;
        case 0x23: {
          if (!withContext) return undefined;
          const value = this.globalConstant(a);
          if (value === undefined) return undefined;
          stack.push(value);
          break;
        }
        default: {
          const rhs = stack.pop()!;
          const lhs = stack.pop()!;
          const wide = op >= 0x7c;
          const r = op === 0x6a || op === 0x7c ? lhs + rhs : op === 0x6b || op === 0x7d ? lhs - rhs : lhs * rhs;
          stack.push(wide ? BigInt.asIntN(64, r) : BigInt.asIntN(32, r));
        }
      }
    }
    return stack.pop();
  }

  private offsetOf(expr: ConstExpr, code: 'MemoryOutOfBounds' | 'TableOutOfBounds'): number {
    const value = this.evalConst(expr, true);
    if (value === undefined) throw new RwasmError('ConstEvaluationFailed', `segment offset at byte offset ${expr.offset} cannot be evaluated`);
    if (value < 0n || value >= U32) throw new RwasmError(code, `segment offset ${value} is not a u32`);
    return Number(value);
  }

  // ------------------------------------------------------------------ segments
  private elements(module: WasmModule): void {
    module.elements.forEach((segment, index) => {
      const items = segment.items.map((item) => {
        if (typeof item === 'number') return item + 1;
        const only = item.ops.length === 1 ? item.ops[0]! : undefined;
        if (only?.op === 0xd2) return only.a + 1;
        const value = this.evalConst(item, false);
        if (value === undefined) throw new RwasmError('ConstEvaluationFailed', `element segment ${index}: an item cannot be evaluated`);
        return Number(BigInt.asUintN(32, value));
      });
      const start = this.elemSection.length;
      if (segment.mode === 'active') {
        const offset = this.offsetOf(segment.offset!, 'TableOutOfBounds');
        this.elemSection.push(...items);
        const length = this.elemSection.length - start;
        emitAll(this.entry, [
          [Opcode.I32Const, offset], [Opcode.I32Const, start], [Opcode.I32Const, length],
          [Opcode.TableInit, index + 1], [Opcode.TableGet, segment.table], [Opcode.ElemDrop, index + 1],
        ]);
        this.ctx.elementSections.set(index, [offset, length]);
      } else {
        if (segment.mode === 'passive') this.elemSection.push(...items);
        this.ctx.elementSections.set(index, [start, this.elemSection.length - start]);
      }
    });
  }

  private datas(module: WasmModule): void {
    module.datas.forEach((segment, index) => {
      const position = this.dataLength;
      const length = segment.bytes.length;
      this.dataSection.push(segment.bytes);
      this.dataLength += length;
      if (segment.mode === 'passive') {
        this.ctx.memorySections.set(index, [position, length]);
        return;
      }
      if (segment.memory !== 0) throw new RwasmError('NonDefaultMemoryIndex', `data segment ${index} targets memory ${segment.memory}`);
      const offset = this.offsetOf(segment.offset!, 'MemoryOutOfBounds');
      // A segment reaching past the initial pages gets length u32::MAX, so MemoryInit traps at
      // instantiation; when the page arithmetic overflows u32 the reference skips the marker.
      const lastPage = offset + length + PAGE - 1;
      const overflows = lastPage <= 0xffffffff && Math.floor(lastPage / PAGE) > this.totalPages;
      emitAll(this.entry, [
        [Opcode.I32Const, offset], [Opcode.I32Const, position], [Opcode.I32Const, overflows ? 0xffffffff : length],
        [Opcode.MemoryInit, 0], [Opcode.DataDrop, index + 1],
      ]);
      this.ctx.memorySections.set(index, [offset, length]);
    });
  }

  // ------------------------------------------------------------------ layout
  private finish(module: WasmModule): CompileResult {
    const entry = this.entry;
    const config = this.config;
    if (module.start !== undefined) {
      if (!config.allowStartSection) throw new RwasmError('StartSectionsAreNotAllowed', 'the module has a start section');
      this.ctx.emitCall(entry, module.start, false);
    }
    entry.pushRaw(Opcode.Return, 0);
    const sourcePc = entry.length;
    if (config.entrypointName !== undefined) {
      const index = this.exportedFunctions.get(config.entrypointName);
      if (index === undefined) throw new RwasmError('MissingEntrypoint', `no exported function named ${config.entrypointName}`);
      this.ctx.emitCall(entry, index, true);
    } else if (config.stateRouter === undefined) {
      throw new RwasmError('MissingEntrypoint', 'neither entrypointName nor stateRouter is configured');
    }
    this.emitSnippets();
    if (config.stateRouter) {
      if (config.stateRouter.opcode) entry.push(config.stateRouter.opcode);
      for (const [name, state] of config.stateRouter.states) {
        const index = this.exportedFunctions.get(name);
        if (index === undefined) continue;
        const type = module.types[module.functions[index]!]!;
        if ((type.params.length !== 0 || type.results.length !== 0) && !config.allowMalformedEntrypointFuncType) {
          throw new RwasmError('MalformedFuncType', `routed export ${name} is not () -> ()`);
        }
        emitAll(entry, [[Opcode.LocalGet, 1], [Opcode.I32Const, state], [Opcode.I32Eq], [Opcode.BrIfEqz, 3], [Opcode.Drop]]);
        this.ctx.emitCall(entry, index, true);
      }
      entry.pushRaw(Opcode.Drop, 0);
    }
    const last = entry.length > 0 ? entry.opcode(entry.length - 1) : undefined;
    if (last !== Opcode.Return && last !== Opcode.ReturnCall && last !== Opcode.ReturnCallInternal && last !== Opcode.ReturnCallIndirect) {
      entry.pushRaw(Opcode.Return, 0);
    }

    // entrypoint ++ functions, with function references turned into pcs
    const entryLength = entry.length;
    const offsets = this.ctx.funcOffsets;
    const resolve = (placeholder: number): number => {
      const offset = offsets[placeholder - 1];
      if (offset === undefined) {
        throw new RwasmError('ConstEvaluationFailed', `reference to function ${placeholder - 1}, which does not exist (the reference would panic)`);
      }
      return offset + entryLength;
    };
    const total = entryLength + this.code.length;
    const codes = new Uint16Array(total);
    const bits = new Uint32Array(total);
    const entryRaw = entry.rawView();
    const codeRaw = this.code.rawView();
    codes.set(entryRaw.codes);
    bits.set(entryRaw.bits);
    codes.set(codeRaw.codes, entryLength);
    bits.set(codeRaw.bits, entryLength);
    for (let pc = 0; pc < total; pc++) {
      const code = codes[pc];
      if ((code === Opcode.CallInternal || code === Opcode.ReturnCallInternal || code === Opcode.RefFunc) && bits[pc]! > 0) {
        bits[pc] = resolve(bits[pc]!);
      }
    }
    const all = InstructionSet.fromRaw(codes, bits);
    const elem = Uint32Array.from(this.elemSection, (v) => (v > 0 ? resolve(v) : 0));
    const data = new Uint8Array(this.dataLength);
    let at = 0;
    for (const piece of this.dataSection) {
      data.set(piece, at);
      at += piece.length;
    }
    return {
      module: new RwasmModule({ code: all, data, elem, hint: this.wasm.slice(), sourcePc }),
      constructorParams: this.constructorParams ?? new Uint8Array(0),
    };
  }

  /** Appends each snippet used (first use first) as a function and points its calls at it. */
  private emitSnippets(): void {
    if (!this.config.codeSnippets) return;
    const emitted = new Map<string, number>();
    for (const { pc, snippet } of this.ctx.snippetCalls) {
      let funcIndex = emitted.get(snippet);
      if (funcIndex === undefined) {
        funcIndex = this.functionCount++;
        emitted.set(snippet, funcIndex);
        this.ctx.funcOffsets.push(this.code.length);
        const sequence = i64Sequence(snippet);
        this.code.pushRaw(Opcode.StackCheck, sequence.maxStackHeight);
        for (let i = 0; i < sequence.codes.length; i++) this.code.pushRaw(sequence.codes[i]!, sequence.bits[i]!);
        this.code.pushRaw(Opcode.Return, 0);
      }
      this.code.setRawImmediate(pc, funcIndex + 1);
    }
  }
}

function emitAll(target: InstructionSet, instructions: ReadonlyArray<readonly [Opcode, number?]>): void {
  for (const [code, imm] of instructions) target.pushRaw(code, (imm ?? 0) >>> 0);
}

const LINKER_TYPE: Record<LinkerValType, ValueType> = { i32: I32, i64: I64, f32: F32, f64: F64, funcref: FUNCREF, externref: EXTERNREF };

function sameSignature(entry: ImportEntry, params: readonly ValueType[], results: readonly ValueType[]): boolean {
  return (
    entry.params.length === params.length &&
    entry.results.length === results.length &&
    entry.params.every((t, i) => LINKER_TYPE[t] === params[i]) &&
    entry.results.every((t, i) => LINKER_TYPE[t] === results[i])
  );
}
