/**
 * Lowering of i64 work (the first layer over the symbolic stack, see lowering.ts): calls of the
 * compiler's i64 snippet functions and its inline i64 sequences become one op on the operand
 * pairs' halves, wherever those are, with constants folded in, and forms of their own where a
 * constant decides (zero-extended operands, shifts by constants of 32 and more, identities).
 */
import { i64Sequence } from '../format/i64-sequences.js';
import { Op } from './engine.js';
import { I64Kind, i64Operation, i64Trap } from './i64.js';
import type { Snippet } from './snippets.js';
import { CONSTANT, IN_PLACE, SLOT, SymbolicStack } from './symbolic-stack.js';

/** The compiler's inline i64 sequences lowered as one op: a pair op, or I64Compare for eq/ne. */
const INLINE_I64 = (
  [
    ['and', Op.And64, I64Kind.Eq],
    ['or', Op.Or64, I64Kind.Eq],
    ['xor', Op.Xor64, I64Kind.Eq],
    ['eq', undefined, I64Kind.Eq],
    ['ne', undefined, I64Kind.Ne],
  ] as const
).map(([name, op, kind]) => {
  const { codes, bits } = i64Sequence(name);
  return { codes: Array.from(codes), bits: Array.from(bits), op: op as Op | undefined, kind };
});

/** Scratch for i64 results folded at lowering time. */
const FOLDED = new Int32Array(2);

export class WideLowering extends SymbolicStack {
  /** Instructions after the current one that it took care of (a local.set pair, an inline sequence). */
  protected skip = 0;

  /**
   * A call of an i64 snippet, as one op on the operands' halves wherever they are (constants
   * folded in, zero-extended operands taking narrower ops, shifts by constants of 32 and more
   * becoming i32 work or nothing at all). Only divisions can stop a run here: the call's stack
   * and depth checks cannot fail where the block engine runs (units.ts, Call).
   */
  protected nativeCall(pc: number, target: number, snippet: Snippet): void {
    const h = this.h;
    const d = h - 4;
    const kind = snippet.kind;
    if (this.isConstant(h - 2) && this.isConstant(h - 1)) {
      const lo = this.constantAt(h - 2);
      const hi = this.constantAt(h - 1);
      if (this.isConstant(d) && this.isConstant(d + 1)) {
        const aLo = this.constantAt(d);
        const aHi = this.constantAt(d + 1);
        if (i64Trap(kind, aLo, aHi, lo, hi) < 0) {
          i64Operation(kind, aLo, aHi, lo, hi, FOLDED, 0);
          this.pop(4);
          for (let k = 0; k < snippet.resultWords; k++) this.push(CONSTANT, FOLDED[k]!);
          return;
        }
      }
      if (this.nativeWithConstant(pc, kind, lo, hi)) return;
    }
    const zeroHigh = (p: number) => this.isConstant(p) && this.constantAt(p) === 0;
    switch (kind) {
      case I64Kind.Add:
      case I64Kind.Mul: {
        const add = kind === I64Kind.Add;
        if (zeroHigh(d + 1) && zeroHigh(h - 1)) {
          // Both zero-extended: the full 64-bit sum or product of two u32s.
          const b = this.operand(h - 2, pc);
          this.finish(this.out.emit3(add ? Op.Add64 : Op.Mul64, pc, d, this.operand(d, pc), b), 2);
          return;
        }
        if (zeroHigh(d + 1) || zeroHigh(h - 1)) {
          const [wide, narrow] = zeroHigh(h - 1) ? [d, h - 2] : [h - 2, d];
          const b = this.operand(narrow, pc);
          const aHi = this.operand(wide + 1, pc);
          this.finish(this.out.emit(add ? Op.I64AddU32 : Op.I64MulU32, pc, d, this.operand(wide, pc), aHi, b), 2);
          return;
        }
        this.finish(this.emitHalves(pc, add ? Op.I64Add : Op.I64Mul, d), 2);
        return;
      }
      case I64Kind.Sub:
        this.finish(this.emitHalves(pc, Op.I64Sub, d), 2);
        return;
      default:
        if (kind >= I64Kind.Eq && kind <= I64Kind.GeU) {
          const bHi = this.operand(h - 1, pc);
          const bLo = this.operand(h - 2, pc);
          const aHi = this.operand(d + 1, pc);
          const at = this.out.emit(Op.I64Compare, pc, kind, d, this.operand(d, pc), aHi, bLo, bHi);
          this.finish(at, 1, at + 2);
          return;
        }
        this.genericNative(pc, target, kind, snippet.resultWords);
    }
  }

