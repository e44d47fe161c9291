import { RwasmError } from '../errors.js';
import { Immediate, immediateKind, type Opcode } from './opcodes.js';
import { instruction, type Instruction } from './instructions.js';

/**
 * The code section: a list of instructions indexed by pc (instruction index, not byte offset).
 * Held as two parallel typed arrays (wire codes and raw immediate bits), so a 130k-instruction
 * program decodes without allocating an object per instruction.
 */
export class InstructionSet implements Iterable<Instruction> {
  private codes: Uint16Array;
  private bits: Uint32Array;
  private count = 0;

  constructor(capacity = 16) {
    this.codes = new Uint16Array(Math.max(capacity, 1));
    this.bits = new Uint32Array(Math.max(capacity, 1));
  }

  static from(instructions: Iterable<Instruction>): InstructionSet {
    const set = new InstructionSet();
    for (const instr of instructions) set.push(instr);
    return set;
  }

  /**
   * Wraps raw arrays (wire codes and immediate bits) without copying or checking them; for
   * producers that only emit valid instructions (the compiler).
   */
  static fromRaw(codes: Uint16Array, bits: Uint32Array, length = codes.length): InstructionSet {
    const set = new InstructionSet(0);
    set.codes = codes;
    set.bits = bits;
    set.count = length;
    return set;
  }

  get length(): number {
    return this.count;
  }

  /** Appends an instruction (validated by `instruction()`), returning its pc. */
  push(instr: Instruction): number {
    const checked = instruction(instr.opcode, instr.imm);
    return this.pushRaw(checked.opcode, checked.imm >>> 0);
  }

  /** Appends without validation; `bits` is the immediate's raw u32 pattern. */
  pushRaw(opcode: Opcode, bits: number): number {
    if (this.count === this.codes.length) this.grow(this.count * 2);
    this.codes[this.count] = opcode;
    this.bits[this.count] = bits;
    return this.count++;
  }

  opcode(pc: number): Opcode {
    this.check(pc);
    return this.codes[pc] as Opcode;
  }

  /** The immediate's raw u32 bit pattern (TrapCode as its numeric value). */
  rawImmediate(pc: number): number {
    this.check(pc);
    return this.bits[pc]!;
  }

  get(pc: number): Instruction {
    this.check(pc);
    const opcode = this.codes[pc] as Opcode;
    const raw = this.bits[pc]!;
    return { opcode, imm: immediateKind(opcode) === Immediate.I32 ? raw | 0 : raw };
  }

  /** Replaces the raw immediate bits at `pc` without validating them (compilers patch offsets). */
  setRawImmediate(pc: number, bits: number): void {
    this.check(pc);
    this.bits[pc] = bits >>> 0;
  }

  /** Replaces the immediate of the instruction at `pc` (used when patching branch offsets). */
  setImmediate(pc: number, imm: number): void {
    const opcode = this.opcode(pc);
    this.bits[pc] = instruction(opcode, imm).imm >>> 0;
  }

  *[Symbol.iterator](): Iterator<Instruction> {
    for (let pc = 0; pc < this.count; pc++) yield this.get(pc);
  }

  toArray(): Instruction[] {
    return Array.from(this);
  }

  /** Read-only access to the raw arrays for tight loops (the first `length` entries are live). */
  rawView(): { readonly codes: Uint16Array; readonly bits: Uint32Array; readonly length: number } {
    return { codes: this.codes.subarray(0, this.count), bits: this.bits.subarray(0, this.count), length: this.count };
  }

  equals(other: InstructionSet): boolean {
    if (other.count !== this.count) return false;
    for (let pc = 0; pc < this.count; pc++) {
      if (other.codes[pc] !== this.codes[pc] || other.bits[pc] !== this.bits[pc]) return false;
    }
    return true;
  }

  private grow(capacity: number): void {
    const codes = new Uint16Array(capacity);
    const bits = new Uint32Array(capacity);
    codes.set(this.codes.subarray(0, this.count));
    bits.set(this.bits.subarray(0, this.count));
    this.codes = codes;
    this.bits = bits;
  }

  private check(pc: number): void {
    if (!(pc >= 0 && pc < this.count && Number.isInteger(pc))) {
      throw new RwasmError('InvalidArgument', `pc ${pc} is outside the code section (0..${this.count - 1})`, { pc });
    }
  }
}
