/**
 * Translates one validated Wasm function body into rWasm, instruction for instruction the way
 * the reference translator does: an emulated stack of Wasm types and 32-bit slot heights
 * (params not counted, locals counted), control frames with labels patched at the end, fuel
 * blocks, drop/keep sequences and i64 lowering. Every quirk that changes bytes is kept.
 */
import { RwasmError } from '../../errors.js';
import { InstructionSet } from '../../format/instruction-set.js';
import { Opcode } from '../../format/opcodes.js';
import { TrapCode } from '../../format/trap-codes.js';
import { malformed, WasmReader } from '../wasm/reader.js';
import { BLOCK_TYPE_INDEX, BLOCK_VALUE, Immediates, readOperator, Wasm } from '../wasm/operators.js';
import { FunctionValidator } from '../wasm/validator.js';
import { readLocals } from '../wasm/locals.js';
import { F32, F64, FUNCREF, I32, I64, V128, type ValueType } from '../wasm/types.js';
import type { SnippetKind, TranslationContext } from './context.js';
import { FUEL_BASE, FUEL_CALL, FUEL_ENTITY, FUEL_LOAD, FUEL_STORE } from '../../format/fuel-policy.js';
import { i64Sequence, type RawSequence } from '../../format/i64-sequences.js';
import type { I64SequenceName } from '../../format/i64-sequences.js';

const enum Kind {
  Block,
  Loop,
  If,
  Unreachable,
}

interface Frame {
  kind: Kind;
  /** For unreachable frames: what they stand for. */
  origin: Kind;
  paramWords: number;
  resultWords: number;
  paramTypes: readonly ValueType[];
  resultTypes: readonly ValueType[];
  height: number;
  endLabel: number;
  elseLabel: number;
  headerLabel: number;
  /** pc of the ConsumeFuel instruction this frame charges, or -1. */
  fuel: number;
}

const NO_TYPES: readonly ValueType[] = [];
const U16_MAX = 0xffff;

const SNIPPET_NAMES: Partial<Record<number, SnippetKind>> = {
  [Wasm.I64Eq]: 'eq', [Wasm.I64Ne]: 'ne', [Wasm.I64LtS]: 'ltS', [Wasm.I64LtU]: 'ltU', [Wasm.I64GtS]: 'gtS',
  [Wasm.I64GtU]: 'gtU', [Wasm.I64LeS]: 'leS', [Wasm.I64LeU]: 'leU', [Wasm.I64GeS]: 'geS', [Wasm.I64GeU]: 'geU',
  [Wasm.I64Add]: 'add', [Wasm.I64Sub]: 'sub', [Wasm.I64Mul]: 'mul', [Wasm.I64DivS]: 'divS', [Wasm.I64DivU]: 'divU',
  [Wasm.I64RemS]: 'remS', [Wasm.I64RemU]: 'remU', [Wasm.I64Shl]: 'shl', [Wasm.I64ShrS]: 'shrS', [Wasm.I64ShrU]: 'shrU',
  [Wasm.I64Rotl]: 'rotl', [Wasm.I64Rotr]: 'rotr',
};
const COMPARE_SNIPPETS = new Set<SnippetKind>(['eq', 'ne', 'ltS', 'ltU', 'gtS', 'gtU', 'leS', 'leU', 'geS', 'geU']);

/** Lookup tables indexed by Wasm operator code (< 0x200); -1 or undefined where not applicable. */
function opTable(entries: Partial<Record<number, number>>): Int16Array {
  const table = new Int16Array(0x200).fill(-1);
  for (const [op, value] of Object.entries(entries)) table[Number(op)] = value!;
  return table;
}
const SNIPPET_BY_OP: ReadonlyArray<SnippetKind | undefined> = Array.from({ length: 0x200 }, (_, op) => SNIPPET_NAMES[op]);

// i32 ALU and compare opcodes map one to one onto rWasm opcodes.
const I32_DIRECT = opTable((() => {
  const table: Partial<Record<number, number>> = {};
  const names = ['I32Eqz', 'I32Eq', 'I32Ne', 'I32LtS', 'I32LtU', 'I32GtS', 'I32GtU', 'I32LeS', 'I32LeU', 'I32GeS', 'I32GeU'] as const;
  names.forEach((name, i) => (table[0x45 + i] = Opcode[name]));
  const alu = ['I32Clz', 'I32Ctz', 'I32Popcnt', 'I32Add', 'I32Sub', 'I32Mul', 'I32DivS', 'I32DivU', 'I32RemS', 'I32RemU', 'I32And', 'I32Or', 'I32Xor', 'I32Shl', 'I32ShrS', 'I32ShrU', 'I32Rotl', 'I32Rotr'] as const;
  alu.forEach((name, i) => (table[0x67 + i] = Opcode[name]));
  table[Wasm.I32Extend8S] = Opcode.I32Extend8S;
  table[Wasm.I32Extend16S] = Opcode.I32Extend16S;
  return table;
})());

// Float opcodes (FPU) by Wasm opcode; the compiler emits Trap(IllegalOpcode) for them without FPU.
const FPU_BY_WASM = opTable((() => {
  const t: Partial<Record<number, number>> = {};
  const seq = (from: number, names: readonly string[]) =>
    names.forEach((name, i) => (t[from + i] = Opcode[name as keyof typeof Opcode]));
  seq(0x5b, ['F32Eq', 'F32Ne', 'F32Lt', 'F32Gt', 'F32Le', 'F32Ge', 'F64Eq', 'F64Ne', 'F64Lt', 'F64Gt', 'F64Le', 'F64Ge']);
  seq(0x8b, ['F32Abs', 'F32Neg', 'F32Ceil', 'F32Floor', 'F32Trunc', 'F32Nearest', 'F32Sqrt', 'F32Add', 'F32Sub', 'F32Mul', 'F32Div', 'F32Min', 'F32Max', 'F32Copysign']);
  seq(0x99, ['F64Abs', 'F64Neg', 'F64Ceil', 'F64Floor', 'F64Trunc', 'F64Nearest', 'F64Sqrt', 'F64Add', 'F64Sub', 'F64Mul', 'F64Div', 'F64Min', 'F64Max', 'F64Copysign']);
  seq(0xa8, ['I32TruncF32S', 'I32TruncF32U', 'I32TruncF64S', 'I32TruncF64U']);
  seq(0xae, ['I64TruncF32S', 'I64TruncF32U', 'I64TruncF64S', 'I64TruncF64U', 'F32ConvertI32S', 'F32ConvertI32U', 'F32ConvertI64S', 'F32ConvertI64U', 'F32DemoteF64', 'F64ConvertI32S', 'F64ConvertI32U', 'F64ConvertI64S', 'F64ConvertI64U', 'F64PromoteF32']);
  seq(0x100, ['I32TruncSatF32S', 'I32TruncSatF32U', 'I32TruncSatF64S', 'I32TruncSatF64U', 'I64TruncSatF32S', 'I64TruncSatF32U', 'I64TruncSatF64S', 'I64TruncSatF64U']);
  t[Wasm.F32Load] = Opcode.F32Load;
  t[Wasm.F64Load] = Opcode.F64Load;
  t[Wasm.F32Store] = Opcode.F32Store;
  t[Wasm.F64Store] = Opcode.F64Store;
  return t;
})());