  /** `op d, aLo, aHi, bLo, bHi` on the four operand words. */
  private emitHalves(pc: number, op: Op, d: number): number {
    const bHi = this.operand(d + 3, pc);
    const bLo = this.operand(d + 2, pc);
    const aHi = this.operand(d + 1, pc);
    return this.out.emit(op, pc, d, this.operand(d, pc), aHi, bLo, bHi);
  }

  /**
   * The compiler's inline i64 and/or/xor/eq/ne sequence starting at `pc` (within this block), as
   * one op on the operand pair's halves; false (lowered instruction by instruction, where
   * constants simplify each half) when the second operand has a constant half or nothing matches.
   */
  protected inlineI64(pc: number): boolean {
    const { codes, bits } = this.source;
    const h = this.h;
    const sequence = INLINE_I64.find((inline) => pc + inline.codes.length <= this.block.end && inline.codes.every((c, i) => codes[pc + i] === c && bits[pc + i] === inline.bits[i]));
    if (!sequence || [h - 4, h - 3, h - 2, h - 1].some((p) => this.isConstant(p))) return false;
    const { out } = this;
    const d = h - 4;
    this.skip = sequence.codes.length - 1;
    if (sequence.op === undefined) {
      const bHi = this.operand(h - 1, pc);
      const bLo = this.operand(h - 2, pc);
      const aHi = this.operand(d + 1, pc);
      const at = out.emit(Op.I64Compare, pc, sequence.kind, d, this.operand(d, pc), aHi, bLo, bHi);
      this.finish(at, 1, at + 2);
      return true;
    }
    if (sequence.op === Op.And64 && this.andNot(pc, d)) return true;
    if (sequence.op === Op.Xor64 && this.intoXor(pc, d)) return true;
    this.finish(this.emitHalves(pc, sequence.op, d), 2);
    return true;
  }

  /** i64 `(a ^ -1) & b` (either side), the xor just lowered as two XorI: one AndNot64. */
  private andNot(pc: number, d: number): boolean {
    const { out } = this;
    const code = out.code;
    for (const [not, other] of [[d, d + 2], [d + 2, d]] as const) {
      const lo = this.unreadResult(not, 1);
      const hi = this.unreadResult(not + 1, 1);
      const first = Math.min(lo, hi);
      if (lo < this.firstIp || hi < this.firstIp || out.size !== first + 8 || Math.max(lo, hi) !== first + 4) continue;
      if (code[lo] !== Op.XorI || code[hi] !== Op.XorI || code[lo + 3] !== -1 || code[hi + 3] !== -1) continue;
      const otherPair = this.pairBesides(other, not);
      if (!otherPair) continue;
      const x = code[lo + 2]!;
      const y = code[hi + 2]!;
      out.truncate(first);
      this.finish(out.emit(Op.AndNot64, pc, d, x, y, ...this.readPair(other, otherPair)), 2);
      return true;
    }
    return false;
  }

  /**
   * i64 `x ^ y` where x (either side) is the result of the op just emitted, read by nothing else:
   * an xor or a rotation by a constant (the xor chains and the rotate-and-xor of Keccak's theta,
   * BLAKE2b's rotations), merged into one op.
   */
  private intoXor(pc: number, d: number): boolean {
    const { out } = this;
    const code = out.code;
    for (const [p, other] of [[d, d + 2], [d + 2, d]] as const) {
      const from = this.unreadResult(p, 2);
      const inner = code[from];
      if (from < this.firstIp || from !== out.last || code[from + 1] !== p || (inner !== Op.Xor64 && inner !== Op.I64RotlI)) continue;
      const otherPair = this.pairBesides(other, p);
      if (!otherPair) continue;
      const words = inner === Op.Xor64 ? [code[from + 2]!, code[from + 3]!, code[from + 4]!, code[from + 5]!] : [code[from + 2]!, code[from + 3]!, code[from + 4]!];
      out.truncate(from);
      this.finish(out.emit(inner === Op.Xor64 ? Op.XorXor64 : Op.RotlXor64, pc, d, ...words, ...this.readPair(other, otherPair)), 2);
      return true;
    }
    return false;
  }

