/**
 * Lowering: a unit's blocks (units.ts) become block-engine ops (engine.ts). Within a block the
 * value stack is tracked symbolically: a pushed value is a stack slot (a `local.get` of it), a
 * constant, or the slot an op just wrote. Ops then read their operands from where the values
 * already are and write their result straight to where it is consumed — a following
 * `local.set`/`local.tee` target, a compare-and-branch — so the pushes and pops in between
 * never happen. Before anything that lets control leave the block (a branch, call, return, fuel
 * check or trap that can be resumed) every slot the block pushed is written with its value, so
 * the stack is then exactly what the stepper would hold.
 *
 * Why it is exact: slots are written only in program order, and a slot is never overwritten
 * while a pushed value still stands for its old content (that value is copied to its own slot
 * first); every trapping instruction stays an op of its own, at its place, reporting its pc;
 * slots above the stack top are dead for the stepper too. The region's stack use (lowest and
 * highest slot and height of every instruction, as the stepper would check them) is recorded,
 * and the engine runs the region only when all of it is in range.
 */
import { FPU_CODE_BASE, Opcode } from '../format/opcodes.js';
import { popsOf, pushesOf } from '../format/stack-effects.js';
import { TrapCode } from '../format/trap-codes.js';
import { Op } from './engine.js';
import { STACK_LIMIT } from './execution.js';
import { OK } from './bulk-ops.js';
import { fuseBinary, fuseBranch, fuseImmediate, fuseLoad, fuseStore } from './fusion.js';
import type { PreparedCode } from './prepared-code.js';
import type { Snippet } from './snippets.js';
import { binary, divisionTrap, unary } from './stepper.js';
import { I64Kind, i64Operation, i64Trap } from './i64.js';
import { i64Sequence } from '../format/i64-sequences.js';
import { widthAt, type Block, type Region, type Unit } from './units.js';

export interface LoweringSource {
  readonly codes: Uint16Array;
  readonly bits: Uint32Array;
  readonly codeLength: number;
  readonly fpu: boolean;
  readonly slotOfGlobal: ReadonlyMap<number, number>;
  nativeCall(pc: number): Snippet | undefined;
  /** Engine metering: each block starts by charging the sum of its instructions' costs. */
  readonly costOf: ((pc: number) => number) | undefined;
}

/** Where a block's code starts and what entering it needs. */
export interface BlockEntry {
  readonly start: number;
  readonly end: number;
  readonly ip: number;
  /** Height above the region's base at the block's start. */
  readonly offset: number;
  readonly region: Region;
}

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

const IN_PLACE = 0;
const SLOT = 1;
const CONSTANT = 2;

/** Blocks whose pushes would need more words than the stack has can only fail: the stepper runs them. */
const MAX_BLOCK_SPAN = STACK_LIMIT;

const BINARY_OP = new Map<number, Op>([
  [Opcode.I32Add, Op.Add], [Opcode.I32Sub, Op.Sub], [Opcode.I32Mul, Op.Mul], [Opcode.I32DivS, Op.DivS], [Opcode.I32DivU, Op.DivU],
  [Opcode.I32RemS, Op.RemS], [Opcode.I32RemU, Op.RemU], [Opcode.I32And, Op.And], [Opcode.I32Or, Op.Or], [Opcode.I32Xor, Op.Xor],
  [Opcode.I32Shl, Op.Shl], [Opcode.I32ShrS, Op.ShrS], [Opcode.I32ShrU, Op.ShrU], [Opcode.I32Rotl, Op.Rotl], [Opcode.I32Rotr, Op.Rotr],
  [Opcode.I32Eq, Op.Eq], [Opcode.I32Ne, Op.Ne], [Opcode.I32LtS, Op.LtS], [Opcode.I32LtU, Op.LtU], [Opcode.I32GtS, Op.GtS],
  [Opcode.I32GtU, Op.GtU], [Opcode.I32LeS, Op.LeS], [Opcode.I32LeU, Op.LeU], [Opcode.I32GeS, Op.GeS], [Opcode.I32GeU, Op.GeU],
]);
/** The immediate form of each register op that has one (Sub becomes AddI of the negation). */
const IMMEDIATE_OP = new Map<Op, Op>([
  [Op.Add, Op.AddI], [Op.Mul, Op.MulI], [Op.And, Op.AndI], [Op.Or, Op.OrI], [Op.Xor, Op.XorI], [Op.Shl, Op.ShlI], [Op.ShrS, Op.ShrSI],
  [Op.ShrU, Op.ShrUI], [Op.Rotl, Op.RotlI], [Op.Rotr, Op.RotrI], [Op.Eq, Op.EqI], [Op.Ne, Op.NeI], [Op.LtS, Op.LtSI], [Op.LtU, Op.LtUI],
  [Op.GtS, Op.GtSI], [Op.GtU, Op.GtUI], [Op.LeS, Op.LeSI], [Op.LeU, Op.LeUI], [Op.GeS, Op.GeSI], [Op.GeU, Op.GeUI],
]);
/** `c op x` as `x op' c`. */
const SWAPPED = new Map<Op, Op>([
  [Op.Add, Op.Add], [Op.Mul, Op.Mul], [Op.And, Op.And], [Op.Or, Op.Or], [Op.Xor, Op.Xor], [Op.Eq, Op.Eq], [Op.Ne, Op.Ne],
  [Op.LtS, Op.GtS], [Op.GtS, Op.LtS], [Op.LtU, Op.GtU], [Op.GtU, Op.LtU], [Op.LeS, Op.GeS], [Op.GeS, Op.LeS], [Op.LeU, Op.GeU], [Op.GeU, Op.LeU],
]);
/** The compare-and-branch of each comparison, and of its negation. */
const BRANCH_OF_COMPARE = new Map<Op, [taken: Op, negated: Op]>([
  [Op.Eq, [Op.BrEq, Op.BrNe]], [Op.Ne, [Op.BrNe, Op.BrEq]], [Op.LtS, [Op.BrLtS, Op.BrGeS]], [Op.LtU, [Op.BrLtU, Op.BrGeU]],
  [Op.GtS, [Op.BrGtS, Op.BrLeS]], [Op.GtU, [Op.BrGtU, Op.BrLeU]], [Op.LeS, [Op.BrLeS, Op.BrGtS]], [Op.LeU, [Op.BrLeU, Op.BrGtU]],
  [Op.GeS, [Op.BrGeS, Op.BrLtS]], [Op.GeU, [Op.BrGeU, Op.BrLtU]],
]);
const BRANCH_IMMEDIATE = new Map<Op, Op>([
  [Op.BrEq, Op.BrEqI], [Op.BrNe, Op.BrNeI], [Op.BrLtS, Op.BrLtSI], [Op.BrLtU, Op.BrLtUI], [Op.BrGtS, Op.BrGtSI],
  [Op.BrGtU, Op.BrGtUI], [Op.BrLeS, Op.BrLeSI], [Op.BrLeU, Op.BrLeUI], [Op.BrGeS, Op.BrGeSI], [Op.BrGeU, Op.BrGeUI],
]);
const UNARY_OP = new Map<number, Op>([
  [Opcode.I32Eqz, Op.Eqz], [Opcode.I32Clz, Op.Clz], [Opcode.I32Ctz, Op.Ctz], [Opcode.I32Popcnt, Op.Popcnt],
  [Opcode.I32Extend8S, Op.Extend8S], [Opcode.I32Extend16S, Op.Extend16S],
]);
const LOAD_OP = new Map<number, Op>([
  [Opcode.I32Load, Op.Load32], [Opcode.I32Load8S, Op.Load8S], [Opcode.I32Load8U, Op.Load8U], [Opcode.I32Load16S, Op.Load16S],
  [Opcode.I32Load16U, Op.Load16U], [Opcode.F32Load, Op.Load32],
]);
const STORE_OP = new Map<number, [Op, Op]>([
  [Opcode.I32Store, [Op.Store32, Op.Store32I]], [Opcode.I32Store8, [Op.Store8, Op.Store8I]], [Opcode.I32Store16, [Op.Store16, Op.Store16I]],
  [Opcode.F32Store, [Op.Store32, Op.Store32I]],
]);
const TABLE_OP = new Map<number, Op>([
  [Opcode.TableSize, Op.TableSize], [Opcode.TableGrow, Op.TableGrow], [Opcode.TableFill, Op.TableFill], [Opcode.TableGet, Op.TableGet],
  [Opcode.TableSet, Op.TableSet], [Opcode.TableCopy, Op.TableCopy], [Opcode.TableInit, Op.TableInit],
]);

