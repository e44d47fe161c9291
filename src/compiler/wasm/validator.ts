/**
 * Function body validation: the algorithm of the Wasm spec's validation appendix (operand
 * type stack with a polymorphic bottom after unreachable code, and control frames), for the MVP
 * plus multi-value, reference types, bulk memory, sign extension, saturating truncation and
 * tail calls. It runs operator by operator ahead of the translator.
 */
import { malformed } from './reader.js';
import {
  BLOCK_TYPE_INDEX,
  BLOCK_VALUE,
  FIXED_SIGNATURES,
  MEMORY_ACCESS,
  Wasm,
  type Immediates,
} from './operators.js';
import { funcTypeOf, type WasmModule } from './module.js';
import { EXTERNREF, F32, F64, FUNCREF, I32, I64, UNKNOWN, isNumType, isRefType, type FuncType, type ValueType } from './types.js';

interface Frame {
  op: number;
  params: readonly ValueType[];
  results: readonly ValueType[];
  height: number;
  unreachable: boolean;
}

const NO_TYPES: readonly ValueType[] = [];

export class FunctionValidator {
  private vals = new Uint8Array(64);
  private size = 0;
  private readonly frames: Frame[] = [];
  private locals: ValueType[] = [];
  private results: readonly ValueType[] = NO_TYPES;
  /** Byte offset of the operator being validated, for error messages. */
  at = 0;

  constructor(private readonly module: WasmModule) {}

  begin(type: FuncType, locals: ValueType[]): void {
    this.size = 0;
    this.frames.length = 0;
    this.locals = locals;
    this.results = type.results;
    this.frames.push({ op: Wasm.Block, params: NO_TYPES, results: type.results, height: 0, unreachable: false });
  }

  /** True once the function's outermost `end` has been validated. */
  get finished(): boolean {
    return this.frames.length === 0;
  }

  private fail(message: string): never {
    return malformed(message, this.at);
  }

  private push(type: ValueType): void {
    if (this.size === this.vals.length) {
      const grown = new Uint8Array(this.vals.length * 2);
      grown.set(this.vals);
      this.vals = grown;
    }
    this.vals[this.size++] = type;
  }

  private popAny(): ValueType {
    const frame = this.frames[this.frames.length - 1]!;
    if (this.size === frame.height) {
      if (frame.unreachable) return UNKNOWN;
      this.fail('type mismatch: operand stack underflow');
    }
    return this.vals[--this.size]!;
  }

  private pop(expected: ValueType): ValueType {
    const actual = this.popAny();
    if (actual !== expected && actual !== UNKNOWN && expected !== UNKNOWN) this.fail('type mismatch');
    return actual;
  }

  private popTypes(types: readonly ValueType[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.pop(types[i]!);
  }

  private pushTypes(types: readonly ValueType[]): void {
    for (const t of types) this.push(t);
  }

  private pushFrame(op: number, params: readonly ValueType[], results: readonly ValueType[]): void {
    this.frames.push({ op, params, results, height: this.size, unreachable: false });
    this.pushTypes(params);
  }

  private popFrame(): Frame {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) this.fail('unexpected end');
    this.popTypes(frame.results);
    if (this.size !== frame.height) this.fail('type mismatch: values remaining on the stack at the end of a block');
    this.frames.pop();
    return frame;
  }

  private labelTypes(depth: number): readonly ValueType[] {
    if (depth >= this.frames.length) this.fail('unknown label');
    const frame = this.frames[this.frames.length - 1 - depth]!;
    return frame.op === Wasm.Loop ? frame.params : frame.results;
  }

  private unreachable(): void {
    const frame = this.frames[this.frames.length - 1]!;
    this.size = frame.height;
    frame.unreachable = true;
  }

  private blockType(imm: Immediates): FuncType {
    if (imm.blockKind === BLOCK_VALUE) return { params: NO_TYPES, results: [imm.blockValue] };
    if (imm.blockKind === BLOCK_TYPE_INDEX) {
      const type = this.module.types[imm.blockValue];
      if (!type) this.fail(`unknown type ${imm.blockValue}`);
      return type;
    }
    return { params: NO_TYPES, results: NO_TYPES };
  }

  private local(index: number): ValueType {
    const type = this.locals[index];
    if (type === undefined) this.fail(`unknown local ${index}`);
    return type;
  }

  private memory(): void {
    if (this.module.memories.length === 0) this.fail('unknown memory 0');
  }

  private table(index: number): ValueType {
    const table = this.module.tables[index];
    if (!table) this.fail(`unknown table ${index}`);
    return table.element;
  }