  /**
   * The slots of the pair at `other`, unless one is a slot of the pair at `p` (whose producer a
   * fusion takes back, so those slots are no longer written).
   */
  private pairBesides(other: number, p: number): readonly [number, number] | undefined {
    const lo = this.slotOf(other);
    const hi = this.slotOf(other + 1);
    return lo === p || lo === p + 1 || hi === p || hi === p + 1 ? undefined : [lo, hi];
  }

  /** Marks the pair at `other` read (high word first, as the ops read operands) and gives its slots. */
  private readPair(other: number, slots: readonly [number, number]): readonly [number, number] {
    this.read(other + 1);
    this.read(other);
    return slots;
  }

  /**
   * i64 `rotl(a ^ b, k)` with the xor the last op and its result read by nothing else: one op.
   * By 32 + j, the words of a ^ b swap, which is the xor of the swapped words rotated by j.
   */
  private xorRotate(pc: number, d: number, k: number): boolean {
    const { out } = this;
    const code = out.code;
    const from = this.unreadResult(d, 2);
    if (from < this.firstIp || from !== out.last || code[from] !== Op.Xor64 || code[from + 1] !== d) return false;
    const [aLo, aHi, bLo, bHi] = [code[from + 2]!, code[from + 3]!, code[from + 4]!, code[from + 5]!];
    out.truncate(from);
    const at = k < 32 ? out.emit(Op.XorRotl64, pc, d, aLo, aHi, bLo, bHi, k) : out.emit(Op.XorRotl64, pc, d, aHi, aLo, bHi, bLo, k - 32);
    this.finish(at, 2);
    return true;
  }

  /** The op at `at` replaced the four operands with `words` result words at d (its `dst` word says where). */
  protected finish(at: number, words: number, dst = at + 1): void {
    const d = this.h - 4;
    this.pop(4);
    for (let k = 0; k < words; k++) this.push(IN_PLACE, 0);
    this.produce(at, d, words, dst);
  }

  /** The snippet as the generic op: operands in adjacent slots, the snippet's pc for its traps. */
  private genericNative(pc: number, target: number, kind: I64Kind, resultWords: number): void {
    const { out } = this;
    const h = this.h;
    const a = this.pairOperand(h - 4, pc);
    let at: number;
    if (this.isConstant(h - 2) && this.isConstant(h - 1)) at = out.emit(Op.I64I, pc, kind, h - 4, a, this.constantAt(h - 2), this.constantAt(h - 1), target);
    else at = out.emit(Op.I64, pc, kind, h - 4, a, this.pairOperand(h - 2, pc), target);
    this.finish(at, resultWords, at + 2);
  }

  /** A snippet whose second operand is the constant (lo, hi), when it has a form of its own. */
  private nativeWithConstant(pc: number, kind: I64Kind, lo: number, hi: number): boolean {
    const { out } = this;
    const d = this.h - 4;
    switch (kind) {
      case I64Kind.Add:
      case I64Kind.Sub: {
        if (lo === 0 && hi === 0) {
          this.pop(2); // a ± 0 is a
          return true;
        }
        // a - c as a + (-c), two's complement over both words
        const bLo = kind === I64Kind.Sub ? -lo | 0 : lo;
        const bHi = kind === I64Kind.Sub ? (~hi + (lo === 0 ? 1 : 0)) | 0 : hi;
        const aHi = this.operand(d + 1, pc);
        this.finish(out.emit(Op.I64AddI, pc, d, this.operand(d, pc), aHi, bLo, bHi), 2);
        return true;
      }
      case I64Kind.Mul: {
        if (hi === 0 && (lo === 0 || lo === 1)) {
          this.pop(2);
          if (lo === 0) {
            this.pop(2);
            this.push(CONSTANT, 0);
            this.push(CONSTANT, 0);
          }
          return true;
        }
        const aHi = this.operand(d + 1, pc);
        this.finish(out.emit(Op.I64MulI, pc, d, this.operand(d, pc), aHi, lo, hi), 2);
        return true;
      }
      case I64Kind.Shl:
      case I64Kind.ShrS:
      case I64Kind.ShrU:
      case I64Kind.Rotl:
      case I64Kind.Rotr: {
        // rotr by k is rotl by 64 - k
        const k = kind === I64Kind.Rotr ? (64 - (lo & 63)) & 63 : lo & 63;
        return this.shiftByConstant(pc, kind === I64Kind.Rotr ? I64Kind.Rotl : kind, k);
      }
      default:
        if (kind >= I64Kind.Eq && kind <= I64Kind.GeU) {
          const aHi = this.operand(d + 1, pc);
          const at = out.emit(Op.I64CompareI, pc, kind, d, this.operand(d, pc), aHi, lo, hi);
          this.finish(at, 1, at + 2);
          return true;
        }
        return false;
    }
  }

