/**
 * How the block engine sees a module's code: in units, each found when control first enters
 * it, so preparation follows what runs rather than the module's size.
 *
 * A unit is the code reachable from an entry pc by falling through and by branches that stay
 * ahead of it: it ends at the first instruction that cannot fall through once no forward branch
 * reaches past it (for the compiler's output: exactly one function). Within it:
 * - a **block** is straight-line code entered only at its first pc. Blocks end after every
 *   branch, call, return and trap, and begin at every branch target and at every fuel check
 *   (`ConsumeFuel`, `ConsumeFuelStack`) and `Trap`, so every point where a run can stop or be
 *   resumed is a block's first pc, or the last instruction of a block (with engine metering a
 *   fuel check is a block of its own);
 * - a **region** is a chain of blocks joined by falling through (plus blocks reached only by
 *   forward branches from it). Its blocks address the stack relative to one base, the stack
 *   pointer at the region's entry, and know their own height above it; so branches inside a
 *   region are plain jumps. A call's return address starts a new region: the callee decides the
 *   height control comes back with.
 *
 * Finding a unit takes a few linear passes over its instructions and allocates per block only.
 */
import { Opcode } from '../format/opcodes.js';
import { popsOf, pushesOf } from '../format/stack-effects.js';
import { STACK_LIMIT } from './execution.js';
import type { Snippet } from './snippets.js';

export interface Block {
  /** Its position in the unit's `blocks`. */
  readonly index: number;
  readonly start: number;
  /** One past its last pc. */
  readonly end: number;
  /** Its last instruction (before a payload word). */
  readonly lastPc: number;
  /** Control continues at `end` after the block (it does not end in a jump, return or trap). */
  readonly fallsThrough: boolean;
  /** It starts at a call's return address. */
  readonly landing: boolean;
  /** The block before it falls through into it (so that block's height decides its own). */
  readonly fallenInto: boolean;
  /** Stack height change over the block, and the lowest and highest height it reaches (pops before pushes), relative to its start. */
  readonly delta: number;
  readonly low: number;
  readonly high: number;
  /**
   * The highest height the stepper would check against the stack limit in the block: `high`, or
   * more where a StackCheck (or the StackCheck of an i64 snippet run natively) asks for room.
   * Within a region whose range check passed, those checks cannot fail, so they need no op.
   */
  readonly peak: number;
  /** The lowest slot a local.get/set/tee of the block touches, relative to its start. */
  readonly lowestSlot: number;
  region: number;
  /** Height above the region's base when the block is entered. */
  offset: number;
}

/**
 * A region's stack use relative to its base: every slot its instructions touch and every height
 * they reach lie in [lo, hi] (as the stepper would check them). The block engine enters it when
 * `(base + lo) >>> 0 <= limit`, i.e. base + lo >= 0 and base + hi <= STACK_LIMIT.
 */
export interface Region {
  readonly lo: number;
  readonly hi: number;
  readonly limit: number;
}

export interface Unit {
  readonly entry: number;
  readonly end: number;
  /** In pc order; the first starts at `entry`. */
  readonly blocks: readonly Block[];
  readonly blockAt: ReadonlyMap<number, Block>;
  readonly regions: readonly Region[];
}

export interface UnitSource {
  readonly codes: Uint16Array;
  readonly bits: Uint32Array;
  readonly codeLength: number;
  /** The snippet a CallInternal at `pc` runs natively, if it does (it then ends no block). */
  nativeCall(pc: number): Snippet | undefined;
  /** Engine cost of the instruction at `pc` (for splitting blocks whose cost would not fit a slot). */
  readonly costOf: ((pc: number) => number) | undefined;
}

// Keeps a block's total far below 2^31 so it fits an Int32Array slot with room to spare.
export const MAX_BLOCK_COST = 2 ** 30;

const enum Role {
  Plain = 0,
  /** Ends its block; control may fall through to the next pc. */
  EndsBlock = 1,
  /** Ends its block; control never falls through. */
  NoFallthrough = 2,
}

