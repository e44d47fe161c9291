/**
 * The compiled tier's bookkeeping for one program: which chains of prepared code were laid out,
 * when to translate them (each as it is laid out, or once one of its blocks has counted down),
 * and pointing their blocks' Compiled ops at the result.
 *
 * In the lazy mode a hot unit of up to UNIT_OPS ops (a function, for the compiler's output) is
 * lowered whole and becomes one JavaScript function, which compiled callers call directly; a
 * larger one is translated a chain at a time, each cut at block starts into functions of at most
 * FUNCTION_OPS ops and halved until the translator finds each small enough for V8 to optimise.
 */
import { Op } from './engine.js';
import { TOO_LARGE, type ChainTranslator, type CompiledCode, type TranslationDemand } from './compiled-code.js';
import type { PreparedCode } from './prepared-code.js';
import { opWords } from './prepared-listing.js';
import { branchTargets } from './branch-targets.js';

/** How many times a block's Compiled op steps over before its chain is translated (in the lazy mode). */
export const HOT_ENTRIES = 16;
/** The count of a Compiled op whose chain was not translated: it steps over (for about 2^31 more passes before it asks again). */
const NOT_TRANSLATED = -0x7fffffff;
/** Ops per piece of a chain, at first: about what V8 still optimises (the translator then halves what it finds too large). */
const FUNCTION_OPS = 800;
/**
 * A unit of up to this many ops is one function: larger ones carry more cold code, which V8 pays
 * for in the time it takes to optimise them (it waits for execution in proportion to a
 * function's size).
 */
const UNIT_OPS = 250;
/** A single block above this many ops is not translated (it cannot be cut: blocks are entered only at their start). */
const BLOCK_OPS_CAP = 20_000;
/** What the lazy mode asks of a unit (called from compiled code too, it may be short and straight) and of a chain of a larger one (entered from the interpreter alone). */
const UNIT_DEMAND: TranslationDemand = { opsPerExit: 16, straightOps: 0 };
const CHAIN_DEMAND: TranslationDemand = { opsPerExit: 16, straightOps: 64 };
const ANYTHING: TranslationDemand = { opsPerExit: 0, straightOps: 0 };

/** A clock in milliseconds: `performance.now()` where the host has it (browsers, Node), else `Date.now()`. */
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now = (): number => (clock ? clock.now() : Date.now());

export class Translation {
  /** The compiled functions, by the index their Compiled ops carry. */
  readonly compiled: CompiledCode[] = [];
  /** Translations tried, and the milliseconds they took (generating the source and `new Function`; V8 compiles each function later, on its first calls). */
  attempts = 0;
  milliseconds = 0;
  /** The chains laid out so far, in code order. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(
    private readonly prepared: PreparedCode,
    private readonly ipOfPc: Int32Array,
    private readonly translator: ChainTranslator,
    readonly eager: boolean,
  ) {
    this.returnOp = prepared.emit1(Op.Return, 0, 0);
  }

  /** A `Return 0` op laid out first: the interpreter pops the return pc compiled code left on the call stack and enters it. */
  private readonly returnOp: number;

  /** What a new block's Compiled op starts counting down from. */
  get countdown(): number {
    return this.eager ? -1 : -HOT_ENTRIES;
  }

  chainLaidOut(first: number, end: number): void {
    this.starts.push(first);
    this.ends.push(end);
    if (this.eager) this.translatePieces(first, end);
  }