/**
 * A unit lowered lazily, a chain of blocks at a time: a block, then the blocks it falls through
 * into, laid out one after the other. A branch to a block not lowered yet points at a stub op
 * that lowers it on first use; once lowered, every such branch is patched to point at the block
 * itself, so the stub costs one dispatch, once.
 */
export class LazyUnit {
  private readonly ipOfBlock: Int32Array;
  /** Words waiting for a block's ip (a branch written before the block was lowered). */
  private readonly waiting = new Map<number, number[]>();
  private readonly stubs = new Map<number, number>();
  readonly scratch = {
    kinds: new Int8Array(64),
    values: new Int32Array(64),
    producerIp: new Int32Array(64),
    producerDst: new Int32Array(64),
    producerWords: new Int8Array(64),
    touchedAt: new Int32Array(64),
  };
  /** Conditional and table branches that need more than a jump (filled once the chain is lowered). */
  detours: Detour[] = [];

  constructor(
    readonly source: LoweringSource,
    readonly unit: Unit,
    readonly out: PreparedCode,
    /** Told of every block lowered; `headed` when calls and returns enter it (its range check in the two words before its ip). */
    private readonly lowered: (entry: BlockEntry, headed: boolean) => void,
    /** A number the Lazy op carries to find block `index` of this unit again. */
    private readonly stubId: (index: number) => number,
  ) {
    this.ipOfBlock = new Int32Array(unit.blocks.length).fill(-1);
  }

  /** The ip of block `index`, lowering the chain that starts at it first if needed. */
  lower(index: number): number {
    const known = this.ipOfBlock[index]!;
    if (known >= 0) return known;
    const { unit, out } = this;
    let block = unit.blocks[index]!;
    for (;;) {
      const region = unit.regions[block.region]!;
      // Blocks entered by calls and returns carry their region's range check just before them.
      const headed = block.index === 0 || block.landing;
      if (headed) out.header(region.lo, region.limit);
      const ip = out.size;
      this.ipOfBlock[block.index] = ip;
      this.lowered({ start: block.start, end: block.end, ip, offset: block.offset, region }, headed);
      const next = unit.blocks[block.index + 1];
      const lowering = new BlockLowering(this, block, next);
      const fallsOn = lowering.lower();
      this.resolve(block.index, ip);
      // What runs next is laid out next: the block fallen into, or the target of the jump the
      // block ended with (which then needs no jump at all).
      const onward = fallsOn ? next : lowering.jumpsOnTo;
      if (!onward) break;
      if (this.ipOfBlock[onward.index]! >= 0) {
        out.emit1(Op.Jump, onward.start, this.ipOfBlock[onward.index]!);
        break;
      }
      block = onward;
    }
    // Detours: branches into other regions, with heights that do not match, or out of the unit.
    const detours = this.detours;
    this.detours = [];
    for (const detour of detours) {
      out.code[detour.at] = out.size;
      this.jump(detour.target, detour.height, detour.pc);
    }
    // Branches to blocks still not lowered go through stubs, laid out after the chain.
    for (const [target, words] of this.waiting) {
      let stub = this.stubs.get(target);
      if (stub === undefined) {
        stub = out.emit1(Op.Lazy, unit.blocks[target]!.start, this.stubId(target));
        this.stubs.set(target, stub);
      }
      for (const at of words) out.code[at] = stub;
    }
    return this.ipOfBlock[index]!;
  }

  isLowered(block: Block): boolean {
    return this.ipOfBlock[block.index]! >= 0;
  }