function isWide(type: ValueType): boolean {
  return type === I64 || type === F64;
}

function words(type: ValueType): number {
  return type === I64 || type === F64 ? 2 : 1;
}

export class FunctionTranslator {
  private readonly code: InstructionSet;
  private readonly validator: FunctionValidator;
  private readonly imm = new Immediates();
  private readonly fuelOn: boolean;
  private readonly bulkFuel: boolean;

  // per function
  private reachable = true;
  private height = 0;
  private maxHeight = 0;
  private nparams = 0;
  private types = new Uint8Array(64);
  /** Words held by types[0..i] inclusive, so a local's depth in words is one subtraction. */
  private cumulativeWords = new Int32Array(64);
  private typesLength = 0;
  private frames: Frame[] = [];
  private labelPcs: number[] = [];
  private labelUsers: number[] = [];

  constructor(private readonly ctx: TranslationContext) {
    this.code = ctx.code;
    this.validator = new FunctionValidator(ctx.module);
    this.fuelOn = ctx.config.consumeFuel;
    this.bulkFuel = ctx.config.consumeFuelForBulkOps && ctx.config.consumeFuel;
  }

  // ------------------------------------------------------------------ emulated stack
  private push(n: number): void {
    this.height += n;
    if (this.height > this.maxHeight) this.maxHeight = this.height;
  }

  private pop(n: number): void {
    this.height -= n;
  }

  private pushType(type: ValueType): void {
    const n = this.typesLength;
    if (n === this.types.length) {
      const grown = new Uint8Array(n * 2);
      grown.set(this.types);
      this.types = grown;
      const cumulative = new Int32Array(n * 2);
      cumulative.set(this.cumulativeWords);
      this.cumulativeWords = cumulative;
    }
    this.types[n] = type;
    this.cumulativeWords[n] = (n > 0 ? this.cumulativeWords[n - 1]! : 0) + words(type);
    this.typesLength = n + 1;
  }

  private popType(): ValueType {
    return this.types[--this.typesLength]!;
  }

  private topType(): ValueType {
    return this.types[this.typesLength - 1]!;
  }

  /** Shrinks the height to `height`, popping the types that held the dropped slots. */
  private shrinkTo(height: number): void {
    let old = this.height;
    this.height = height;
    while (old > height) old -= words(this.popType());
  }

  // ------------------------------------------------------------------ emission
  private emit(opcode: number, bits = 0): number {
    return this.code.pushRaw(opcode as Opcode, bits >>> 0);
  }

  private emitSequence(sequence: RawSequence): void {
    const { codes, bits } = sequence;
    for (let i = 0; i < codes.length; i++) this.code.pushRaw(codes[i]!, bits[i]!);
  }

  private emitFpu(wasmOp: number, offset = 0): void {
    if (this.ctx.config.fpu) this.emit(FPU_BY_WASM[wasmOp]!, offset);
    else this.emit(Opcode.Trap, TrapCode.IllegalOpcode);
  }

  private emitConsumeFuel(): number {
    return this.emit(Opcode.ConsumeFuel, 0);
  }

  private bumpFuel(delta: number): void {
    const frame = this.frames[this.frames.length - 1]!;
    if (frame.fuel < 0 || !this.fuelOn) return;
    const total = this.code.rawImmediate(frame.fuel) + delta;
    if (total > 0xffffffff) throw new RwasmError('BlockFuelOutOfBounds', `a fuel block needs more than u32::MAX fuel (pc ${frame.fuel})`);
    this.code.setRawImmediate(frame.fuel, total);
  }

  // ------------------------------------------------------------------ labels
  private newLabel(): number {
    this.labelPcs.push(-1);
    return this.labelPcs.length - 1;
  }

  private pin(label: number): void {
    this.labelPcs[label] = this.code.length;
  }

  /** Offset from `user` to `label`, or 0 with the use recorded for patching at the end. */
  private offsetTo(label: number, user: number): number {
    const target = this.labelPcs[label]!;
    if (target >= 0) return target - user;
    this.labelUsers.push(user, label);
    return 0;
  }

  // ------------------------------------------------------------------ frames
  private top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  private blockTypeOf(imm: Immediates): { paramWords: number; resultWords: number; params: readonly ValueType[]; results: readonly ValueType[] } {
    if (imm.blockKind === BLOCK_VALUE) {
      return { paramWords: 0, resultWords: words(imm.blockValue), params: NO_TYPES, results: [imm.blockValue] };
    }
    if (imm.blockKind === BLOCK_TYPE_INDEX) {
      const type = this.ctx.module.types[imm.blockValue]!;
      return {
        paramWords: this.ctx.loweredParams[imm.blockValue]!,
        resultWords: this.ctx.loweredResults[imm.blockValue]!,
        params: type.params,
        results: type.results,
      };
    }
    return { paramWords: 0, resultWords: 0, params: NO_TYPES, results: NO_TYPES };
  }

  private pushFrame(kind: Kind, origin: Kind, bt: ReturnType<FunctionTranslator['blockTypeOf']>, height: number, fuel: number): Frame {
    const frame: Frame = {
      kind,
      origin,
      paramWords: bt.paramWords,
      resultWords: bt.resultWords,
      paramTypes: bt.params,
      resultTypes: bt.results,
      height,
      endLabel: -1,
      elseLabel: -1,
      headerLabel: -1,
      fuel,
    };
    this.frames.push(frame);
    return frame;
  }

  // ------------------------------------------------------------------ drop/keep
  private dropKeep(drop: number, keep: number): { drop: number; keep: number } {
    if (drop > U16_MAX || keep > U16_MAX) throw new RwasmError('DropKeepOutOfBounds', `drop ${drop} / keep ${keep} exceed 65535`);
    return { drop, keep };
  }