const MAX_CODE = 1100;
const ROLE = new Uint8Array(MAX_CODE);
const WIDTH = new Uint8Array(MAX_CODE).fill(1);
for (const code of [Opcode.Unreachable, Opcode.Trap, Opcode.Br, Opcode.BrTable, Opcode.Return, Opcode.ReturnCallInternal, Opcode.ReturnCallIndirect]) {
  ROLE[code] = Role.NoFallthrough;
}
for (const code of [Opcode.BrIfEqz, Opcode.BrIfNez, Opcode.CallInternal, Opcode.CallIndirect, Opcode.Call, Opcode.ReturnCall]) ROLE[code] = Role.EndsBlock;
// Instructions followed by a payload word they consume (the TableGet naming their table).
for (const code of [Opcode.CallIndirect, Opcode.ReturnCallIndirect, Opcode.TableInit]) WIDTH[code] = 2;

/** Pcs an instruction at `pc` takes up (2 with its payload). */
export function widthAt(codes: Uint16Array, pc: number): number {
  return WIDTH[codes[pc]!]!;
}

/**
 * Pushes minus pops of one instruction as `pops` and `pushes`: calls count their static part
 * only (CallIndirect pops its index); their callee's effect belongs to the region that follows.
 */
export function instructionPops(source: UnitSource, pc: number, code: number, imm: number): number {
  if (code === Opcode.CallInternal) return source.nativeCall(pc) ? 4 : 0;
  if (code === Opcode.CallIndirect || code === Opcode.ReturnCallIndirect) return 1;
  const pops = popsOf(code, imm);
  return pops < 0 ? 0 : pops;
}

export function instructionPushes(source: UnitSource, pc: number, code: number, imm: number): number {
  if (code === Opcode.CallInternal) return source.nativeCall(pc)?.resultWords ?? 0;
  const pushes = pushesOf(code, imm);
  return pushes < 0 ? 0 : pushes;
}