  private funcType(index: number): FuncType {
    if (index >= this.module.functions.length) this.fail(`unknown function ${index}`);
    return funcTypeOf(this.module, index);
  }

  private typeAt(index: number): FuncType {
    const type = this.module.types[index];
    if (!type) this.fail(`unknown type ${index}`);
    return type;
  }

  private dataSegment(index: number): void {
    if (this.module.dataCount === undefined) this.fail('data count section required');
    if (index >= this.module.dataCount) this.fail(`unknown data segment ${index}`);
  }

  private elemSegment(index: number): ValueType {
    const segment = this.module.elements[index];
    if (!segment) this.fail(`unknown elem segment ${index}`);
    return segment.type;
  }

  private sameResults(a: readonly ValueType[], b: readonly ValueType[]): boolean {
    return a.length === b.length && a.every((t, i) => t === b[i]);
  }

  /** Validates one operator; `op`/`imm` come from `readOperator`. */
  validate(op: number, imm: Immediates): void {
    const sig = FIXED_SIGNATURES[op];
    if (sig !== undefined) {
      if (sig.length === 3) {
        this.pop(sig[1]!);
        this.pop(sig[0]!);
      } else {
        this.pop(sig[0]!);
      }
      this.push(sig[sig.length - 1]!);
      return;
    }
    const access = MEMORY_ACCESS[op];
    if (access !== undefined) {
      const [type, naturalAlign, , isStore] = access;
      this.memory();
      if (imm.b > naturalAlign) this.fail('alignment must not be larger than natural');
      if (isStore) {
        this.pop(type);
        this.pop(I32);
      } else {
        this.pop(I32);
        this.push(type);
      }
      return;
    }
    switch (op) {
      case Wasm.Unreachable:
        this.unreachable();
        return;
      case Wasm.Nop:
        return;
      case Wasm.Block:
      case Wasm.Loop: {
        const type = this.blockType(imm);
        this.popTypes(type.params);
        this.pushFrame(op, type.params, type.results);
        return;
      }
      case Wasm.If: {
        const type = this.blockType(imm);
        this.pop(I32);
        this.popTypes(type.params);
        this.pushFrame(op, type.params, type.results);
        return;
      }
      case Wasm.Else: {
        const frame = this.frames[this.frames.length - 1];
        if (!frame || frame.op !== Wasm.If) this.fail('else without a matching if');
        this.popFrame();
        this.pushFrame(Wasm.Else, frame.params, frame.results);
        return;
      }
      case Wasm.End: {
        const frame = this.popFrame();
        if (frame.op === Wasm.If && !this.sameResults(frame.params, frame.results)) {
          this.fail('type mismatch: if without else must leave its parameters as results');
        }
        this.pushTypes(frame.results);
        return;
      }
      case Wasm.Br:
        this.popTypes(this.labelTypes(imm.a));
        this.unreachable();
        return;
      case Wasm.BrIf: {
        this.pop(I32);
        const types = this.labelTypes(imm.a);
        this.popTypes(types);
        this.pushTypes(types);
        return;
      }
      case Wasm.BrTable: {
        this.pop(I32);
        const defaultTypes = this.labelTypes(imm.a);
        const arity = defaultTypes.length;
        for (let i = 0; i < imm.targetCount; i++) {
          const types = this.labelTypes(imm.targets[i]!);
          if (types.length !== arity) this.fail('type mismatch: br_table targets differ in arity');
          // pop_vals then push_vals: checks the operands and leaves what was popped (unknowns
          // included) in place, as the spec's algorithm does
          const popped: ValueType[] = new Array<ValueType>(types.length);
          for (let k = types.length - 1; k >= 0; k--) popped[k] = this.pop(types[k]!);
          this.pushTypes(popped);
        }
        this.popTypes(defaultTypes);
        this.unreachable();
        return;
      }
      case Wasm.Return:
        this.popTypes(this.results);
        this.unreachable();
        return;
      case Wasm.Call: {
        const type = this.funcType(imm.a);
        this.popTypes(type.params);
        this.pushTypes(type.results);
        return;
      }
      case Wasm.CallIndirect: {
        if (this.table(imm.b) !== FUNCREF) this.fail('type mismatch: call_indirect needs a funcref table');
        const type = this.typeAt(imm.a);
        this.pop(I32);
        this.popTypes(type.params);
        this.pushTypes(type.results);
        return;
      }
      case Wasm.ReturnCall: {
        const type = this.funcType(imm.a);
        if (!this.sameResults(type.results, this.results)) this.fail('type mismatch: return_call results differ');
        this.popTypes(type.params);
        this.unreachable();
        return;
      }
      case Wasm.ReturnCallIndirect: {
        if (this.table(imm.b) !== FUNCREF) this.fail('type mismatch: return_call_indirect needs a funcref table');
        const type = this.typeAt(imm.a);
        if (!this.sameResults(type.results, this.results)) this.fail('type mismatch: return_call_indirect results differ');
        this.pop(I32);
        this.popTypes(type.params);
        this.unreachable();
        return;
      }
      case Wasm.Drop:
        this.popAny();
        return;
      case Wasm.Select: {
        this.pop(I32);
        const t1 = this.popAny();
        const t2 = this.popAny();
        const isNumeric = (t: ValueType) => t === UNKNOWN || isNumType(t) || t === 0x7b;
        if (!isNumeric(t1) || !isNumeric(t2)) this.fail('type mismatch: select needs numeric operands');
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) this.fail('type mismatch');
        this.push(t1 === UNKNOWN ? t2 : t1);
        return;
      }
      case Wasm.SelectTyped:
        this.pop(I32);
        this.pop(imm.a);
        this.pop(imm.a);
        this.push(imm.a);
        return;
      case Wasm.LocalGet:
        this.push(this.local(imm.a));
        return;
      case Wasm.LocalSet:
        this.pop(this.local(imm.a));
        return;
      case Wasm.LocalTee: {
        const t = this.local(imm.a);
        this.pop(t);
        this.push(t);
        return;
      }
      case Wasm.GlobalGet: {
        const global = this.module.globals[imm.a];
        if (!global) this.fail(`unknown global ${imm.a}`);
        this.push(global.type);
        return;
      }
      case Wasm.GlobalSet: {
        const global = this.module.globals[imm.a];
        if (!global) this.fail(`unknown global ${imm.a}`);
        if (!global.mutable) this.fail('global is immutable');
        this.pop(global.type);
        return;
      }
      case Wasm.TableGet: {
        const t = this.table(imm.a);
        this.pop(I32);
        this.push(t);
        return;
      }
      case Wasm.TableSet: {
        const t = this.table(imm.a);
        this.pop(t);
        this.pop(I32);
        return;
      }
      case Wasm.MemorySize:
        this.memory();
        this.push(I32);
        return;
      case Wasm.MemoryGrow:
        this.memory();
        this.pop(I32);
        this.push(I32);
        return;
      case Wasm.I32Const:
        this.push(I32);
        return;
      case Wasm.I64Const:
        this.push(I64);
        return;
      case Wasm.F32Const:
        this.push(F32);
        return;
      case Wasm.F64Const:
        this.push(F64);
        return;
      case Wasm.RefNull:
        this.push(imm.a);
        return;
      case Wasm.RefIsNull: {
        const t = this.popAny();
        if (t !== UNKNOWN && !isRefType(t)) this.fail('type mismatch: ref.is_null needs a reference');
        this.push(I32);
        return;
      }
      case Wasm.RefFunc:
        this.funcType(imm.a);
        if (!this.module.declaredRefs.has(imm.a)) this.fail('undeclared function reference');
        this.push(FUNCREF);
        return;
      case Wasm.MemoryInit:
        this.memory();
        this.dataSegment(imm.a);
        this.pop(I32);
        this.pop(I32);
        this.pop(I32);
        return;
      case Wasm.DataDrop:
        this.dataSegment(imm.a);
        return;
      case Wasm.MemoryCopy:
      case Wasm.MemoryFill:
        this.memory();
        this.pop(I32);
        this.pop(I32);
        this.pop(I32);
        return;
      case Wasm.TableInit: {
        const segmentType = this.elemSegment(imm.a);
        if (this.table(imm.b) !== segmentType) this.fail('type mismatch: table.init element type');
        this.pop(I32);
        this.pop(I32);
        this.pop(I32);
        return;
      }
      case Wasm.ElemDrop:
        this.elemSegment(imm.a);
        return;
      case Wasm.TableCopy: {
        const dst = this.table(imm.a);
        const src = this.table(imm.b);
        if (dst !== src) this.fail('type mismatch: table.copy between different element types');
        this.pop(I32);
        this.pop(I32);
        this.pop(I32);
        return;
      }
      case Wasm.TableGrow: {
        const t = this.table(imm.a);
        this.pop(I32);
        this.pop(t);
        this.push(I32);
        return;
      }
      case Wasm.TableSize:
        this.table(imm.a);
        this.push(I32);
        return;
      case Wasm.TableFill: {
        const t = this.table(imm.a);
        this.pop(I32);
        this.pop(t);
        this.pop(I32);
        return;
      }
      default:
        this.fail(`illegal opcode 0x${op.toString(16)}`);
    }
  }
}

export { EXTERNREF };