  /** Emits a drop/keep sequence into `target`; returns its length. */
  private emitDropKeep(target: InstructionSet, dk: { drop: number; keep: number }): number {
    const { drop, keep } = dk;
    if (drop === 0) return 0;
    let count = 0;
    if (drop >= keep) {
      for (let i = 0; i < keep; i++) target.pushRaw(Opcode.LocalSet, drop);
      target.pushRaw(Opcode.BulkDrop, drop - keep);
      count = keep + 1;
    } else {
      this.push(1);
      this.pop(1);
      for (let i = 0; i < keep; i++) {
        target.pushRaw(Opcode.LocalGet, keep - i);
        target.pushRaw(Opcode.LocalSet, keep + drop - i);
      }
      target.pushRaw(Opcode.BulkDrop, drop);
      count = 2 * keep + 1;
    }
    return count;
  }

  private dropKeepFor(depth: number): { drop: number; keep: number } {
    const frame = this.frames[this.frames.length - 1 - depth]!;
    const keep = frame.kind === Kind.Loop ? frame.paramWords : frame.resultWords;
    const diff = this.height - frame.height;
    return this.dropKeep(diff - keep, keep);
  }

  private dropKeepReturn(): { drop: number; keep: number } {
    const dk = this.dropKeepFor(this.frames.length - 1);
    return this.dropKeep(dk.drop + this.nparams, dk.keep);
  }

  private dropKeepReturnCall(calleeParamWords: number): { drop: number; keep: number } {
    const diff = this.height - this.frames[0]!.height;
    return this.dropKeep(diff - calleeParamWords + this.nparams, calleeParamWords);
  }

  private branchLabel(frame: Frame): number {
    return frame.kind === Kind.Loop ? frame.headerLabel : frame.endLabel;
  }

  // ------------------------------------------------------------------ function
  /** Translates function `funcIndex` whose body spans [start, end) of the module bytes. */
  translate(funcIndex: number, start: number, end: number): void {
    const ctx = this.ctx;
    const typeIndex = ctx.typeOfFunction(funcIndex);
    const type = ctx.module.types[typeIndex]!;
    this.begin(typeIndex);
    this.bumpFuel(FUEL_BASE);
    const stackCheckPc = this.emit(Opcode.StackCheck, 0xffffffff);

    // locals
    const reader = new WasmReader(ctx.module.bytes, start, end);
    const locals = readLocals(reader, type.params);
    if (ctx.config.consumeFuelForParamsAndLocals && locals.declared > 0) this.bumpFuel(locals.declared);
    for (let i = 0; i < locals.counts.length; i++) {
      const t = locals.types[i]!;
      const count = locals.counts[i]!;
      if (t === V128) throw new RwasmError('NotSupportedLocalType', `function ${funcIndex} declares a v128 local`, { funcIndex });
      for (let k = 0; k < count; k++) this.pushType(t);
      this.emit(Opcode.BulkConst, count * words(t));
      this.push(count);
      if (isWide(t)) this.push(count);
    }

    // body
    this.validator.begin(type, locals.all);
    const imm = this.imm;
    while (reader.pos < end) {
      if (this.validator.finished) malformed('operators remaining after the end of the function', reader.pos);
      const at = reader.pos;
      const op = readOperator(reader, imm);
      this.validator.at = at;
      this.validator.validate(op, imm);
      this.operator(op, imm);
    }
    if (!this.validator.finished) malformed('unexpected end of the function body', end);

    // patch forward branches and the stack height
    for (let i = 0; i < this.labelUsers.length; i += 2) {
      const user = this.labelUsers[i]!;
      const target = this.labelPcs[this.labelUsers[i + 1]!]!;
      this.code.setRawImmediate(user, (target - user) >>> 0);
    }
    this.code.setRawImmediate(stackCheckPc, this.maxHeight);
  }

  /** Resets per-function state and emits the prologue up to the fuel charge (shared with trampolines). */
  begin(typeIndex: number): void {
    const ctx = this.ctx;
    this.reachable = true;
    this.height = 0;
    this.maxHeight = 0;
    this.typesLength = 0;
    this.frames = [];
    this.labelPcs = [];
    this.labelUsers = [];
    ctx.funcOffsets.push(this.code.length);
    this.emit(Opcode.SignatureCheck, ctx.signatures[typeIndex]!);
    const fuel = this.fuelOn ? this.emitConsumeFuel() : -1;
    const type = ctx.module.types[typeIndex]!;
    const frame = this.pushFrame(
      Kind.Block,
      Kind.Block,
      { paramWords: ctx.loweredParams[typeIndex]!, resultWords: ctx.loweredResults[typeIndex]!, params: type.params, results: type.results },
      0,
      fuel,
    );
    frame.endLabel = this.newLabel();
    for (const t of type.params) this.pushType(t);
    this.nparams = ctx.loweredParams[typeIndex]!;
    if (ctx.config.consumeFuelForParamsAndLocals) this.bumpFuel(this.nparams);
  }

  /** The height the emulated stack reached (the StackCheck value). */
  get maxStackHeight(): number {
    return this.maxHeight;
  }

