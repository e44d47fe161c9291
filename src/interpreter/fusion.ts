/**
 * Fusion: an op whose one-word result only the next op reads is taken back and merged into that
 * op, so the pair costs one dispatch. The pairs are the most executed data-dependent pairs on
 * the real programs (bench/SEQUENCES.md): address arithmetic feeding loads and stores, shifts
 * and products feeding adds and xors, a loop counter's increment feeding its branch.
 *
 * Lowering calls these just before emitting the consumer, with `from` the ip of the op that
 * wrote the consumed slot when that op is the last one emitted and its result is read by nothing
 * else (else -1). Nothing can stop between the two (the producers never trap), and the consumer
 * keeps its pc, so every stop point stays where it was. Each returns the fused op's ip, or -1
 * when the pair has no fused form.
 */
import { Op } from './engine.js';
import type { PreparedCode } from './prepared-code.js';

/** For `Add` and `Xor` (commutative): the producer's op, by consumer, and the fused op. */
const INTO_BINARY = new Map<Op, ReadonlyMap<Op, Op>>([
  [Op.Add, new Map([[Op.Xor, Op.XorAdd], [Op.Mul, Op.MulAdd], [Op.ShlI, Op.AddShl]])],
  [Op.Xor, new Map([[Op.Mul, Op.MulXor], [Op.ShlI, Op.ShlXor], [Op.ShrUI, Op.ShrUXor], [Op.RotlI, Op.RotlXor]])],
]);

/** A load addressed by `a + value` (AddI), by `a + b` (Add) and by `(i << k) + value` (ShlAddI). */
const LOAD_BY_ADDI = new Map<Op, Op>([
  [Op.Load32, Op.Load32A], [Op.Load8S, Op.Load8SA], [Op.Load8U, Op.Load8UA], [Op.Load16S, Op.Load16SA], [Op.Load16U, Op.Load16UA],
]);
const LOAD_BY_ADD = new Map<Op, Op>([[Op.Load32, Op.Load32R], [Op.Load8U, Op.Load8UR]]);
const STORE_BY_ADDI = new Map<Op, Op>([[Op.Store32, Op.Store32A], [Op.Store8, Op.Store8A]]);

/** Whether `from` is an op that wrote `slot` and is the last op emitted. */
function producesLast(out: PreparedCode, from: number, slot: number): boolean {
  return from >= 0 && from === out.last && out.code[from + 1] === slot;
}

/** `op d, x, y` with `fromX` / `fromY` the producer of x / y. */
export function fuseBinary(out: PreparedCode, op: Op, pc: number, d: number, x: number, y: number, fromX: number, fromY: number): number {
  const table = INTO_BINARY.get(op);
  if (!table) return -1;
  for (const [from, slot, other] of [[fromY, y, x], [fromX, x, y]] as const) {
    // The other operand must not be the slot the producer no longer writes.
    if (other === slot || !producesLast(out, from, slot)) continue;
    const fused = table.get(out.code[from]! as Op);
    if (fused === undefined) continue;
    const first = out.code[from + 2]!;
    const second = out.code[from + 3]!;
    out.truncate(from);
    return out.emit(fused, pc, d, first, second, other);
  }
  return -1;
}

/** `op d, slot, value` (an immediate form) with `from` the producer of `slot`. */
export function fuseImmediate(out: PreparedCode, op: Op, pc: number, d: number, slot: number, value: number, from: number): number {
  if (!producesLast(out, from, slot)) return -1;
  const { code } = out;
  const inner = code[from]! as Op;
  const first = code[from + 2]!;
  const second = code[from + 3]!;
  if (op === Op.AddI && inner === Op.AddI) {
    // (a + c1) + c2 = a + (c1 + c2), wrapping both ways
    out.truncate(from);
    return out.emit3(Op.AddI, pc, d, first, (second + value) | 0);
  }
  let fused: Op | undefined;
  if (op === Op.AddI && inner === Op.ShlI) fused = Op.ShlAddI;
  else if (op === Op.MulI && inner === Op.Xor) fused = Op.XorMulI;
  if (fused === undefined) return -1;
  out.truncate(from);
  return out.emit(fused, pc, d, first, second, value);
}

/** `op d, address, offset` (a one-word load) with `from` the producer of `address`. */
export function fuseLoad(out: PreparedCode, op: Op, pc: number, d: number, address: number, offset: number, from: number): number {
  if (!producesLast(out, from, address)) return -1;
  const { code } = out;
  const inner = code[from]! as Op;
  const words = [code[from + 2]!, code[from + 3]!, code[from + 4]!];
  let fused: Op | undefined;
  if (inner === Op.AddI) fused = LOAD_BY_ADDI.get(op);
  else if (inner === Op.Add) fused = LOAD_BY_ADD.get(op);
  else if (inner === Op.ShlAddI && op === Op.Load32) {
    out.truncate(from);
    return out.emit(Op.Load32S, pc, d, words[0]!, words[1]!, words[2]!, offset);
  }
  if (fused === undefined) return -1;
  out.truncate(from);
  return out.emit(fused, pc, d, words[0]!, words[1]!, offset);
}

/** `op address, value, offset` (a one-word store of a slot) with `from` the producer of `address`. */
export function fuseStore(out: PreparedCode, op: Op, pc: number, address: number, value: number, offset: number, from: number): number {
  const fused = STORE_BY_ADDI.get(op);
  if (fused === undefined || value === address || !producesLast(out, from, address) || out.code[from] !== Op.AddI) return -1;
  const a = out.code[from + 2]!;
  const added = out.code[from + 3]!;
  out.truncate(from);
  return out.emit(fused, pc, a, added, value, offset);
}

/**
 * A branch on slot `x` (BrNez, or BrNeI against `k`) right after the `AddI` that wrote it, the
 * op at or after `firstIp` (this block's): the increment and the branch as one op. The AddI's
 * result is kept (it is usually a loop counter). Returns where the branch target word is, or -1.
 */
export function fuseBranch(out: PreparedCode, op: Op, pc: number, x: number, k: number, firstIp: number): number {
  const from = out.last;
  if (from < firstIp || out.code[from] !== Op.AddI || out.code[from + 1] !== x || (op !== Op.BrNez && op !== Op.BrNeI)) return -1;
  const a = out.code[from + 2]!;
  const added = out.code[from + 3]!;
  out.truncate(from);
  if (op === Op.BrNez) return out.emit(Op.AddIBrNez, pc, x, a, added, 0) + 4;
  return out.emit(Op.AddIBrNeI, pc, x, a, added, k, 0) + 5;
}