/** The unit entered at `entry`; `marks` is scratch of the code's length + 1, all zero, left all zero. */
export function findUnit(source: UnitSource, entry: number, marks: Uint8Array): Unit {
  const { codes, bits, codeLength } = source;
  const metered = source.costOf !== undefined;
  // 1. Extent and leaders in one pass (marks beyond the extent are cleared below).
  let end = codeLength;
  let reach = entry;
  marks[entry] = 1;
  for (let pc = entry; pc < codeLength; ) {
    const code = codes[pc]!;
    const next = pc + WIDTH[code]!;
    const role = ROLE[code]!;
    if (code === Opcode.Br || code === Opcode.BrIfEqz || code === Opcode.BrIfNez) {
      const target = pc + (bits[pc]! | 0);
      if (target > reach) reach = target;
      if (target >= entry) marks[target] = 1;
    } else if (code === Opcode.BrTable) {
      const n = bits[pc]!;
      for (let k = 0; k < n; k++) marks[pc + 1 + 2 * k] = 1;
      if (pc + 2 * n > reach) reach = pc + 2 * n;
    } else if (code === Opcode.ConsumeFuel || code === Opcode.ConsumeFuelStack || code === Opcode.Trap) {
      marks[pc] = 1;
      // With engine metering a program fuel check also ends its block: the block's charge is
      // then made before the check, as instruction-by-instruction metering would make it.
      if (metered && code !== Opcode.Trap) marks[next] = 1;
    }
    if (role !== Role.Plain && !(code === Opcode.CallInternal && source.nativeCall(pc))) marks[next] = 1;
    if (role === Role.NoFallthrough && reach < next) {
      end = next;
      break;
    }
    pc = next;
  }
  end = Math.min(end, codeLength);

  // 2. Blocks, with their height change and range (split where a metered block's cost would grow too large).
  const blocks: Block[] = [];
  const blockAt = new Map<number, Block>();
  const costOf = source.costOf;
  let start = entry;
  let cost = 0;
  let h = 0;
  let low = 0;
  let high = 0;
  let peak = 0;
  let lowestSlot = 0;
  let lastPc = entry;
  const close = (at: number) => {
    const code = codes[lastPc]!;
    const landing = start > entry && isReturnAddress(codes, source, start);
    const previous = blocks[blocks.length - 1];
    const block: Block = {
      index: blocks.length,
      start,
      end: at,
      lastPc,
      fallsThrough: ROLE[code] !== Role.NoFallthrough,
      landing,
      fallenInto: previous !== undefined && previous.fallsThrough && previous.end === start && !landing,
      delta: h,
      low,
      high,
      peak: Math.max(peak, high),
      lowestSlot,
      region: -1,
      offset: 0,
    };
    blocks.push(block);
    blockAt.set(start, block);
  };
  for (let pc = entry; pc < end; ) {
    const code = codes[pc]!;
    let width = WIDTH[code]!;
    const instructionCost = costOf ? costOf(pc) : 0;
    if (pc > start && (marks[pc] === 1 || cost + instructionCost > MAX_BLOCK_COST)) {
      close(pc);
      start = pc;
      cost = h = low = high = peak = lowestSlot = 0;
    }
    cost += instructionCost;
    lastPc = pc;
    if (code === Opcode.LocalGet || code === Opcode.LocalSet || code === Opcode.LocalTee) {
      // get reads h - d, tee writes h - d, set writes h - 1 - d (all d >= 1: verified)
      const slot = h - bits[pc]! - (code === Opcode.LocalSet ? 1 : 0);
      if (slot < lowestSlot) lowestSlot = slot;
    }
    if (code === Opcode.StackCheck) peak = Math.max(peak, h + bits[pc]!);
    else if (code === Opcode.CallInternal) {
      const snippet = source.nativeCall(pc);
      if (snippet) peak = Math.max(peak, h + snippet.maxStackHeight);
    }
    h -= instructionPops(source, pc, code, bits[pc]!);
    if (h < low) low = h;
    h += instructionPushes(source, pc, code, bits[pc]!);
    if (h > high) high = h;
    // A jump to the payload word itself (a TableGet run on its own) splits the pair.
    if (width === 2 && marks[pc + 1] === 1) width = 1;
    pc += width;
  }
  close(end);
  marks.fill(0, entry, Math.min(codeLength + 1, Math.max(end, reach) + 1));

  // 3. Regions and heights, in pc order: falling through keeps the region; blocks reached only
  // by forward branches take the region and height of the first branch to them.
  let regions = 0;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    if (block.landing) {
      block.region = regions++; // entered by returns, with the callee's height: a region of its own
      block.offset = 0;
    } else if (block.fallenInto) {
      const previous = blocks[i - 1]!;
      block.region = previous.region;
      block.offset = previous.offset + previous.delta;
    } else if (block.region < 0) {
      block.region = regions++;
      block.offset = 0;
    }
    const code = codes[block.lastPc]!;
    if (code !== Opcode.Br && code !== Opcode.BrIfEqz && code !== Opcode.BrIfNez && code !== Opcode.BrTable) continue;
    const arrives = block.offset + block.delta;
    const claim = (target: number) => {
      const reached = blockAt.get(target);
      if (!reached || target <= block.start || reached.region >= 0 || reached.fallenInto || reached.landing) return;
      reached.region = block.region;
      reached.offset = arrives;
    };
    if (code === Opcode.BrTable) for (let k = 0; k < bits[block.lastPc]!; k++) claim(block.lastPc + 1 + 2 * k);
    else claim(block.lastPc + (bits[block.lastPc]! | 0));
  }

  // 4. Each region's stack use.
  const lo = new Array<number>(regions).fill(Infinity);
  const hi = new Array<number>(regions).fill(-Infinity);
  for (const block of blocks) {
    const r = block.region;
    lo[r] = Math.min(lo[r]!, block.offset + block.low, block.offset + block.lowestSlot);
    hi[r] = Math.max(hi[r]!, block.offset + block.peak);
  }
  // A region asking for more room than the stack has can never pass its check (-1: it fits a word).
  const regionUse: Region[] = lo.map((l, r) => ({ lo: l, hi: hi[r]!, limit: Math.max(-1, STACK_LIMIT - (hi[r]! - l)) }));
  return { entry, end, blocks, blockAt, regions: regionUse };
}

/** Whether `pc` is the return address of a call just before it. */
function isReturnAddress(codes: Uint16Array, source: UnitSource, pc: number): boolean {
  const before = codes[pc - 1];
  if (before === Opcode.CallInternal) return !source.nativeCall(pc - 1);
  if (before === Opcode.Call || before === Opcode.ReturnCall) return true;
  return pc >= 2 && codes[pc - 2] === Opcode.CallIndirect;
}