  // ------------------------------------------------------------------ operators
  private operator(op: number, imm: Immediates): void {
    // Structured control is followed even in unreachable code; everything else is skipped there.
    switch (op) {
      case Wasm.Block:
        return this.block(imm);
      case Wasm.Loop:
        return this.loop(imm);
      case Wasm.If:
        return this.if(imm);
      case Wasm.Else:
        return this.else();
      case Wasm.End:
        return this.end();
    }
    if (!this.reachable) return;

    const direct = I32_DIRECT[op]!;
    if (direct >= 0) {
      this.bumpFuel(FUEL_BASE);
      if (op === Wasm.I32Eqz || op === Wasm.I32Clz || op === Wasm.I32Ctz || op === Wasm.I32Popcnt || op === Wasm.I32Extend8S || op === Wasm.I32Extend16S) {
        // unary: the result type replaces the operand type (both i32)
      } else {
        this.popType();
        this.pop(1);
      }
      this.emit(direct);
      return;
    }
    const snippet = SNIPPET_BY_OP[op];
    if (snippet !== undefined) return this.snippetCall(snippet);

    switch (op) {
      case Wasm.Unreachable:
        this.emit(Opcode.Unreachable);
        this.reachable = false;
        return;
      case Wasm.Nop:
        return;
      case Wasm.Br:
        return this.br(imm.a);
      case Wasm.BrIf:
        return this.brIf(imm.a);
      case Wasm.BrTable:
        return this.brTable(imm);
      case Wasm.Return:
        return this.return();
      case Wasm.Call:
        return this.call(imm.a);
      case Wasm.CallIndirect:
        return this.callIndirect(imm.a, imm.b);
      case Wasm.ReturnCall:
        return this.returnCall(imm.a);
      case Wasm.ReturnCallIndirect:
        return this.returnCallIndirect(imm.a, imm.b);
      case Wasm.Drop: {
        this.pop(1);
        const t = this.popType();
        this.emit(Opcode.Drop);
        if (isWide(t)) {
          this.pop(1);
          this.emit(Opcode.Drop);
        }
        return;
      }
      case Wasm.Select:
      case Wasm.SelectTyped: {
        this.bumpFuel(FUEL_BASE);
        this.pop(3);
        this.push(1);
        this.popType();
        const t = this.popType();
        if (isWide(t)) {
          this.pop(1);
          this.emit(Opcode.BrIfEqz, 4);
          this.emit(Opcode.Drop);
          this.emit(Opcode.Drop);
          this.emit(Opcode.Br, 3);
          this.emit(Opcode.LocalSet, 2);
          this.emit(Opcode.LocalSet, 2);
        } else {
          this.emit(Opcode.Select);
        }
        return;
      }
      case Wasm.LocalGet: {
        this.bumpFuel(FUEL_BASE);
        const depth = this.typesLength - imm.a;
        const t = this.types[this.typesLength - depth]!;
        const d = this.expressedDepth(depth);
        this.emit(Opcode.LocalGet, d);
        this.push(1);
        if (isWide(t)) {
          this.emit(Opcode.LocalGet, d);
          this.push(1);
        }
        this.pushType(t);
        return;
      }
      case Wasm.LocalSet: {
        this.bumpFuel(FUEL_BASE);
        this.pop(1);
        const t = this.popType();
        const d = this.expressedDepth(this.typesLength - imm.a);
        this.emit(Opcode.LocalSet, d);
        if (isWide(t)) {
          this.emit(Opcode.LocalSet, d);
          this.pop(1);
        }
        return;
      }
      case Wasm.LocalTee: {
        this.bumpFuel(FUEL_BASE);
        const d = this.expressedDepth(this.typesLength - imm.a);
        if (isWide(this.topType())) {
          this.push(1);
          this.pop(1);
          this.emit(Opcode.LocalTee, d - 1);
          this.emit(Opcode.LocalGet, 2);
          this.emit(Opcode.LocalSet, d);
        } else {
          this.emit(Opcode.LocalTee, d);
        }
        return;
      }
      case Wasm.GlobalGet: {
        this.bumpFuel(FUEL_ENTITY);
        const t = this.ctx.module.globals[imm.a]!.type;
        this.pushType(t);
        if (isWide(t)) {
          this.emit(Opcode.GlobalGet, imm.a * 2 + 1);
          this.emit(Opcode.GlobalGet, imm.a * 2);
          this.push(2);
        } else {
          this.emit(Opcode.GlobalGet, imm.a * 2);
          this.push(1);
        }
        return;
      }
      case Wasm.GlobalSet: {
        this.bumpFuel(FUEL_ENTITY);
        const t = this.ctx.module.globals[imm.a]!.type;
        this.popType();
        this.emit(Opcode.GlobalSet, imm.a * 2);
        this.pop(1);
        if (isWide(t)) {
          this.emit(Opcode.GlobalSet, imm.a * 2 + 1);
          this.pop(1);
        }
        return;
      }
      case Wasm.TableGet: {
        this.bumpFuel(FUEL_ENTITY);
        this.popType();
        this.emit(Opcode.TableGet, imm.a);
        this.pushType(this.ctx.module.tables[imm.a]!.element);
        return;
      }
      case Wasm.TableSet:
        this.bumpFuel(FUEL_ENTITY);
        this.pop(2);
        this.popType();
        this.popType();
        this.emit(Opcode.TableSet, imm.a);
        return;
      case Wasm.I32Load: case Wasm.I32Load8S: case Wasm.I32Load8U: case Wasm.I32Load16S: case Wasm.I32Load16U:
        return this.load(imm.offset, I32, [Opcode.I32Load, 0, 0, 0, Opcode.I32Load8S, Opcode.I32Load8U, Opcode.I32Load16S, Opcode.I32Load16U][op - Wasm.I32Load]!, 0);
      case Wasm.F32Load:
      case Wasm.F64Load:
        this.loadStoreBookkeeping(op === Wasm.F32Load ? F32 : F64, false, 0, FUEL_LOAD);
        this.emitFpu(op, imm.offset);
        return;
      case Wasm.I64Load:
        return this.loadI64(imm.offset, 2, (off) => {
          this.emit(Opcode.LocalGet, 1);
          this.emit(Opcode.I32Load, Math.min(off + 4, 0xffffffff));
          this.emit(Opcode.LocalGet, 2);
          this.emit(Opcode.I32Load, off);
          this.emit(Opcode.LocalSet, 2);
        });
      case Wasm.I64Load8S: case Wasm.I64Load16S: case Wasm.I64Load32S: {
        const load = op === Wasm.I64Load8S ? Opcode.I32Load8S : op === Wasm.I64Load16S ? Opcode.I32Load16S : Opcode.I32Load;
        return this.loadI64(imm.offset, 1, (off) => {
          this.emit(load, off);
          this.emit(Opcode.LocalGet, 1);
          this.emit(Opcode.I32Const, 31);
          this.emit(Opcode.I32ShrS);
        });
      }
      case Wasm.I64Load8U: case Wasm.I64Load16U: case Wasm.I64Load32U: {
        const load = op === Wasm.I64Load8U ? Opcode.I32Load8U : op === Wasm.I64Load16U ? Opcode.I32Load16U : Opcode.I32Load;
        return this.loadI64(imm.offset, 1, (off) => {
          this.emit(load, off);
          this.emit(Opcode.I32Const, 0);
        });
      }
      case Wasm.I32Store: case Wasm.I32Store8: case Wasm.I32Store16: {
        this.loadStoreBookkeeping(I32, true, 0, FUEL_STORE);
        this.emit(op === Wasm.I32Store ? Opcode.I32Store : op === Wasm.I32Store8 ? Opcode.I32Store8 : Opcode.I32Store16, imm.offset);
        return;
      }
      case Wasm.F32Store:
      case Wasm.F64Store:
        this.loadStoreBookkeeping(op === Wasm.F32Store ? F32 : F64, true, 0, FUEL_STORE);
        this.emitFpu(op, imm.offset);
        return;
      case Wasm.I64Store:
        this.loadStoreBookkeeping(I64, true, 2, FUEL_STORE);
        this.emit(Opcode.LocalGet, 3);
        this.emit(Opcode.LocalGet, 2);
        this.emit(Opcode.I32Store, Math.min(imm.offset + 4, 0xffffffff));
        this.emit(Opcode.Drop);
        this.emit(Opcode.I32Store, imm.offset);
        return;
      case Wasm.I64Store8: case Wasm.I64Store16: case Wasm.I64Store32:
        this.loadStoreBookkeeping(I64, true, 0, FUEL_STORE);
        this.emit(Opcode.Drop);
        this.emit(op === Wasm.I64Store8 ? Opcode.I32Store8 : op === Wasm.I64Store16 ? Opcode.I32Store16 : Opcode.I32Store, imm.offset);
        return;
      case Wasm.MemorySize:
        this.bumpFuel(FUEL_ENTITY);
        this.pushType(I32);
        this.push(1);
        this.emit(Opcode.MemorySize);
        return;
      case Wasm.MemoryGrow: {
        this.bumpFuel(FUEL_ENTITY);
        const limit = this.ctx.module.memories[0]!.max;
        const configMax = this.ctx.config.maxAllowedMemoryPages;
        const maxPages = limit !== undefined && limit <= configMax ? limit : configMax;
        this.emitMemoryGrowChecked(maxPages);
        this.push(2);
        this.pop(2);
        this.pop(1);
        this.push(1);
        return;
      }
      case Wasm.I32Const:
      case Wasm.F32Const:
        // an f32 constant is its bits
        this.bumpFuel(FUEL_BASE);
        this.pushType(op === Wasm.I32Const ? I32 : F32);
        this.push(1);
        this.emit(Opcode.I32Const, imm.a);
        return;
      case Wasm.I64Const:
      case Wasm.F64Const:
        this.bumpFuel(FUEL_BASE);
        this.pushType(op === Wasm.I64Const ? I64 : F64);
        this.push(2);
        this.emit(Opcode.I32Const, imm.lo);
        this.emit(Opcode.I32Const, imm.hi);
        return;
      case Wasm.RefNull:
        this.bumpFuel(FUEL_BASE);
        this.pushType(imm.a);
        this.push(1);
        this.emit(Opcode.I32Const, 0);
        return;
      case Wasm.RefIsNull:
        this.bumpFuel(FUEL_BASE);
        this.popType();
        this.pushType(I32);
        this.emit(Opcode.I32Eqz);
        return;
      case Wasm.RefFunc:
        this.bumpFuel(FUEL_BASE);
        this.pushType(FUNCREF);
        this.push(1);
        this.emit(Opcode.RefFunc, imm.a + 1);
        return;
      // i64 operations done inline
      case Wasm.I64Eqz:
        return this.inline('eqz', I32, 'unary');
      case Wasm.I64Clz:
        return this.inline('clz', I64, 'unary');
      case Wasm.I64Ctz:
        return this.inline('ctz', I64, 'unary');
      case Wasm.I64Popcnt:
        return this.inline('popcnt', I64, 'unary');
      case Wasm.I64And:
        return this.inline('and', I64, 'binary');
      case Wasm.I64Or:
        return this.inline('or', I64, 'binary');
      case Wasm.I64Xor:
        return this.inline('xor', I64, 'binary');
      case Wasm.I64Extend8S:
        return this.inline('extend8S', I64, 'unary');
      case Wasm.I64Extend16S:
        return this.inline('extend16S', I64, 'unary');
      case Wasm.I64Extend32S:
        return this.inline('extend32S', I64, 'unary');
      case Wasm.I64ExtendI32S:
        return this.conversion(I32, I64, i64Sequence('extendI32S'));
      case Wasm.I64ExtendI32U:
        return this.conversion(I32, I64, i64Sequence('extendI32U'));
      case Wasm.I32WrapI64:
        this.bumpFuel(FUEL_BASE);
        this.popType();
        this.pushType(I32);
        this.emit(Opcode.Drop);
        this.pop(1);
        return;
      case Wasm.I32ReinterpretF32:
        return this.reinterpret(I32);
      case Wasm.I64ReinterpretF64:
        return this.reinterpret(I64);
      case Wasm.F32ReinterpretI32:
        return this.reinterpret(F32);
      case Wasm.F64ReinterpretI64:
        return this.reinterpret(F64);
      case Wasm.MemoryInit:
        return this.memoryInit(imm.a);
      case Wasm.DataDrop:
        this.bumpFuel(FUEL_ENTITY);
        this.emit(Opcode.DataDrop, imm.a + 1);
        return;
      case Wasm.MemoryCopy:
      case Wasm.MemoryFill:
        this.bumpFuel(FUEL_ENTITY);
        this.push(2);
        this.pop(2);
        this.pop(3);
        this.popType();
        this.popType();
        this.popType();
        if (this.bulkFuel) this.emitBulkFuel(63, 6);
        this.emit(op === Wasm.MemoryCopy ? Opcode.MemoryCopy : Opcode.MemoryFill);
        return;
      case Wasm.TableInit:
        return this.tableInit(imm.a, imm.b);
      case Wasm.ElemDrop:
        this.bumpFuel(FUEL_ENTITY);
        this.emit(Opcode.ElemDrop, imm.a + 1);
        return;
      case Wasm.TableCopy:
        this.bumpFuel(FUEL_ENTITY);
        this.push(2);
        this.pop(2);
        this.pop(3);
        this.popType();
        this.popType();
        this.popType();
        if (this.bulkFuel) this.emitBulkFuel(15, 4);
        this.emit(Opcode.TableCopy, (imm.a | (imm.b << 16)) >>> 0);
        return;
      case Wasm.TableFill:
        this.bumpFuel(FUEL_ENTITY);
        this.push(2);
        this.pop(2);
        this.pop(3);
        this.popType();
        this.popType();
        this.popType();
        if (this.bulkFuel) this.emitBulkFuel(15, 4);
        this.emit(Opcode.TableFill, imm.a);
        return;
      case Wasm.TableGrow:
        return this.tableGrow(imm.a);
      case Wasm.TableSize:
        this.bumpFuel(FUEL_ENTITY);
        this.push(1);
        this.pushType(I32);
        this.emit(Opcode.TableSize, imm.a);
        return;
    }
    // Remaining: float operations and conversions.
    this.floatOperator(op);
  }