  /** A block's Compiled op at `ip` counted down: translates its chain; false when nothing was translated. */
  translateAt(ip: number): boolean {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= ip) lo = mid;
      else hi = mid - 1;
    }
    this.translatePieces(starts[lo]!, this.ends[lo]!);
    return this.prepared.code[ip + 1]! >= 0;
  }

  /** The Compiled ops in [from, to) and the ops before each (the total last). */
  private entriesOf(from: number, to: number): { entries: number[]; opsBefore: number[] } {
    const code = this.prepared.code;
    const entries: number[] = [];
    const opsBefore: number[] = [];
    let ops = 0;
    this.forEachOp(from, to, (ip) => {
      if (code[ip] === Op.Compiled) {
        entries.push(ip);
        opsBefore.push(ops);
      }
      ops++;
    });
    opsBefore.push(ops);
    return { entries, opsBefore };
  }

  /**
   * A hot unit's chains (`chains`, in code order; the first holds its entry): the chain of the
   * Compiled op at `ip` and the chains its branches reach, transitively, up to FUNCTION_OPS ops
   * (all of them, for a unit lowered whole that fits), as one function, so loops that run
   * through several chains stay in compiled code; if that is not worth it or too large, the
   * chain alone (translateAt). False when the op at `ip` got no compiled code.
   */
  translateUnit(chains: ReadonlyArray<readonly [number, number]>, ip: number, whole: boolean): boolean {
    const code = this.prepared.code;
    const chainOf = (at: number): number => {
      let lo = 0;
      let hi = chains.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (chains[mid]![0] <= at) lo = mid;
        else hi = mid - 1;
      }
      return at >= chains[lo]![0] && at < chains[lo]![1] ? lo : -1;
    };
    const first = chainOf(ip);
    if (first < 0) return this.translateAt(ip);
    const total = chains.reduce((sum, [from, to]) => sum + this.opsIn(from, to), 0);
    if (whole && total <= UNIT_OPS) return this.translateChains(chains, chains.map((_, k) => k), ip);
    const chosen = new Set<number>([first]);
    const queue = [first];
    let ops = this.opsIn(chains[first]![0], chains[first]![1]);
    while (queue.length > 0) {
      const [from, to] = chains[queue.shift()!]!;
      this.forEachOp(from, to, (at) => {
        for (const target of this.successors(code, at)) {
          const chain = chainOf(target);
          if (chain < 0 || chosen.has(chain)) continue;
          const extra = this.opsIn(chains[chain]![0], chains[chain]![1]);
          if (ops + extra > FUNCTION_OPS) continue;
          ops += extra;
          chosen.add(chain);
          queue.push(chain);
        }
      });
    }
    if (chosen.size === 1 && ops > UNIT_OPS) return this.translateAt(ip);
    return this.translateChains(chains, [...chosen], ip);
  }

  /** Chains `chosen` of `chains` as one function; else the chain of `ip` alone (translateAt). */
  private translateChains(chains: ReadonlyArray<readonly [number, number]>, chosen: readonly number[], ip: number): boolean {
    const ranges = [...chosen].sort((x, y) => x - y).map((k) => chains[k]!);
    // A region with the unit's entry is called from compiled code too: short straight code is worth it there.
    const demand = this.eager ? ANYTHING : chosen.includes(0) ? UNIT_DEMAND : CHAIN_DEMAND;
    const compiled = this.translate(ranges, demand);
    if (compiled === TOO_LARGE || (compiled === undefined && chosen.length > 1)) return this.translateAt(ip);
    this.assign(ranges.flatMap(([from, to]) => this.entriesOf(from, to).entries), compiled);
    return this.prepared.code[ip + 1]! >= 0;
  }

  /** Where control may go from the op at `ip` within the program: its branch targets, and for a call the callee's entry and the return address. */
  private successors(code: Int32Array, ip: number): number[] {
    const op = code[ip];
    if (op === Op.Call) return [this.ipOfPc[code[ip + 2]!]!, this.ipOfPc[code[ip + 3]!]!];
    if (op === Op.CallIndirect) return [this.ipOfPc[code[ip + 5]!]!];
    return branchTargets(code, ip);
  }

  private opsIn(from: number, to: number): number {
    const { opsBefore } = this.entriesOf(from, to);
    return opsBefore[opsBefore.length - 1]!;
  }

  /** Calls `visit` with the ip of every op in [from, to) (region range checks skipped). */
  private forEachOp(from: number, to: number, visit: (ip: number) => void): void {
    const { code, pcOfIp } = this.prepared;
    for (let ip = from; ip < to; ) {
      if (pcOfIp[ip]! < 0) {
        ip += 2;
        continue;
      }
      visit(ip);
      ip += opWords(code, ip);
    }
  }

  /** The translator, timed. */
  private translate(ranges: ReadonlyArray<readonly [number, number]>, demand: TranslationDemand): CompiledCode | typeof TOO_LARGE | undefined {
    const start = now();
    const { code, pcOfIp } = this.prepared;
    const compiled = this.translator({ code, pcOfIp, ipOfPc: this.ipOfPc, compiled: this.compiled, returnOp: this.returnOp }, ranges, demand);
    this.attempts++;
    this.milliseconds += now() - start;
    return compiled;
  }

  /** Points the Compiled ops `entries` at `compiled`, or (none) marks them not translated. */
  private assign(entries: readonly number[], compiled: CompiledCode | undefined): void {
    const { code, pcOfIp } = this.prepared;
    const index = compiled ? this.compiled.push(compiled) - 1 : NOT_TRANSLATED;
    for (const at of entries) {
      code[at + 1] = index;
      // Left to the interpreter: calls and returns into the block skip its Compiled op, entering
      // after it (the range check moves into the op's last two words, which it no longer needs).
      const pc = pcOfIp[at]!;
      if (!compiled && this.ipOfPc[pc] === at) {
        code[at + 2] = code[at - 2]!;
        code[at + 3] = code[at - 1]!;
        this.ipOfPc[pc] = at + 4;
      } else if (compiled && this.ipOfPc[pc] === at + 4) {
        this.ipOfPc[pc] = at; // skipped when an earlier translation declined it; now it runs compiled
      }
    }
  }

  /** The chain [first, end) in functions of at most FUNCTION_OPS ops, cut at block starts. */
  private translatePieces(first: number, end: number): void {
    const { entries, opsBefore } = this.entriesOf(first, end);
    for (let k = 0; k < entries.length; ) {
      // The longest run of whole blocks from entry k within FUNCTION_OPS (at least one block).
      let j = k + 1;
      while (j < entries.length && opsBefore[j + 1]! - opsBefore[k]! <= FUNCTION_OPS) j++;
      this.translateBlocks(entries, opsBefore, k, j, end);
      k = j;
    }
  }

  /** The blocks of entries [k, j) (the last ending at `end` when j is the chain's last), halved until each piece is small enough to be optimised. */
  private translateBlocks(entries: readonly number[], opsBefore: readonly number[], k: number, j: number, end: number): void {
    const to = j < entries.length ? entries[j]! : end;
    const compiled = opsBefore[j]! - opsBefore[k]! <= BLOCK_OPS_CAP ? this.translate([[entries[k]!, to]], this.eager ? ANYTHING : CHAIN_DEMAND) : undefined;
    if (compiled === TOO_LARGE && j - k > 1) {
      const half = (k + j) >> 1;
      this.translateBlocks(entries, opsBefore, k, half, end);
      this.translateBlocks(entries, opsBefore, half, j, end);
      return;
    }
    this.assign(entries.slice(k, j), compiled === TOO_LARGE ? undefined : compiled);
  }
}