  /** Writes into word `at` the ip of the block starting at `target` (now, or once it is lowered). */
  refer(at: number, target: number): void {
    const block = this.unit.blockAt.get(target)!;
    const ip = this.ipOfBlock[block.index]!;
    if (ip >= 0) {
      this.out.code[at] = ip;
      return;
    }
    let words = this.waiting.get(block.index);
    if (!words) this.waiting.set(block.index, (words = []));
    words.push(at);
  }

  /** An unconditional transfer to `target` arriving with `height` (relative to the current region). */
  jump(target: number, height: number, pc: number): void {
    const { unit, out } = this;
    const block = unit.blockAt.get(target);
    if (!block) {
      out.emit2(Op.Leave, pc, target, height);
      return;
    }
    const region = unit.regions[block.region]!;
    const at = out.emit(Op.JumpRebase, pc, 0, height - block.offset, region.lo, region.limit, block.offset, block.start);
    this.refer(at + 1, target);
  }

  private resolve(index: number, ip: number): void {
    const code = this.out.code;
    for (const at of this.waiting.get(index) ?? []) code[at] = ip;
    this.waiting.delete(index);
    const stub = this.stubs.get(index);
    if (stub !== undefined) {
      // Anything still holding the stub (a branch being run right now) goes straight on.
      code[stub] = Op.Jump;
      code[stub + 1] = ip;
      this.stubs.delete(index);
    }
  }
}

/** A conditional or table branch that needs more than a jump: the word gets a trampoline's ip. */
interface Detour {
  readonly at: number;
  readonly target: number;
  readonly height: number;
  readonly pc: number;
}

class BlockLowering {
  private readonly source: LoweringSource;
  private readonly out: PreparedCode;
  private h: number;
  private readonly base: number;
  private readonly kinds: Int8Array;
  private readonly values: Int32Array;
  // Redirection: for each position whose value an op of this block wrote and nothing has read
  // yet, that op's ip and the word holding its destination (ip -1: none), and how many words it
  // wrote there; and for each slot, the ip of the last op that read or wrote it. A local.set (or
  // tee) of such a value may point the op at the local instead of copying, when no op since it
  // touched the local and nothing stands for the local's old content.
  private readonly producerIp: Int32Array;
  private readonly producerDst: Int32Array;
  private readonly producerWords: Int8Array;
  private readonly touchedAt: Int32Array;
  /** The slot touchedAt[0] is about; slots outside [touchBase, touchBase + touchSpan) are never redirected to. */
  private readonly touchBase: number;
  private readonly touchSpan: number;
  // The last op, when it was a comparison (or eqz) whose result a branch may consume directly.
  private compareAt = -1;
  private compareEnd = -1;
  /** Instructions after the current one that it took care of (a local.set pair). */
  private skip = 0;
  /** The block ended in a branch that, when not taken, goes on at the next pc. */
  private continues = false;