  private floatOperator(op: number): void {
    // comparisons: [t t] -> i32
    if ((op >= 0x5b && op <= 0x66)) {
      this.bumpFuel(FUEL_BASE);
      const t = this.popType();
      this.popType();
      this.pushType(I32);
      this.pop(words(t));
      this.pop(words(t));
      this.push(1);
      this.emitFpu(op);
      return;
    }
    // unary: [t] -> t
    if ((op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f)) {
      this.bumpFuel(FUEL_BASE);
      const t = this.topType();
      this.pop(words(t));
      this.push(words(t));
      this.emitFpu(op);
      return;
    }
    // binary: [t t] -> t
    if ((op >= 0x92 && op <= 0x98) || (op >= 0xa0 && op <= 0xa6)) {
      this.bumpFuel(FUEL_BASE);
      const t = this.popType();
      this.popType();
      this.pushType(t);
      this.pop(words(t));
      this.pop(words(t));
      this.push(words(t));
      this.emitFpu(op);
      return;
    }
    const conversion = FLOAT_CONVERSIONS[op];
    if (conversion) {
      this.bumpFuel(FUEL_BASE);
      this.popType();
      this.pushType(conversion[1]);
      this.pop(words(conversion[0]));
      this.push(words(conversion[1]));
      this.emitFpu(op);
      return;
    }
    throw new RwasmError('NotSupportedExtension', `operator 0x${op.toString(16)} is not supported`);
  }

