/**
 * The symbolic value stack a block is lowered on (lowering.ts tells the whole story). Each
 * position the block pushes holds a value that is in place (in its own slot), a name for
 * another slot (a `local.get` of it) or a constant; the ops lowering emits read values where
 * they are. It also keeps what lets results go straight where they are consumed: for each
 * position an op wrote and nothing read yet, that op (so a local.set can point it at the local
 * instead of copying, or the consumer can take it back and fuse it); for each slot, the last op
 * that touched it and the last that wrote it; and which slots hold copies of which, so a value
 * that is still in a slot need not be copied there again.
 */
import { Op } from './engine.js';
import { STACK_LIMIT } from './execution.js';
import type { LoweringSource } from './lazy-unit.js';
import type { PreparedCode } from './prepared-code.js';
import type { Block } from './units.js';

export const IN_PLACE = 0;
export const SLOT = 1;
export const CONSTANT = 2;

/** Blocks whose pushes (or local reads) would need more words than the stack has can only fail: the stepper runs them. */
const MAX_BLOCK_SPAN = STACK_LIMIT;

/** Arrays one unit's blocks are lowered in, one after another (grown as needed). */
export interface LoweringScratch {
  kinds: Int8Array;
  values: Int32Array;
  producerIp: Int32Array;
  producerDst: Int32Array;
  producerWords: Int8Array;
  touchedAt: Int32Array;
}

export function loweringScratch(): LoweringScratch {
  return {
    kinds: new Int8Array(64),
    values: new Int32Array(64),
    producerIp: new Int32Array(64),
    producerDst: new Int32Array(64),
    producerWords: new Int8Array(64),
    touchedAt: new Int32Array(64),
  };
}

export class SymbolicStack {
  protected h: number;
  protected readonly base: number;
  protected readonly kinds: Int8Array;
  protected readonly values: Int32Array;
  // For each position whose value an op of this block wrote and nothing has read yet: that
  // op's ip (-1: none), the word holding its destination, and how many words it wrote there.
  protected readonly producerIp: Int32Array;
  protected readonly producerDst: Int32Array;
  protected readonly producerWords: Int8Array;
  // For each slot in [touchBase, touchBase + touchSpan): the ip of the last op that read or
  // wrote it. Slots outside are never redirected to.
  protected readonly touchedAt: Int32Array;
  protected readonly touchBase: number;
  protected readonly touchSpan: number;
  protected readonly tooTall: boolean;
  /** Positions base … base + span - 1 are tracked. */
  protected readonly span: number;
  // The last op, when it was a comparison (or eqz) whose result a branch may consume directly.
  protected compareAt = -1;
  protected compareEnd = -1;
  /** Where this block's ops start (after its Meter): nothing before it may be fused. */
  protected firstIp = 0;

  constructor(
    protected readonly source: LoweringSource,
    protected readonly out: PreparedCode,
    protected readonly block: Block,
    scratch: LoweringScratch,
  ) {
    this.h = block.offset;
    this.base = block.offset + block.low;
    const span = block.high - block.low + 1;
    // A local reached deeper than any stack goes (a hostile depth) is as hopeless as a block too tall.
    this.tooTall = span > MAX_BLOCK_SPAN + 1 || block.high - Math.min(block.low, block.lowestSlot) + 1 > MAX_BLOCK_SPAN + 1;
    this.span = this.tooTall ? 0 : span;
    this.touchBase = block.offset + Math.min(block.low, block.lowestSlot);
    this.touchSpan = this.tooTall ? 0 : block.offset + block.high - this.touchBase + 1;
    if (scratch.kinds.length < this.span) {
      const size = Math.max(this.span, scratch.kinds.length * 2);
      scratch.kinds = new Int8Array(size);
      scratch.values = new Int32Array(size);
      scratch.producerIp = new Int32Array(size);
      scratch.producerDst = new Int32Array(size);
      scratch.producerWords = new Int8Array(size);
    }
    if (scratch.touchedAt.length < this.touchSpan) {
      const size = Math.max(this.touchSpan, scratch.touchedAt.length * 2);
      scratch.touchedAt = new Int32Array(size);
    }
    this.kinds = scratch.kinds;
    this.values = scratch.values;
    this.producerIp = scratch.producerIp;
    this.producerDst = scratch.producerDst;
    this.producerWords = scratch.producerWords;
    this.touchedAt = scratch.touchedAt;
    this.kinds.fill(0, 0, this.span);
    this.producerIp.fill(-1, 0, this.span);
    this.touchedAt.fill(-1, 0, this.touchSpan);
  }

