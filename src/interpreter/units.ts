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
 */
import { Opcode } from '../format/opcodes.js';
import { stackEffect, DYNAMIC_EFFECT } from '../format/stack-effects.js';
import type { Snippet } from './snippets.js';

export interface Block {
  readonly start: number;
  /** One past its last pc. */
  readonly end: number;
  /** Control continues at `end` after the block (it does not end in a jump, return or trap). */
  readonly fallsThrough: boolean;
  /** It starts at a call's return address. */
  readonly landing: boolean;
  region: number;
  /** Height above the region's base when the block is entered. */
  offset: number;
}

export interface Unit {
  readonly entry: number;
  readonly end: number;
  /** In pc order; the first starts at `entry`. */
  readonly blocks: readonly Block[];
  readonly blockAt: ReadonlyMap<number, Block>;
  readonly regionCount: number;
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

const NO_FALLTHROUGH = new Set<number>([
  Opcode.Unreachable,
  Opcode.Trap,
  Opcode.Br,
  Opcode.BrTable,
  Opcode.Return,
  Opcode.ReturnCallInternal,
  Opcode.ReturnCallIndirect,
]);
const ENDS_BLOCK = new Set<number>([...NO_FALLTHROUGH, Opcode.BrIfEqz, Opcode.BrIfNez, Opcode.CallInternal, Opcode.CallIndirect, Opcode.Call, Opcode.ReturnCall]);
const STARTS_BLOCK = new Set<number>([Opcode.ConsumeFuel, Opcode.ConsumeFuelStack, Opcode.Trap]);
/** Instructions followed by a payload word pair they consume (the TableGet naming their table). */
const HAS_PAYLOAD = new Set<number>([Opcode.CallIndirect, Opcode.ReturnCallIndirect, Opcode.TableInit]);

export function endsBlock(code: number): boolean {
  return ENDS_BLOCK.has(code);
}

/** Pcs an instruction at `pc` takes up (2 with its payload). */
export function widthAt(codes: Uint16Array, pc: number): number {
  return HAS_PAYLOAD.has(codes[pc]!) ? 2 : 1;
}

/** The unit entered at `entry`. */
export function findUnit(source: UnitSource, entry: number): Unit {
  const { codes, bits, codeLength } = source;
  // 1. Extent: scan until an instruction that cannot fall through, with no branch pending past it.
  let end = codeLength;
  let reach = entry;
  for (let pc = entry; pc < codeLength; ) {
    const code = codes[pc]!;
    if (code === Opcode.Br || code === Opcode.BrIfEqz || code === Opcode.BrIfNez) {
      const target = pc + (bits[pc]! | 0);
      if (target > reach) reach = target;
    } else if (code === Opcode.BrTable) {
      const last = pc + 2 * bits[pc]!;
      if (last > reach) reach = last;
    }
    const next = pc + widthAt(codes, pc);
    if (NO_FALLTHROUGH.has(code) && reach < next) {
      end = next;
      break;
    }
    pc = next;
  }
  end = Math.min(end, codeLength);

  // 2. Leaders.
  const metered = source.costOf !== undefined;
  const span = end - entry;
  const leader = new Uint8Array(span + 1);
  leader[0] = 1;
  const mark = (pc: number) => {
    if (pc >= entry && pc < end) leader[pc - entry] = 1;
  };
  for (let pc = entry; pc < end; ) {
    const code = codes[pc]!;
    const width = widthAt(codes, pc);
    if (STARTS_BLOCK.has(code)) mark(pc);
    if (code === Opcode.Br || code === Opcode.BrIfEqz || code === Opcode.BrIfNez) mark(pc + (bits[pc]! | 0));
    else if (code === Opcode.BrTable) for (let k = 0; k < bits[pc]!; k++) mark(pc + 1 + 2 * k);
    if (ENDS_BLOCK.has(code) && !(code === Opcode.CallInternal && source.nativeCall(pc))) mark(pc + width);
    // With engine metering a program fuel check also ends its block: the block's charge is then
    // made before the check, as instruction-by-instruction metering would make it, and nothing
    // after the check is paid before it.
    if (metered && (code === Opcode.ConsumeFuel || code === Opcode.ConsumeFuelStack)) mark(pc + width);
    pc += width;
  }

  // 3. Blocks (split where an engine-metered block's cost would grow too large).
  const blocks: Block[] = [];
  const blockAt = new Map<number, Block>();
  const costOf = source.costOf;
  let start = entry;
  let cost = 0;
  const close = (at: number) => {
    const last = lastPcBefore(codes, start, at);
    const code = codes[last]!;
    const landing = start > entry && isCallAt(codes, source, start);
    const block: Block = { start, end: at, fallsThrough: !NO_FALLTHROUGH.has(code), landing, region: -1, offset: 0 };
    blocks.push(block);
    blockAt.set(start, block);
  };
  for (let pc = entry; pc < end; ) {
    const width = widthAt(codes, pc);
    const instructionCost = costOf ? costOf(pc) : 0;
    if (pc > start && (leader[pc - entry] === 1 || cost + instructionCost > MAX_BLOCK_COST)) {
      close(pc);
      start = pc;
      cost = 0;
    }
    cost += instructionCost;
    // A leader inside a payload pair (a jump to the TableGet itself) still splits the pair.
    if (width === 2 && leader[pc + 1 - entry] === 1) {
      pc += 1;
      close(pc);
      start = pc;
      cost = 0;
      continue;
    }
    pc += width;
  }
  close(end);

  // 4. Regions and heights.
  let regions = 0;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const previous = i > 0 ? blocks[i - 1]! : undefined;
    if (block.landing || i === 0) {
      block.region = regions++;
      block.offset = 0;
    } else if (previous && previous.fallsThrough && previous.end === block.start) {
      block.region = previous.region;
      block.offset = previous.offset + heightChange(source, previous.start, previous.end);
    } else if (block.region < 0) {
      block.region = regions++;
      block.offset = 0;
    }
    // Blocks reached only by forward branches take the height the first such branch gives them.
    forEachBranch(source, block, (target, height) => {
      const reached = blockAt.get(target);
      if (reached && target > block.start && reached.region < 0 && !entersByFallthrough(blocks, reached)) {
        reached.region = block.region;
        reached.offset = block.offset + height;
      }
    });
  }
  return { entry, end, blocks, blockAt, regionCount: regions };
}