  /** Words held by the top `depth` entries of the type stack (a local's LocalGet depth). */
  private expressedDepth(depth: number): number {
    const top = this.typesLength - 1;
    const below = top - depth;
    return this.cumulativeWords[top]! - (below >= 0 ? this.cumulativeWords[below]! : 0);
  }

  private loadStoreBookkeeping(type: ValueType, isStore: boolean, msh: number, fuel: number): void {
    this.bumpFuel(fuel);
    if (isStore) {
      this.push(msh);
      this.popType();
      this.pop(words(type));
      this.popType();
      this.pop(1);
      this.pop(msh);
    } else {
      this.popType();
      this.push(msh);
      this.pop(1);
      this.push(words(type));
      this.pop(msh);
      this.pushType(type);
    }
  }

  private load(offset: number, type: ValueType, opcode: number, msh: number): void {
    this.loadStoreBookkeeping(type, false, msh, FUEL_LOAD);
    this.emit(opcode, offset);
  }

  private loadI64(offset: number, msh: number, emit: (offset: number) => void): void {
    this.loadStoreBookkeeping(I64, false, msh, FUEL_LOAD);
    emit(offset);
  }

  /** The reference's unary / binary helpers: peak at height + MSH, result typed as described. */
  private inline(name: I64SequenceName, resultType: ValueType, shape: 'unary' | 'binary'): void {
    const sequence = i64Sequence(name);
    this.bumpFuel(FUEL_BASE);
    const operand = this.popType();
    if (shape === 'binary') this.popType();
    this.pushType(shape === 'binary' ? operand : resultType);
    this.push(sequence.maxStackHeight);
    this.pop(words(operand));
    if (shape === 'binary') this.pop(words(operand));
    this.push(words(shape === 'binary' ? operand : resultType));
    this.pop(sequence.maxStackHeight);
    this.emitSequence(sequence);
  }

  private conversion(input: ValueType, output: ValueType, sequence: RawSequence): void {
    this.bumpFuel(FUEL_BASE);
    const msh = sequence.maxStackHeight;
    if (msh > 0) this.push(msh);
    this.popType();
    this.pushType(output);
    this.pop(words(input));
    this.push(words(output));
    if (msh > 0) this.pop(msh);
    this.emitSequence(sequence);
  }

  private reinterpret(output: ValueType): void {
    const input = this.popType();
    this.bumpFuel(FUEL_BASE);
    this.pushType(output);
    this.pop(words(input));
    this.push(words(output));
  }

  private snippetCall(snippet: SnippetKind): void {
    const sequence = i64Sequence(snippet);
    const isCompare = COMPARE_SNIPPETS.has(snippet);
    if (!this.ctx.config.codeSnippets) {
      // The reference inlines through its generic binary helper, which types the result as
      // the operand type (i64) even for comparisons; later depths follow that bookkeeping.
      this.bumpFuel(FUEL_BASE);
      const lhs = this.popType();
      this.popType();
      this.pushType(lhs);
      if (sequence.maxStackHeight > 0) this.push(sequence.maxStackHeight);
      this.pop(words(lhs));
      this.pop(words(lhs));
      this.push(words(lhs));
      if (sequence.maxStackHeight > 0) this.pop(sequence.maxStackHeight);
      this.emitSequence(sequence);
      return;
    }
    this.bumpFuel(FUEL_BASE);
    this.pop(4);
    this.push(isCompare ? 1 : 2);
    this.popType();
    this.popType();
    this.pushType(isCompare ? I32 : I64);
    const pc = this.emit(Opcode.CallInternal, 0xffffffff);
    this.ctx.snippetCalls.push({ pc, snippet });
  }

  private emitBulkFuel(round: number, shift: number): void {
    this.emit(Opcode.LocalGet, 1);
    this.emit(Opcode.I32Const, round);
    this.emit(Opcode.I32Add);
    this.emit(Opcode.I32Const, shift);
    this.emit(Opcode.I32ShrU);
    this.emit(Opcode.ConsumeFuelStack);
  }

  private emitMemoryGrowChecked(maxPages: number): void {
    this.emit(Opcode.LocalGet, 1);
    this.emit(Opcode.MemorySize);
    this.emit(Opcode.I32Add);
    this.emit(Opcode.I32Const, maxPages);
    this.emit(Opcode.I32GtS);
    this.emit(Opcode.BrIfEqz, 4);
    this.emit(Opcode.Drop);
    this.emit(Opcode.I32Const, 0xffffffff);
    this.emit(Opcode.Br, this.bulkFuel ? 8 : 2);
    if (this.bulkFuel) {
      this.emit(Opcode.LocalGet, 1);
      this.emit(Opcode.I32Const, 65536);
      this.emit(Opcode.I32Mul);
      this.emit(Opcode.I32Const, 6);
      this.emit(Opcode.I32ShrU);
      this.emit(Opcode.ConsumeFuelStack);
    }
    this.emit(Opcode.MemoryGrow);
  }