  // ------------------------------------------------------------------ the symbolic stack
  protected index(p: number): number {
    const i = p - this.base;
    return i >= 0 && i < this.span ? i : -1;
  }

  protected kindAt(p: number): number {
    const i = this.index(p);
    return i < 0 ? IN_PLACE : this.kinds[i]!;
  }

  protected set(p: number, kind: number, value: number): void {
    const i = this.index(p);
    if (i < 0) return;
    this.kinds[i] = kind;
    this.values[i] = value;
  }

  protected isConstant(p: number): boolean {
    return this.kindAt(p) === CONSTANT;
  }

  protected constantAt(p: number): number {
    return this.values[this.index(p)]!;
  }

  /** The slot holding the value at position `p` (which is not a constant). */
  protected slotOf(p: number): number {
    return this.kindAt(p) === SLOT ? this.values[this.index(p)]! : p;
  }

  /** Makes the value at `p` live in its own slot (for ops that work on the stack's own top). */
  protected place(p: number, pc: number): void {
    const kind = this.kindAt(p);
    if (kind === IN_PLACE) return;
    if (kind === CONSTANT) this.emitWrite(Op.Const, pc, p, this.constantAt(p));
    else this.emitWrite(Op.Copy, pc, p, this.values[this.index(p)]!);
    this.set(p, IN_PLACE, 0);
  }

  /** A slot operand for position `p`: where its value is, placed first if it is a constant. */
  protected operand(p: number, pc: number): number {
    if (this.isConstant(p)) this.place(p, pc);
    return this.read(p);
  }

  /** The slot an op about to be emitted reads for the (non-constant) value at `p`. */
  protected read(p: number): number {
    const slot = this.slotOf(p);
    this.touch(slot, this.out.size);
    this.settle(slot); // read: the value must stay where it was written
    return slot;
  }

  /** The value in slot `q` is read, overwritten or gone: the op that wrote it (also when it wrote `q` as the second of two words) keeps writing there. */
  protected settle(q: number): void {
    const i = this.index(q);
    if (i < 0) return;
    this.producerIp[i] = -1;
    if (i > 0 && this.producerWords[i - 1] === 2) this.producerIp[i - 1] = -1;
  }

  /** Records that the op at `ip` reads or writes `slot`. */
  protected touch(slot: number, ip: number): void {
    const i = slot - this.touchBase;
    if (i >= 0 && i < this.touchSpan && ip > this.touchedAt[i]!) this.touchedAt[i] = ip;
  }

  /** Whether an op emitted at `ip` may write `slot` instead of where it writes now. */
  protected mayRedirect(slot: number, ip: number): boolean {
    const i = slot - this.touchBase;
    return i >= 0 && i < this.touchSpan && this.touchedAt[i]! <= ip && !this.refersTo(slot);
  }

  /**
   * The result of `words` words at `p` that an op wrote and nothing read (that op's ip), or -1.
   * A value that stands for it elsewhere on the stack (a local.get of it) counts as a reader.
   */
  protected unreadResult(p: number, words: number): number {
    const i = this.index(p);
    if (i < 0 || this.kinds[i] !== IN_PLACE || this.producerWords[i] !== words || this.producerIp[i]! < 0) return -1;
    for (let k = 0; k < words; k++) if (this.refersTo(p + k)) return -1;
    return this.producerIp[i]!;
  }

  /** Points the op that wrote the unread result at `p` at `q` instead. */
  protected redirect(p: number, q: number): void {
    const i = this.index(p);
    const ip = this.producerIp[i]!;
    const words = this.producerWords[i]!;
    this.out.code[this.producerDst[i]!] = q;
    for (let k = 0; k < words; k++) {
      this.touch(q + k, ip);
      this.set(q + k, IN_PLACE, 0);
    }
    const j = this.index(q);
    if (j >= 0) {
      this.producerIp[j] = ip;
      this.producerDst[j] = this.producerDst[i]!;
      this.producerWords[j] = words;
    }
    this.producerIp[i] = -1;
  }