  constructor(
    private readonly context: LazyUnit,
    private readonly block: Block,
    private readonly next: Block | undefined,
  ) {
    this.source = context.source;
    this.out = context.out;
    this.h = block.offset;
    this.base = block.offset + block.low;
    const span = block.high - block.low + 1;
    this.tooTall = span > MAX_BLOCK_SPAN + 1;
    this.span = this.tooTall ? 0 : span;
    this.touchBase = block.offset + Math.min(block.low, block.lowestSlot);
    this.touchSpan = this.tooTall ? 0 : block.offset + block.high - this.touchBase + 1;
    // One scratch window per unit, cleared for each block (blocks are lowered one after another).
    const scratch = context.scratch;
    if (scratch.kinds.length < this.span) {
      const size = Math.max(this.span, scratch.kinds.length * 2);
      scratch.kinds = new Int8Array(size);
      scratch.values = new Int32Array(size);
      scratch.producerIp = new Int32Array(size);
      scratch.producerDst = new Int32Array(size);
      scratch.producerWords = new Int8Array(size);
    }
    if (scratch.touchedAt.length < this.touchSpan) scratch.touchedAt = new Int32Array(Math.max(this.touchSpan, scratch.touchedAt.length * 2));
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

  private readonly tooTall: boolean;
  /** Positions base … base + span - 1 are tracked. */
  private readonly span: number;

  /** Lowers the block; true when control falls through into the next one, to be laid out right after. */
  lower(): boolean {
    const { block, source, out } = this;
    const { codes, bits } = source;
    if (this.tooTall) {
      out.emit1(Op.SlowPath, block.start, this.h);
      return false;
    }
    if (source.costOf) {
      // Every block has one, even at cost 0: it also says which block is paid for, should the
      // run stop in it.
      let cost = 0;
      for (let pc = block.start; pc < block.end; pc += widthAt(codes, pc)) cost += source.costOf(pc);
      out.emit3(Op.Meter, block.start, cost, this.h, block.end);
    }
    this.firstIp = out.size;
    for (let pc = block.start; pc < block.end; ) {
      // A block ending in a conditional branch continues at the next block when not taken.
      if (this.instruction(pc, codes[pc]!, bits[pc]!)) {
        if (!this.continues) return false;
        if (this.fallsInto(this.h)) return true;
        this.context.jump(block.end, this.h, block.end);
        return false;
      }
      pc += widthAt(codes, pc) + this.skip;
      this.skip = 0;
    }
    // Falling through into the next block.
    this.materialize(this.h);
    if (this.fallsInto(this.h)) return true;
    this.context.jump(block.end, this.h, block.end);
    return false;
  }

  /** Whether control reaching the block's end with height `h` may just run on into the next block. */
  private fallsInto(h: number): boolean {
    const next = this.next;
    return next !== undefined && next.start === this.block.end && next.region === this.block.region && next.offset === h && !next.landing;
  }

  // ------------------------------------------------------------------ the symbolic stack
  private index(p: number): number {
    const i = p - this.base;
    return i >= 0 && i < this.span ? i : -1;
  }

  private kindAt(p: number): number {
    const i = this.index(p);
    return i < 0 ? IN_PLACE : this.kinds[i]!;
  }

  private set(p: number, kind: number, value: number): void {
    const i = this.index(p);
    if (i < 0) return;
    this.kinds[i] = kind;
    this.values[i] = value;
  }

  private isConstant(p: number): boolean {
    return this.kindAt(p) === CONSTANT;
  }

  private constantAt(p: number): number {
    return this.values[this.index(p)]!;
  }

  /** The slot holding the value at position `p` (which is not a constant). */
  private slotOf(p: number): number {
    return this.kindAt(p) === SLOT ? this.values[this.index(p)]! : p;
  }

  /** Makes the value at `p` live in its own slot (for ops that work on the stack's own top). */
  private place(p: number, pc: number): void {
    const kind = this.kindAt(p);
    if (kind === IN_PLACE) return;
    if (kind === CONSTANT) this.emitWrite(Op.Const, pc, p, this.constantAt(p));
    else this.emitWrite(Op.Copy, pc, p, this.values[this.index(p)]!);
    this.set(p, IN_PLACE, 0);
  }

  /** A slot operand for position `p`: where its value is, placed first if it is a constant. */
  private operand(p: number, pc: number): number {
    if (this.isConstant(p)) this.place(p, pc);
    return this.read(p);
  }

  /** The slot an op about to be emitted reads for the (non-constant) value at `p`. */
  private read(p: number): number {
    const slot = this.slotOf(p);
    this.touch(slot, this.out.size);
    this.settle(slot); // read: the value must stay where it was written
    return slot;
  }

  /** The value in slot `q` is read, overwritten or gone: the op that wrote it (also when it wrote `q` as the second of two words) keeps writing there. */
  private settle(q: number): void {
    const i = this.index(q);
    if (i < 0) return;
    this.producerIp[i] = -1;
    if (i > 0 && this.producerWords[i - 1] === 2) this.producerIp[i - 1] = -1;
  }

  /** Records that the op at `ip` reads or writes `slot`. */
  private touch(slot: number, ip: number): void {
    const i = slot - this.touchBase;
    if (i >= 0 && i < this.touchSpan && ip > this.touchedAt[i]!) this.touchedAt[i] = ip;
  }

  /** Whether an op emitted at `ip` may write `slot` instead of where it writes now. */
  private mayRedirect(slot: number, ip: number): boolean {
    const i = slot - this.touchBase;
    return i >= 0 && i < this.touchSpan && this.touchedAt[i]! <= ip && !this.refersTo(slot);
  }

  /**
   * The result of `words` words at `p` that an op wrote and nothing read (that op's ip), or -1.
   * A value that stands for it elsewhere on the stack (a local.get of it) counts as a reader.
   */
  private unreadResult(p: number, words: number): number {
    const i = this.index(p);
    if (i < 0 || this.kinds[i] !== IN_PLACE || this.producerWords[i] !== words || this.producerIp[i]! < 0) return -1;
    for (let k = 0; k < words; k++) if (this.refersTo(p + k)) return -1;
    return this.producerIp[i]!;
  }

  /** Points the op that wrote the unread result at `p` at `q` instead. */
  private redirect(p: number, q: number): void {
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
  private materialize(top: number): void {
    for (let p = this.base; p < top; p++) this.place(p, this.block.end - 1);
  }

  /** Before slot `q` is written: values standing for its old content get copies of their own. */
  private preserve(q: number, pc: number): number {
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

  private push(kind: number, value: number): void {
    this.set(this.h, kind, value);
    this.h++;
  }

  private pop(count = 1): void {
    for (let k = 0; k < count; k++) {
      this.h--;
      this.set(this.h, IN_PLACE, 0);
      // A value pushed later at the same place is not that op's result.
      this.settle(this.h);
    }
  }

  // ------------------------------------------------------------------ emitting
  private forget(): void {
    this.compareEnd = -1;
  }

  /** `Copy d, s` or `Const d, s`. */
  private emitWrite(op: Op, pc: number, d: number, s: number): void {
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
  private produce(at: number, d: number, words = 1, dst = at + 1): void {
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
  private barrier(): void {
    this.producerIp.fill(-1, 0, this.span);
    this.touchedAt.fill(this.out.size, 0, this.touchSpan);
    this.compareEnd = -1;
  }

  // ------------------------------------------------------------------ instructions
  /** Lowers one instruction; true when it ended the block. */
  private instruction(pc: number, code: number, imm: number): boolean {
    const { out, source } = this;
    const h = this.h;
    if (code >= FPU_CODE_BASE && !source.fpu) {
      out.emit2(Op.Trap, pc, TrapCode.IllegalOpcode, h);
      return true;
    }
    switch (code) {
      case Opcode.LocalGet: {
        if (imm === 3 && this.inlineI64(pc)) return false;
        const p = h - imm;
        const kind = this.kindAt(p);
        if (kind === IN_PLACE) this.push(SLOT, p);
        else this.push(kind, this.values[this.index(p)]!);
        return false;
      }
      case Opcode.LocalSet:
        this.localSet(pc, h - 1 - imm);
        return false;
      case Opcode.LocalTee:
        this.localTee(pc, h - imm);
        return false;
      case Opcode.I32Const:
      case Opcode.RefFunc:
        this.push(CONSTANT, imm | 0);
        return false;
      case Opcode.Drop:
        this.pop();
        return false;
      case Opcode.BulkDrop:
        this.pop(imm);
        return false;
      case Opcode.BulkConst:
        if (imm <= 64) {
          for (let k = 0; k < imm; k++) this.push(CONSTANT, 0);
        } else {
          out.emit2(Op.Zero, pc, h, imm);
          this.barrier();
          this.h += imm;
        }
        return false;
      case Opcode.Select: {
        const c = this.operand(h - 1, pc);
        const b = this.operand(h - 2, pc);
        const a = this.operand(h - 3, pc);
        const at = out.emit(Op.Select, pc, h - 3, a, b, c);
        this.pop(2);
        this.produce(at, h - 3);
        return false;
      }
      case Opcode.I32WrapI64:
        return false; // the reference's identity on the top word
      case Opcode.I32Mul64:
      case Opcode.I32Add64: {
        const b = this.operand(h - 1, pc);
        const a = this.operand(h - 2, pc);
        const at = out.emit3(code === Opcode.I32Mul64 ? Op.Mul64 : Op.Add64, pc, h - 2, a, b);
        this.produce(at, h - 2, 2);
        return false;
      }
      case Opcode.GlobalGet: {
        const at = out.emit2(Op.GlobalGet, pc, h, source.slotOfGlobal.get(imm)!);
        this.push(IN_PLACE, 0);
        this.produce(at, h);
        return false;
      }
      case Opcode.GlobalSet: {
        const slot = source.slotOfGlobal.get(imm)!;
        if (this.isConstant(h - 1)) out.emit2(Op.GlobalSetI, pc, slot, this.constantAt(h - 1));
        else out.emit2(Op.GlobalSet, pc, slot, this.read(h - 1));
        this.forget();
        this.pop();
        return false;
      }
      case Opcode.MemorySize: {
        const at = out.emit1(Op.MemorySize, pc, h);
        this.push(IN_PLACE, 0);
        this.produce(at, h);
        return false;
      }
      case Opcode.MemoryGrow: {
        const at = out.emit2(Op.MemoryGrow, pc, h - 1, this.operand(h - 1, pc));
        this.produce(at, h - 1);
        return false;
      }
      case Opcode.MemoryFill:
      case Opcode.MemoryCopy:
      case Opcode.MemoryInit:
        this.placeTop(3, pc);
        if (code === Opcode.MemoryInit) out.emit2(Op.MemoryInit, pc, h, imm);
        else out.emit1(code === Opcode.MemoryFill ? Op.MemoryFill : Op.MemoryCopy, pc, h);
        this.barrier();
        this.pop(3);
        return false;
      case Opcode.DataDrop:
      case Opcode.ElemDrop:
        out.emit1(code === Opcode.DataDrop ? Op.DataDrop : Op.ElemDrop, pc, imm);
        this.forget();
        return false;
      case Opcode.StackCheck:
        return false; // it cannot fail where the region's range check passed (units.ts)
      case Opcode.SignatureCheck:
        out.emit1(Op.SignatureCheck, pc, imm);
        this.forget();
        return false;
      case Opcode.ConsumeFuel:
        this.materialize(h);
        out.emit2(Op.Fuel, pc, imm, h);
        this.forget();
        return false;
      case Opcode.ConsumeFuelStack:
        this.materialize(h);
        out.emit1(Op.FuelStack, pc, h);
        this.barrier();
        this.pop();
        return false;
      default:
        return this.otherInstruction(pc, code, imm);
    }
  }

  private otherInstruction(pc: number, code: number, imm: number): boolean {
    const { out, source } = this;
    const h = this.h;
    const binaryOp = BINARY_OP.get(code);
    if (binaryOp !== undefined) {
      this.binary(pc, binaryOp, code);
      return false;
    }
    const unaryOp = UNARY_OP.get(code);
    if (unaryOp !== undefined) {
      if (this.isConstant(h - 1)) {
        this.set(h - 1, CONSTANT, unary(code, this.constantAt(h - 1)));
        return false;
      }
      const at = out.emit2(unaryOp, pc, h - 1, this.read(h - 1));
      this.produce(at, h - 1);
      if (unaryOp === Op.Eqz) {
        this.compareAt = at;
        this.compareEnd = out.size;
      }
      return false;
    }
    const loadOp = LOAD_OP.get(code);
    if (loadOp !== undefined || code === Opcode.F64Load) {
      const from = this.fusable(h - 1);
      const address = this.operand(h - 1, pc);
      let at = loadOp === undefined ? -1 : fuseLoad(out, loadOp, pc, h - 1, address, imm | 0, from);
      if (at < 0) at = out.emit3(loadOp ?? Op.Load64, pc, h - 1, address, imm | 0);
      if (code === Opcode.F64Load) {
        this.push(IN_PLACE, 0);
        this.produce(at, h - 1, 2);
      } else this.produce(at, h - 1);
      return false;
    }
    const storeOps = STORE_OP.get(code);
    if (storeOps !== undefined) {
      const from = this.fusable(h - 2);
      const address = this.operand(h - 2, pc);
      if (this.isConstant(h - 1)) out.emit3(storeOps[1], pc, address, this.constantAt(h - 1), imm | 0);
      else {
        const value = this.read(h - 1);
        if (fuseStore(out, storeOps[0], pc, address, value, imm | 0, from) < 0) out.emit3(storeOps[0], pc, address, value, imm | 0);
      }
      this.forget();
      this.pop(2);
      return false;
    }
    if (code === Opcode.F64Store) {
      const address = this.operand(h - 3, pc);
      out.emit3(Op.Store64, pc, address, this.pairOperand(h - 2, pc), imm | 0);
      this.forget();
      this.pop(3);
      return false;
    }
    const tableOp = TABLE_OP.get(code);
    if (tableOp !== undefined) {
      const pops = popsOf(code, imm);
      this.placeTop(pops, pc);
      if (code === Opcode.TableCopy) out.emit3(Op.TableCopy, pc, h, imm & 0xffff, imm >>> 16);
      else if (code === Opcode.TableInit) out.emit3(Op.TableInit, pc, h, imm, source.bits[pc + 1]!);
      else out.emit2(tableOp, pc, h, imm);
      this.barrier();
      this.h += pushesOf(code, imm) - pops;
      return false;
    }
    if (code >= FPU_CODE_BASE) {
      const pops = popsOf(code, imm);
      this.placeTop(pops, pc);
      out.emit2(Op.Fpu, pc, h, code - FPU_CODE_BASE);
      this.barrier();
      this.h += pushesOf(code, imm) - pops;
      return false;
    }
    if (code === Opcode.CallInternal) {
      const snippet = source.nativeCall(pc);
      if (snippet) {
        this.nativeCall(pc, imm, snippet);
        return false;
      }
    }
    return this.terminator(pc, code, imm);
  }

  private placeTop(count: number, pc: number): void {
    for (let p = this.h - count; p < this.h; p++) this.place(p, pc);
  }

  /** A slot operand for the two words at p, p + 1 (placed when they are not already together). */
  private pairOperand(p: number, pc: number): number {
    if (this.kindAt(p) !== CONSTANT && this.kindAt(p + 1) !== CONSTANT && this.slotOf(p + 1) === this.slotOf(p) + 1) {
      this.read(p + 1);
      return this.read(p);
    }
    this.place(p, pc);
    this.place(p + 1, pc);
    this.read(p + 1);
    return this.read(p);
  }

  private localSet(pc: number, q: number): void {
    const h = this.h;
    const top = h - 1;
    if (this.kindAt(top) === SLOT && this.slotOf(top) === q) {
      this.pop();
      return;
    }
    const pair = this.unreadResult(top - 1, 2);
    // `local.set d; local.set d` of a two-word result, d > 1 (with d = 1 the first set overwrites
    // the low word before the second stores it): the op writes the pair in place.
    if (pair >= 0 && q < top - 1 && this.pairSetFollows(pc) && this.mayRedirect(q, pair) && this.mayRedirect(q - 1, pair)) {
      this.redirect(top - 1, q - 1);
      this.pop(2);
      this.skip = 1;
      return;
    }
    const single = this.unreadResult(top, 1);
    if (single >= 0 && this.mayRedirect(q, single)) {
      this.redirect(top, q);
      this.pop();
      return;
    }
    if (this.kindAt(top) === SLOT) {
      // `local.get p; local.set q` of a result nothing else read: the op writes q, and p's value
      // is read from there (q < p keeps values referring only downwards).
      const p = this.values[this.index(top)]!;
      this.set(top, IN_PLACE, 0);
      const moved = q < p ? this.unreadResult(p, 1) : -1;
      if (moved >= 0 && this.mayRedirect(q, moved)) {
        this.redirect(p, q);
        const j = this.index(q);
        if (j >= 0) this.producerIp[j] = -1;
        this.set(p, SLOT, q);
        this.pop();
        return;
      }
      this.set(top, SLOT, p);
    }
    // The value being stored no longer stands for itself once popped: keep it out of the search.
    const kind = this.kindAt(top);
    const value = kind === IN_PLACE ? top : this.values[this.index(top)]!;
    this.set(top, IN_PLACE, 0);
    this.preserve(q, pc);
    if (kind !== IN_PLACE && this.index(q) >= 0 && (kind === CONSTANT || value < q)) {
      // A slot this block pushed takes the value as a name: it is written when the block ends
      // with it still on the stack, if at all.
      this.touch(q, this.out.size);
      this.settle(q);
      this.set(q, kind, value);
      this.pop();
      return;
    }
    this.emitWrite(kind === CONSTANT ? Op.Const : Op.Copy, pc, q, value);
    this.set(q, IN_PLACE, 0);
    this.pop();
  }

  /** Whether the instruction after the local.set at `pc` is the same local.set, in the same block. */
  private pairSetFollows(pc: number): boolean {
    const { codes, bits } = this.source;
    return pc + 1 < this.block.end && codes[pc + 1] === Opcode.LocalSet && bits[pc + 1] === bits[pc];
  }

  /** Whether the local.tee at `pc` is the first of an i64 tee: `local.tee d; local.get 2; local.set d+1`, in the same block. */
  private pairTeeFollows(pc: number): boolean {
    const { codes, bits } = this.source;
    return pc + 2 < this.block.end && codes[pc + 1] === Opcode.LocalGet && bits[pc + 1] === 2 && codes[pc + 2] === Opcode.LocalSet && bits[pc + 2] === bits[pc]! + 1;
  }

  /** Whether a pushed value stands for the content of slot `q`. */
  private refersTo(q: number): boolean {
    for (let i = 0; i < this.span; i++) if (this.kinds[i] === SLOT && this.values[i] === q) return true;
    return false;
  }

  private localTee(pc: number, q: number): void {
    const top = this.h - 1;
    if (q === top || (this.kindAt(top) === SLOT && this.slotOf(top) === q)) return;
    const pair = this.unreadResult(top - 1, 2);
    if (pair >= 0 && q < top - 1 && this.pairTeeFollows(pc) && this.mayRedirect(q, pair) && this.mayRedirect(q - 1, pair)) {
      // The i64 tee `local.tee d; local.get 2; local.set d+1` of a two-word result: the op
      // writes the local pair, and the value on the stack is read from there.
      this.redirect(top - 1, q - 1);
      for (let k = 0; k < 2; k++) {
        const j = this.index(q - 1 + k);
        if (j >= 0) this.producerIp[j] = -1;
      }
      this.set(top - 1, SLOT, q - 1);
      this.set(top, SLOT, q);
      this.skip = 2;
      return;
    }
    const single = this.unreadResult(top, 1);
    if (single >= 0 && this.mayRedirect(q, single)) {
      // The op writes the local; the value on the stack is read from there.
      this.redirect(top, q);
      const j = this.index(q);
      if (j >= 0) this.producerIp[j] = -1;
      this.set(top, SLOT, q);
      return;
    }
    const kind = this.kindAt(top);
    const value = kind === IN_PLACE ? top : this.values[this.index(top)]!;
    this.preserve(q, pc);
    this.emitWrite(kind === CONSTANT ? Op.Const : Op.Copy, pc, q, value);
    this.set(q, IN_PLACE, 0);
  }

  private binary(pc: number, op: Op, code: number): void {
    const { out } = this;
    const h = this.h;
    const a = h - 2;
    const b = h - 1;
    const aConstant = this.isConstant(a);
    const bConstant = this.isConstant(b);
    if (aConstant && bConstant) {
      const x = this.constantAt(a);
      const y = this.constantAt(b);
      const divides = code >= Opcode.I32DivS && code <= Opcode.I32RemU;
      if (!divides || divisionTrap(code, x, y) === OK) {
        this.pop();
        this.set(a, CONSTANT, binary(code, x, y));
        return;
      }
    }
    if (aConstant !== bConstant && this.simplified(op, a, b, aConstant)) return;
    // Producers of the operands that may be fused into this op (found before reading them).
    const fromA = this.fusable(a);
    const fromB = this.fusable(b);
    let at: number;
    if ((bConstant && !aConstant && (IMMEDIATE_OP.has(op) || op === Op.Sub)) || (aConstant && !bConstant && SWAPPED.has(op))) {
      const [p, from, c] = bConstant ? [a, fromA, this.constantAt(b)] : [b, fromB, this.constantAt(a)];
      const immediate = op === Op.Sub ? Op.AddI : IMMEDIATE_OP.get(bConstant ? op : SWAPPED.get(op)!)!;
      const value = op === Op.Sub ? -c | 0 : c;
      const slot = this.read(p);
      at = fuseImmediate(out, immediate, pc, a, slot, value, from);
      if (at < 0) at = out.emit3(immediate, pc, a, slot, value);
    } else {
      const y = this.operand(b, pc);
      const x = this.operand(a, pc);
      at = fuseBinary(out, op, pc, a, x, y, fromA, fromB);
      if (at < 0) at = out.emit3(op, pc, a, x, y);
    }
    this.pop();
    this.produce(at, a);
    const emitted = out.code[at]! as Op;
    if (BRANCH_OF_COMPARE.has(emitted) || IMMEDIATE_BASE.has(emitted)) {
      this.compareAt = at;
      this.compareEnd = out.size;
    }
  }

  /**
   * A call of an i64 snippet, as one op on the operands' halves wherever they are (constants
   * folded in, zero-extended operands taking narrower ops, shifts by constants of 32 and more
   * becoming i32 work or nothing at all). Only divisions can stop a run here: the call's stack
   * and depth checks cannot fail where the block engine runs (units.ts, Call).
   */
  /**
   * `x op c` or `c op x` that needs no op: the result is x itself (x + 0, x & -1, a shift by 0,
   * the compiler's masks on i64 halves) or a constant (x & 0, x * 0, x | -1, 0 << x).
   */
  private simplified(op: Op, a: number, b: number, constantLeft: boolean): boolean {
    const c = this.constantAt(constantLeft ? a : b);
    const result = constantLeft ? leftConstantResult(op, c) : rightConstantResult(op, c);
    if (result === undefined) return false;
    if (result === X) {
      if (constantLeft) {
        // x moves down to a: only as a name for where it lives below (not its own slot b)
        if (!this.movable(b, a)) return false;
        const [kind, value] = this.valueAt(b);
        this.pop();
        this.set(a, kind, value);
        return true;
      }
      this.pop();
      return true;
    }
    this.pop();
    this.set(a, CONSTANT, result);
    return true;
  }

  private nativeCall(pc: number, target: number, snippet: Snippet): void {
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
  private inlineI64(pc: number): boolean {
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
      // The other operand must not be read from the slots the xors no longer write.
      const otherLo = this.slotOf(other);
      const otherHi = this.slotOf(other + 1);
      if (otherLo === not || otherLo === not + 1 || otherHi === not || otherHi === not + 1) continue;
      const x = code[lo + 2]!;
      const y = code[hi + 2]!;
      out.truncate(first);
      this.read(other + 1);
      this.read(other);
      this.finish(out.emit(Op.AndNot64, pc, d, x, y, otherLo, otherHi), 2);
      return true;
    }
    return false;
  }

  /** The op at `at` replaced the four operands with `words` result words at d (its `dst` word says where). */
  private finish(at: number, words: number, dst = at + 1): void {
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

  /** The symbolic value at `p`: [kind, value], a value in its own slot being [SLOT, p]. */
  private valueAt(p: number): [number, number] {
    const kind = this.kindAt(p);
    return kind === IN_PLACE ? [SLOT, p] : [kind, this.values[this.index(p)]!];
  }

  /** Whether the value at `p` can stand at positions from `lowest` up without an op: it does not live in a slot there. */
  private movable(p: number, lowest: number): boolean {
    const [kind, value] = this.valueAt(p);
    return kind === CONSTANT || value < lowest;
  }

  // ------------------------------------------------------------------ block ends
  private terminator(pc: number, code: number, imm: number): boolean {
    const { out, source } = this;
    const h = this.h;
    switch (code) {
      case Opcode.Br:
        this.materialize(h);
        this.jump(pc + (imm | 0), h, pc);
        return true;
      case Opcode.BrIfEqz:
      case Opcode.BrIfNez:
        this.conditional(pc, code === Opcode.BrIfNez, pc + (imm | 0));
        return true;
      case Opcode.BrTable: {
        const target = (k: number) => pc + 1 + 2 * k;
        if (this.isConstant(h - 1)) {
          const index = this.constantAt(h - 1) >>> 0;
          this.pop();
          this.materialize(this.h);
          this.jump(target(index < imm ? index : imm - 1), this.h, pc);
          return true;
        }
        const index = this.read(h - 1);
        this.pop();
        this.materialize(this.h);
        const at = out.reserve(3 + imm, pc);
        out.code[at] = Op.BrTable;
        out.code[at + 1] = index;
        out.code[at + 2] = imm;
        for (let k = 0; k < imm; k++) this.branchTo(at + 3 + k, target(k), this.h, pc);
        return true;
      }
      case Opcode.Return:
        this.materialize(h);
        out.emit1(Op.Return, pc, h);
        return true;
      case Opcode.CallInternal:
        this.materialize(h);
        out.emit3(Op.Call, pc, h, imm, pc + 1);
        return true;
      case Opcode.ReturnCallInternal:
        this.materialize(h);
        out.emit2(Op.ReturnCall, pc, h, imm);
        return true;
      case Opcode.CallIndirect:
      case Opcode.ReturnCallIndirect: {
        const index = this.operand(h - 1, pc);
        this.pop();
        this.materialize(this.h);
        const table = source.bits[pc + 1]!;
        if (code === Opcode.CallIndirect) out.emit(Op.CallIndirect, pc, this.h, index, imm, table, pc + 2);
        else out.emit(Op.ReturnCallIndirect, pc, this.h, index, imm, table);
        return true;
      }
      case Opcode.Call:
      case Opcode.ReturnCall: {
        this.materialize(h);
        out.emit3(Op.Syscall, pc, h, imm, pc + 1);
        return true;
      }
      case Opcode.Unreachable:
        out.emit(Op.Unreachable, pc);
        return true;
      case Opcode.Trap:
        this.materialize(h);
        out.emit2(Op.Trap, pc, imm, h);
        return true;
      default:
        throw new Error(`rwasm-ts internal error: cannot lower opcode ${code} at pc ${pc}`);
    }
  }

  private conditional(pc: number, whenNonZero: boolean, target: number): void {
    const { out } = this;
    const h = this.h;
    this.continues = true;
    const condition = h - 1;
    if (this.isConstant(condition)) {
      // Decided now: a jump, or nothing (control just goes on).
      const taken = (this.constantAt(condition) !== 0) === whenNonZero;
      this.pop();
      this.materialize(this.h);
      this.continues = !taken;
      if (taken) this.jump(target, this.h, pc);
      return;
    }
    if (this.compareEnd === out.size && this.unreadResult(condition, 1) === this.compareAt) {
      // Branch on the comparison itself: take the compare op back and branch with its operands.
      const at = this.compareAt;
      const op = out.code[at]! as Op;
      const x = out.code[at + 2]!;
      const y = out.code[at + 3]!;
      out.truncate(at);
      this.forget();
      this.pop();
      this.materialize(this.h);
      if (op === Op.Eqz) {
        const branch = out.emit2(whenNonZero ? Op.BrEqz : Op.BrNez, pc, x, 0);
        this.branchTo(branch + 2, target, this.h, pc);
        return;
      }
      const immediate = IMMEDIATE_BASE.get(op);
      const compare = immediate ?? op;
      const [taken, negated] = BRANCH_OF_COMPARE.get(compare)!;
      const branchOp = immediate === undefined ? (whenNonZero ? taken : negated) : BRANCH_IMMEDIATE.get(whenNonZero ? taken : negated)!;
      const fused = fuseBranch(out, branchOp, pc, x, y, this.firstIp);
      this.branchTo(fused >= 0 ? fused : out.emit3(branchOp, pc, x, y, 0) + 3, target, this.h, pc);
      return;
    }
    const slot = this.read(condition);
    this.pop();
    this.materialize(this.h);
    const branchOp = whenNonZero ? Op.BrNez : Op.BrEqz;
    const fused = fuseBranch(out, branchOp, pc, slot, 0, this.firstIp);
    this.branchTo(fused >= 0 ? fused : out.emit2(branchOp, pc, slot, 0) + 2, target, this.h, pc);
  }

  /** The op that wrote the unread one-word result at `p`, when it is the last op emitted (it may be fused into its consumer), or -1. */
  private fusable(p: number): number {
    const at = this.unreadResult(p, 1);
    return at >= this.firstIp && at === this.out.last ? at : -1;
  }

  /** Where this block's ops start (after its Meter): nothing before it may be fused. */
  private firstIp = 0;

  /** An unconditional jump to `target` arriving with `height`. */
  private jump(target: number, height: number, pc: number): void {
    const block = this.context.unit.blockAt.get(target);
    if (block && block.region === this.block.region && block.offset === height) {
      // A block not lowered yet (and not entered by calls or returns, whose range check words
      // come first) is laid out right here: no jump.
      if (!this.context.isLowered(block) && !block.landing && block.index !== 0) {
        this.jumpsOnTo = block;
        return;
      }
      const at = this.out.emit1(Op.Jump, pc, 0);
      this.context.refer(at + 1, target);
      return;
    }
    this.context.jump(target, height, pc);
  }

  /** Set when the block ended in a jump to a block that is to be laid out right after it. */
  jumpsOnTo: Block | undefined;

  /** Fills the word at `at` with where a branch to `target` (arriving with `height`) goes. */
  private branchTo(at: number, target: number, height: number, pc: number): void {
    const block = this.context.unit.blockAt.get(target);
    if (block && block.region === this.block.region && block.offset === height) this.context.refer(at, target);
    else this.context.detours.push({ at, target, height, pc });
  }
}

/** Marks a result that is the non-constant operand itself. */
const X = 0.5;

/** `x op c`: X, a constant, or undefined (an op is needed). */
function rightConstantResult(op: Op, c: number): number | undefined {
  switch (op) {
    case Op.Add:
    case Op.Sub:
    case Op.Or:
    case Op.Xor:
      return c === 0 ? X : op === Op.Or && c === -1 ? -1 : undefined;
    case Op.And:
      return c === -1 ? X : c === 0 ? 0 : undefined;
    case Op.Mul:
      return c === 1 ? X : c === 0 ? 0 : undefined;
    case Op.Shl:
    case Op.ShrS:
    case Op.ShrU:
    case Op.Rotl:
    case Op.Rotr:
      return (c & 31) === 0 ? X : undefined;
    default:
      return undefined;
  }
}

/** `c op x`: X, a constant, or undefined. */
function leftConstantResult(op: Op, c: number): number | undefined {
  switch (op) {
    case Op.Add:
    case Op.Or:
    case Op.Xor:
    case Op.And:
    case Op.Mul:
      return rightConstantResult(op, c);
    case Op.Shl:
    case Op.ShrU:
      return c === 0 ? 0 : undefined;
    case Op.ShrS:
    case Op.Rotl:
    case Op.Rotr:
      return c === 0 || c === -1 ? c : undefined;
    default:
      return undefined;
  }
}

/** The immediate comparison ops, by the register op they stand for. */
const IMMEDIATE_BASE = new Map<number, Op>([...IMMEDIATE_OP].filter(([base]) => BRANCH_OF_COMPARE.has(base)).map(([base, immediate]) => [immediate, base]));