  private memoryInit(segment: number): void {
    this.bumpFuel(FUEL_ENTITY);
    this.popType();
    this.popType();
    this.popType();
    const section = this.ctx.memorySections.get(segment);
    if (!section) throw new RwasmError('MemoryOutOfBounds', `memory.init of unknown data segment ${segment}`, { segment });
    const [offset, length] = section;
    this.push(2);
    this.pop(2);
    this.pop(3);
    if (length > 0) {
      this.emit(Opcode.LocalGet, 1);
      this.emit(Opcode.LocalGet, 3);
      this.emit(Opcode.I32Add);
      this.emit(Opcode.I32Const, length);
      this.emit(Opcode.I32GtS);
      this.emit(Opcode.BrIfEqz, 2);
      this.emit(Opcode.Trap, TrapCode.MemoryOutOfBounds);
    }
    if (offset > 0) {
      this.emit(Opcode.I32Const, offset);
      this.emit(Opcode.LocalGet, 3);
      this.emit(Opcode.I32Add);
      this.emit(Opcode.LocalSet, 2);
    }
    if (this.bulkFuel) this.emitBulkFuel(63, 6);
    this.emit(Opcode.MemoryInit, segment + 1);
  }

  private tableInit(segment: number, table: number): void {
    this.bumpFuel(FUEL_ENTITY);
    this.popType();
    this.popType();
    this.popType();
    const section = this.ctx.elementSections.get(segment);
    if (!section) throw new RwasmError('TableOutOfBounds', `table.init of unknown element segment ${segment}`, { segment });
    const [offset, length] = section;
    this.emit(Opcode.LocalGet, 1);
    this.emit(Opcode.LocalGet, 3);
    this.emit(Opcode.I32Add);
    this.emit(Opcode.I32Const, length);
    this.emit(Opcode.I32GtS);
    this.emit(Opcode.BrIfEqz, 2);
    this.emit(Opcode.Trap, TrapCode.TableOutOfBounds);
    if (offset > 0) {
      this.emit(Opcode.I32Const, offset);
      this.emit(Opcode.LocalGet, 3);
      this.emit(Opcode.I32Add);
      this.emit(Opcode.LocalSet, 2);
    }
    if (this.bulkFuel) this.emitBulkFuel(15, 4);
    this.emit(Opcode.TableInit, segment + 1);
    this.emit(Opcode.TableGet, table);
    this.push(2);
    this.pop(2);
    this.pop(3);
  }

  private tableGrow(table: number): void {
    this.bumpFuel(FUEL_ENTITY);
    this.popType();
    this.popType();
    this.pushType(I32);
    const limit = this.ctx.module.tables[table]!.limits.max ?? 1024;
    this.emit(Opcode.LocalGet, 1);
    this.emit(Opcode.TableSize, table);
    this.emit(Opcode.I32Add);
    this.emit(Opcode.I32Const, limit);
    this.emit(Opcode.I32GtS);
    this.emit(Opcode.BrIfEqz, 5);
    this.emit(Opcode.Drop);
    this.emit(Opcode.Drop);
    this.emit(Opcode.I32Const, 0xffffffff);
    this.emit(Opcode.Br, this.bulkFuel ? 8 : 2);
    if (this.bulkFuel) this.emitBulkFuel(15, 4);
    this.emit(Opcode.TableGrow, table);
    this.push(2);
    this.pop(2);
    this.pop(2);
    this.push(1);
  }

  // ------------------------------------------------------------------ control
  private block(imm: Immediates): void {
    const bt = this.blockTypeOf(imm);
    if (!this.reachable) {
      this.pushFrame(Kind.Unreachable, Kind.Block, bt, 0, -1);
      return;
    }
    const fuel = this.top().fuel;
    const frame = this.pushFrame(Kind.Block, Kind.Block, bt, this.height - bt.paramWords, fuel);
    frame.endLabel = this.newLabel();
  }

  private loop(imm: Immediates): void {
    const bt = this.blockTypeOf(imm);
    if (!this.reachable) {
      this.pushFrame(Kind.Unreachable, Kind.Loop, bt, 0, -1);
      return;
    }
    const height = this.height - bt.paramWords;
    const header = this.newLabel();
    this.pin(header);
    const fuel = this.fuelOn ? this.emitConsumeFuel() : -1;
    const frame = this.pushFrame(Kind.Loop, Kind.Loop, bt, height, fuel);
    frame.headerLabel = header;
  }

  private if(imm: Immediates): void {
    const bt = this.blockTypeOf(imm);
    if (!this.reachable) {
      this.pushFrame(Kind.Unreachable, Kind.If, bt, 0, -1);
      return;
    }
    this.pop(1);
    this.popType();
    const height = this.height - bt.paramWords;
    const elseLabel = this.newLabel();
    const endLabel = this.newLabel();
    this.bumpFuel(FUEL_BASE);
    const branch = this.code.length;
    this.emit(Opcode.BrIfEqz, this.offsetTo(elseLabel, branch));
    const fuel = this.fuelOn ? this.emitConsumeFuel() : -1;
    const frame = this.pushFrame(Kind.If, Kind.If, bt, height, fuel);
    frame.elseLabel = elseLabel;
    frame.endLabel = endLabel;
  }

  private else(): void {
    const frame = this.top();
    if (frame.kind === Kind.Unreachable) return;
    if (this.reachable) {
      const branch = this.code.length;
      this.emit(Opcode.Br, this.offsetTo(frame.endLabel, branch));
    }
    this.pin(frame.elseLabel);
    if (this.fuelOn) frame.fuel = this.emitConsumeFuel();
    this.shrinkTo(frame.height);
    for (const t of frame.paramTypes) {
      this.push(words(t));
      this.pushType(t);
    }
    this.reachable = true;
  }

  private end(): void {
    const frame = this.top();
    if (frame.kind === Kind.If && this.labelPcs[frame.elseLabel] === -1) this.pin(frame.elseLabel);
    if (frame.kind !== Kind.Unreachable && frame.kind !== Kind.Loop) this.pin(frame.endLabel);
    if (this.frames.length === 1) this.return();
    else this.reachable = frame.kind !== Kind.Unreachable;
    if (frame.kind !== Kind.Unreachable) this.shrinkTo(frame.height);
    this.frames.pop();
    for (const t of frame.resultTypes) {
      this.push(words(t));
      this.pushType(t);
    }
    if (this.fuelOn && this.frames.length > 0) {
      const fuel = this.emitConsumeFuel();
      const parent = this.top();
      if (parent.kind !== Kind.Unreachable) parent.fuel = fuel;
    }
  }

  private br(depth: number): void {
    if (depth === this.frames.length - 1) {
      this.bumpFuel(FUEL_BASE);
      this.return();
    } else {
      const dk = this.dropKeepFor(depth);
      this.bumpFuel(FUEL_BASE);
      this.emitDropKeep(this.code, dk);
      const branch = this.code.length;
      this.emit(Opcode.Br, this.offsetTo(this.branchLabel(this.frames[this.frames.length - 1 - depth]!), branch));
    }
    this.reachable = false;
  }