  private shiftByConstant(pc: number, kind: I64Kind, k: number): boolean {
    const d = this.h - 4;
    if (k === 0) {
      this.pop(2);
      return true;
    }
    if (kind === I64Kind.Rotl && k !== 32 && this.xorRotate(pc, d, k)) return true;
    if (k < 32) {
      const op = kind === I64Kind.Shl ? Op.I64ShlI : kind === I64Kind.ShrS ? Op.I64ShrSI : kind === I64Kind.ShrU ? Op.I64ShrUI : Op.I64RotlI;
      const aHi = this.operand(d + 1, pc);
      this.finish(this.out.emit(op, pc, d, this.operand(d, pc), aHi, k), 2);
      return true;
    }
    // By 32 + j: each result word is one word of a, shifted by j (or moved), or a constant.
    const j = k - 32;
    if (kind === I64Kind.Rotl) {
      if (j > 0) {
        // the words swapped, then rotated by j
        const aLo = this.operand(d, pc);
        this.finish(this.out.emit(Op.I64RotlI, pc, d, this.operand(d + 1, pc), aLo, j), 2);
        return true;
      }
      if (!this.movable(d, d) || !this.movable(d + 1, d)) return false;
      const lo = this.valueAt(d);
      const hi = this.valueAt(d + 1);
      this.pop(4);
      this.push(hi[0], hi[1]);
      this.push(lo[0], lo[1]);
      return true;
    }
    const wordOp = kind === I64Kind.Shl ? Op.ShlI : kind === I64Kind.ShrS ? Op.ShrSI : Op.ShrUI;
    if (kind === I64Kind.Shl) {
      // lo = 0, hi = a_lo << j
      this.wordResult(pc, d + 1, d, wordOp, j, d);
      this.set(d, CONSTANT, 0);
    } else if (kind === I64Kind.ShrU) {
      // lo = a_hi >>> j, hi = 0
      this.wordResult(pc, d, d + 1, wordOp, j, d);
      this.set(d + 1, CONSTANT, 0);
    } else if (!this.isConstant(d + 1) && this.slotOf(d + 1) === d) {
      // lo = a_hi >> j, hi = a_hi >> 31, where a_hi is read from slot d: that is written last
      this.wordResult(pc, d + 1, d + 1, wordOp, 31, d);
      this.wordResult(pc, d, d, wordOp, j, d);
    } else {
      this.wordResult(pc, d, d + 1, wordOp, j, d);
      this.wordResult(pc, d + 1, d + 1, wordOp, 31, d);
    }
    this.pop(2);
    return true;
  }

  /**
   * Position `p` (of a result whose lowest word is at `lowest`) gets `op(value at source, c)`,
   * an i32 op with an immediate: folded for a constant, no op when a shift by 0 can just name
   * the value where it lives.
   */
  private wordResult(pc: number, p: number, source: number, op: Op, c: number, lowest: number): void {
    if (this.isConstant(source)) {
      const value = this.constantAt(source);
      this.set(p, CONSTANT, op === Op.ShlI ? value << c : op === Op.ShrSI ? value >> c : (value >>> c) | 0);
      return;
    }
    if (c === 0 && this.movable(source, lowest)) {
      this.set(p, SLOT, this.slotOf(source));
      return;
    }
    this.produce(this.out.emit3(op, pc, p, this.read(source), c), p);
  }
}