  /** Writes every pushed value below height `top` into its own slot. */
  protected materialize(top: number): void {
    for (let p = this.base; p < top; p++) this.place(p, this.block.end - 1);
  }

  /** Before slot `q` is written: values standing for its old content get copies of their own. */
  protected preserve(q: number, pc: number): number {
    let copies = 0;
    for (let i = 0; i < this.span; i++) {
      if (this.kinds[i] === SLOT && this.values[i] === q) {
        const p = this.base + i;
        this.emitWrite(Op.Copy, pc, p, q);
        this.kinds[i] = IN_PLACE;
        copies++;
      }
    }
    return copies;
  }

  protected push(kind: number, value: number): void {
    this.set(this.h, kind, value);
    this.h++;
  }

  protected pop(count = 1): void {
    for (let k = 0; k < count; k++) {
      this.h--;
      this.set(this.h, IN_PLACE, 0);
      // A value pushed later at the same place is not that op's result.
      this.settle(this.h);
    }
  }

  // ------------------------------------------------------------------ emitting
  protected forget(): void {
    this.compareEnd = -1;
  }

  /** `Copy d, s` or `Const d, s`. */
  protected emitWrite(op: Op, pc: number, d: number, s: number): void {
    const at = this.out.size;
    if (op === Op.Copy) {
      this.touch(s, at);
      this.settle(s);
    }
    this.touch(d, at);
    this.settle(d);
    this.out.emit2(op, pc, d, s);
    this.compareEnd = -1;
  }

  /** The op at `at` wrote `words` words at position `d` (the word `dst` holds where). */
  protected produce(at: number, d: number, words = 1, dst = at + 1): void {
    this.compareEnd = -1;
    for (let k = 0; k < words; k++) {
      this.set(d + k, IN_PLACE, 0);
      this.touch(d + k, at);
      this.settle(d + k);
    }
    const i = this.index(d);
    if (i < 0) return;
    this.producerIp[i] = at;
    this.producerDst[i] = dst;
    this.producerWords[i] = words;
  }

  /** After an op whose stack effect is not tracked slot by slot: nothing can be redirected across it. */
  protected barrier(): void {
    this.producerIp.fill(-1, 0, this.span);
    this.touchedAt.fill(this.out.size, 0, this.touchSpan);
    this.compareEnd = -1;
  }

  protected placeTop(count: number, pc: number): void {
    for (let p = this.h - count; p < this.h; p++) this.place(p, pc);
  }

  /** A slot operand for the two words at p, p + 1 (placed when they are not already together). */
  protected pairOperand(p: number, pc: number): number {
    if (this.kindAt(p) !== CONSTANT && this.kindAt(p + 1) !== CONSTANT && this.slotOf(p + 1) === this.slotOf(p) + 1) {
      this.read(p + 1);
      return this.read(p);
    }
    this.place(p, pc);
    this.place(p + 1, pc);
    this.read(p + 1);
    return this.read(p);
  }

  /** Whether a pushed value stands for the content of slot `q`. */
  protected refersTo(q: number): boolean {
    for (let i = 0; i < this.span; i++) if (this.kinds[i] === SLOT && this.values[i] === q) return true;
    return false;
  }

  /** The symbolic value at `p`: [kind, value], a value in its own slot being [SLOT, p]. */
  protected valueAt(p: number): [number, number] {
    const kind = this.kindAt(p);
    return kind === IN_PLACE ? [SLOT, p] : [kind, this.values[this.index(p)]!];
  }

  /** Whether the value at `p` can stand at positions from `lowest` up without an op: it does not live in a slot there. */
  protected movable(p: number, lowest: number): boolean {
    const [kind, value] = this.valueAt(p);
    return kind === CONSTANT || value < lowest;
  }

  /** The op that wrote the unread one-word result at `p`, when it is the last op emitted (it may be fused into its consumer), or -1. */
  protected fusable(p: number): number {
    const at = this.unreadResult(p, 1);
    return at >= this.firstIp && at === this.out.last ? at : -1;
  }
}
