/**
 * Units lowered lazily (lowering.ts lowers each block): a unit's blocks become block-engine ops a
 * chain at a time, as control first reaches them.
 */
import { Opcode } from '../format/opcodes.js';
import { Op } from './engine.js';
import { BlockLowering } from './lowering.js';
import type { PreparedCode } from './prepared-code.js';
import type { Snippet } from './snippets.js';
import { loweringScratch } from './symbolic-stack.js';
import type { Block, Region, Unit } from './units.js';

/**
 * A block that calls and returns enter (not a loop header) counts down this many times longer
 * than a loop header per instruction of its unit: translating a function pays only once it has
 * run in proportion to what translating it costs, V8 compiling the result included. (On the EVM
 * runtime, whose hot functions are many and large, translating them at a loop's rate cost more
 * than it saved over 200 scenario runs; a small function called from a hot loop still
 * qualifies within a fraction of a second.)
 */
const HEADED_ENTRIES_PER_INSTRUCTION = 256;

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
  /** Of those, the words written since the last chain was laid out (not yet pointed at a stub). */
  private fresh: Array<{ index: number; at: number }> = [];
  private readonly stubs = new Map<number, number>();
  readonly scratch = loweringScratch();
  /** Conditional and table branches that need more than a jump (filled once the chain is lowered). */
  detours: Detour[] = [];
  /** The chains laid out so far: [first ip, end) of each (stubs and detours included). */
  readonly chains: Array<readonly [number, number]> = [];

  constructor(
    readonly source: LoweringSource,
    readonly unit: Unit,
    readonly out: PreparedCode,
    /** Told of every block lowered; `headed` when calls and returns enter it (its range check in the two words before its ip). */
    private readonly lowered: (entry: BlockEntry, headed: boolean) => void,
    /** A number the Lazy op carries to find block `index` of this unit again. */
    private readonly stubId: (index: number) => number,
    /** Told of each chain laid out: its first block's ip and the end of all it emitted. */
    private readonly chainLowered?: (first: number, end: number) => void,
    /** What each block's Compiled op starts with: its countdown to translation. */
    compiledCountdown = -1,
    /** Only the blocks calls and returns enter and loop headers get a Compiled op (where the lazy tier enters functions and loops, and comes back after a call it left for; an op anywhere else would be a dispatch for nothing). */
    loopHeadersOnly = false,
  ) {
    this.ipOfBlock = new Int32Array(unit.blocks.length).fill(-1);
    this.loopCountdown = compiledCountdown;
    this.headedCountdown = Math.max(-0x40000000, compiledCountdown * (1 + HEADED_ENTRIES_PER_INSTRUCTION * (unit.end - unit.entry)));
    if (loopHeadersOnly) this.loopHeaders = loopHeadersOf(source, unit);
  }

  private readonly loopHeaders: ReadonlySet<number> | undefined;
  private readonly headedCountdown: number;
  private readonly loopCountdown: number;

  /** The ip of block `index`, lowering the chain that starts at it first if needed. */
  lower(index: number): number {
    const known = this.ipOfBlock[index]!;
    if (known >= 0) return known;
    const { unit, out } = this;
    let block = unit.blocks[index]!;
    let first = -1;
    for (;;) {
      const region = unit.regions[block.region]!;
      // Blocks entered by calls and returns carry their region's range check just before them.
      const headed = block.index === 0 || block.landing;
      if (headed) out.header(region.lo, region.limit);
      const ip = out.size;
      if (first < 0) first = ip;
      // The compiled tier enters at any block: its op is where this one starts.
      if (this.chainLowered) {
        const loopHeader = this.loopHeaders?.has(block.start) ?? true;
        // A function entry or return address waits longer than a loop: translating a function pays only if it runs often.
        if (loopHeader || headed) out.emit3(Op.Compiled, block.start, loopHeader ? this.loopCountdown : this.headedCountdown, ip, 0);
      }
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
    // Branches to blocks still not lowered go through stubs, laid out after the chain. Only this
    // chain's: older ones already have theirs (a br_table's thousands of targets wait a long time).
    const fresh = this.fresh;
    this.fresh = [];
    for (const { index: target, at } of fresh) {
      if (this.ipOfBlock[target]! >= 0) continue; // lowered meanwhile: resolve() wrote the ip
      let stub = this.stubs.get(target);
      if (stub === undefined) {
        stub = out.emit1(Op.Lazy, unit.blocks[target]!.start, this.stubId(target));
        this.stubs.set(target, stub);
      }
      out.code[at] = stub;
    }
    this.chains.push([first, out.size]);
    this.chainLowered?.(first, out.size);
    return this.ipOfBlock[index]!;
  }

  /** Lowers every block not lowered yet (the compiled tier translates a hot unit whole). */
  lowerAll(): void {
    for (let index = 0; index < this.unit.blocks.length; index++) this.lower(index);
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
    this.fresh.push({ index: block.index, at });
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

/** The pcs the unit's branches go back to (a br_table's targets are Br instructions of their own). */
function loopHeadersOf(source: LoweringSource, unit: Unit): Set<number> {
  const headers = new Set<number>();
  for (const block of unit.blocks) {
    const code = source.codes[block.lastPc]!;
    if (code !== Opcode.Br && code !== Opcode.BrIfEqz && code !== Opcode.BrIfNez) continue;
    const target = block.lastPc + (source.bits[block.lastPc]! | 0);
    if (target <= block.lastPc) headers.add(target);
  }
  return headers;
}

/** A conditional or table branch that needs more than a jump: the word gets a trampoline's ip. */
interface Detour {
  readonly at: number;
  readonly target: number;
  readonly height: number;
  readonly pc: number;
}