  private brIf(depth: number): void {
    this.pop(1);
    this.popType();
    if (depth === this.frames.length - 1) {
      const dk = this.dropKeepReturn();
      this.bumpFuel(FUEL_BASE);
      const skip = this.emit(Opcode.BrIfEqz, 0);
      const length = this.emitDropKeep(this.code, dk);
      this.code.setRawImmediate(skip, length + 2);
      this.emit(Opcode.Return);
    } else {
      const dk = this.dropKeepFor(depth);
      const label = this.branchLabel(this.frames[this.frames.length - 1 - depth]!);
      this.bumpFuel(FUEL_BASE);
      if (dk.drop === 0) {
        const branch = this.code.length;
        this.emit(Opcode.BrIfNez, this.offsetTo(label, branch));
      } else {
        const skip = this.emit(Opcode.BrIfEqz, 0);
        const length = this.emitDropKeep(this.code, dk);
        this.code.setRawImmediate(skip, length + 2);
        const branch = this.code.length;
        this.emit(Opcode.Br, this.offsetTo(label, branch));
      }
    }
    if (this.fuelOn) {
      const fuel = this.emitConsumeFuel();
      this.top().fuel = fuel;
    }
  }

  private brTable(imm: Immediates): void {
    this.bumpFuel(FUEL_BASE);
    this.pop(1);
    this.popType();
    const n = imm.targetCount;
    const base = this.code.length; // where the BrTable goes
    const slotsLength = (n + 1) * 2;
    const slots = new InstructionSet(slotsLength);
    const trampolines = new InstructionSet();
    const encode = (depth: number) => {
      if (depth === this.frames.length - 1) {
        const dk = this.dropKeepReturn();
        if (dk.drop === 0) {
          slots.pushRaw(Opcode.Return, 0);
          slots.pushRaw(Opcode.Return, 0);
        } else {
          slots.pushRaw(Opcode.Br, slotsLength - slots.length + trampolines.length);
          slots.pushRaw(Opcode.Return, 0);
          this.emitDropKeep(trampolines, dk);
          trampolines.pushRaw(Opcode.Return, 0);
        }
        return;
      }
      const dk = this.dropKeepFor(depth);
      const label = this.branchLabel(this.frames[this.frames.length - 1 - depth]!);
      if (dk.drop === 0) {
        const user = base + 1 + slots.length;
        slots.pushRaw(Opcode.Br, this.offsetTo(label, user) >>> 0);
        slots.pushRaw(Opcode.Return, 0);
      } else {
        slots.pushRaw(Opcode.Br, slotsLength - slots.length + trampolines.length);
        slots.pushRaw(Opcode.Return, 0);
        this.emitDropKeep(trampolines, dk);
        const user = base + slotsLength + 1 + trampolines.length;
        trampolines.pushRaw(Opcode.Br, this.offsetTo(label, user) >>> 0);
      }
    };
    for (let i = 0; i < n; i++) encode(imm.targets[i]!);
    encode(imm.a);
    this.emit(Opcode.BrTable, n + 1);
    this.appendRaw(slots);
    this.appendRaw(trampolines);
    this.reachable = false;
  }

  private appendRaw(source: InstructionSet): void {
    const { codes, bits, length } = source.rawView();
    for (let i = 0; i < length; i++) this.code.pushRaw(codes[i] as Opcode, bits[i]!);
  }

  private return(): void {
    if (!this.reachable) return;
    const dk = this.dropKeepReturn();
    this.emitDropKeep(this.code, dk);
    this.emit(Opcode.Return);
    this.reachable = false;
  }

  private adjustForCall(typeIndex: number): void {
    const type = this.ctx.module.types[typeIndex]!;
    this.pop(this.ctx.loweredParams[typeIndex]!);
    this.push(this.ctx.loweredResults[typeIndex]!);
    for (let i = 0; i < type.params.length; i++) this.popType();
    for (const t of type.results) this.pushType(t);
  }

  private call(funcIndex: number): void {
    this.bumpFuel(FUEL_CALL);
    this.adjustForCall(this.ctx.typeOfFunction(funcIndex));
    this.ctx.emitCall(this.code, funcIndex, false);
  }

  private callIndirect(typeIndex: number, table: number): void {
    this.bumpFuel(FUEL_CALL);
    this.pop(1);
    this.popType();
    this.adjustForCall(typeIndex);
    this.emit(Opcode.CallIndirect, this.ctx.signatures[typeIndex]!);
    this.emit(Opcode.TableGet, table);
  }

  private returnCall(funcIndex: number): void {
    const typeIndex = this.ctx.typeOfFunction(funcIndex);
    const dk = this.dropKeepReturnCall(this.ctx.loweredParams[typeIndex]!);
    this.bumpFuel(FUEL_CALL);
    this.emitDropKeep(this.code, dk);
    this.ctx.emitCall(this.code, funcIndex, true);
    this.reachable = false;
  }

  private returnCallIndirect(typeIndex: number, table: number): void {
    this.pop(1);
    this.popType();
    const dk = this.dropKeepReturnCall(this.ctx.loweredParams[typeIndex]!);
    // The reference keeps the table index on top as an extra kept value.
    const adjusted = this.dropKeep(dk.drop, dk.keep + 1);
    this.bumpFuel(FUEL_CALL);
    this.emitDropKeep(this.code, adjusted);
    this.emit(Opcode.ReturnCallIndirect, this.ctx.signatures[typeIndex]!);
    this.emit(Opcode.TableGet, table);
    this.reachable = false;
  }
}

const FLOAT_CONVERSIONS: Partial<Record<number, readonly [ValueType, ValueType]>> = {
  0xa8: [F32, I32], 0xa9: [F32, I32], 0xaa: [F64, I32], 0xab: [F64, I32],
  0xae: [F32, I64], 0xaf: [F32, I64], 0xb0: [F64, I64], 0xb1: [F64, I64],
  0xb2: [I32, F32], 0xb3: [I32, F32], 0xb4: [I64, F32], 0xb5: [I64, F32], 0xb6: [F64, F32],
  0xb7: [I32, F64], 0xb8: [I32, F64], 0xb9: [I64, F64], 0xba: [I64, F64], 0xbb: [F32, F64],
  0x100: [F32, I32], 0x101: [F32, I32], 0x102: [F64, I32], 0x103: [F64, I32],
  0x104: [F32, I64], 0x105: [F32, I64], 0x106: [F64, I64], 0x107: [F64, I64],
};