function entersByFallthrough(blocks: readonly Block[], block: Block): boolean {
  const index = blocks.indexOf(block);
  const previous = index > 0 ? blocks[index - 1]! : undefined;
  return previous !== undefined && previous.fallsThrough && previous.end === block.start && !block.landing;
}

/** The pc of the last instruction in [start, end) (a payload belongs to the instruction before it). */
function lastPcBefore(codes: Uint16Array, start: number, end: number): number {
  let last = start;
  for (let pc = start; pc < end; pc += widthAt(codes, pc)) last = pc;
  return last;
}

/** Whether `pc` is the return address of a call just before it. */
function isCallAt(codes: Uint16Array, source: UnitSource, pc: number): boolean {
  const before = codes[pc - 1];
  if (before === Opcode.CallInternal) return !source.nativeCall(pc - 1);
  if (before === Opcode.Call || before === Opcode.ReturnCall) return true;
  return pc >= 2 && codes[pc - 2] === Opcode.CallIndirect;
}

/** The change of stack height over [start, end) (calls end blocks, so none is inside). */
export function heightChange(source: UnitSource, start: number, end: number): number {
  const { codes, bits } = source;
  let height = 0;
  for (let pc = start; pc < end; ) {
    const code = codes[pc]!;
    height += effectOfInstruction(source, pc, code, bits[pc]!);
    pc += widthAt(codes, pc);
  }
  return height;
}

/**
 * Pushes minus pops of one instruction; calls count their static part only (CallIndirect pops
 * its index), their callee's effect belongs to the region that follows.
 */
export function effectOfInstruction(source: UnitSource, pc: number, code: number, imm: number): number {
  if (code === Opcode.CallInternal) {
    const snippet = source.nativeCall(pc);
    return snippet ? snippet.resultWords - 4 : 0;
  }
  if (code === Opcode.CallIndirect || code === Opcode.ReturnCallIndirect) return -1;
  const effect = stackEffect(code, imm);
  return effect === DYNAMIC_EFFECT ? 0 : effect.pushes - effect.pops;
}

/** Calls `visit(target, height)` for each static branch leaving `block`, with the height (relative to the block's entry) it arrives with. */
export function forEachBranch(source: UnitSource, block: Block, visit: (target: number, height: number) => void): void {
  const { codes, bits } = source;
  const last = lastPcBefore(codes, block.start, block.end);
  const code = codes[last]!;
  if (code !== Opcode.Br && code !== Opcode.BrIfEqz && code !== Opcode.BrIfNez && code !== Opcode.BrTable) return;
  const height = heightChange(source, block.start, block.end);
  if (code === Opcode.BrTable) {
    for (let k = 0; k < bits[last]!; k++) visit(last + 1 + 2 * k, height);
    return;
  }
  visit(last + (bits[last]! | 0), height);
}
