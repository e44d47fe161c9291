/**
 * The compiled tier's bookkeeping for one program: which chains of prepared code were laid out,
 * when to translate them (each as it is laid out, or once one of its blocks has
 * counted down), and pointing their blocks' Compiled ops at the result.
 *
 * A chain is cut at block starts into functions of at most FUNCTION_OPS ops. (Translating a
 * hot chain together with the other chains of its unit made loops whose cases were lowered one
 * by one run in one function — a bytecode VM 3× faster — but the EVM runtime 1.5× and the
 * Montgomery program 2× slower: such functions get large and leave for calls often.)
 */
import { Op } from './engine.js';
import type { ChainTranslator, CompiledCode } from './compiled-code.js';
import type { PreparedCode } from './prepared-code.js';
import { opWords } from './prepared-listing.js';

/** How many times a block's Compiled op steps over before its chain is translated (in the lazy mode). */
export const HOT_ENTRIES = 16;
/** The count of a Compiled op whose chain was not translated: it steps over (for about 2^31 more passes before it asks again). */
const NOT_TRANSLATED = -0x7fffffff;
/** Ops per generated function: engines stop optimising, or take long to, far above this. */
const FUNCTION_OPS = 4000;
/** A single block above this many ops is not translated (it cannot be cut: blocks are entered only at their start). */
const BLOCK_OPS_CAP = 20_000;
/** What the lazy mode asks of a chain per call or return in it. */
const CHAIN_OPS_PER_EXIT = 16;

export class Translation {
  /** The compiled functions, by the index their Compiled ops carry. */
  readonly compiled: CompiledCode[] = [];
  /** The chains laid out so far, in code order. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(
    private readonly prepared: PreparedCode,
    private readonly ipOfPc: Int32Array,
    private readonly translator: ChainTranslator,
    readonly eager: boolean,
  ) {}

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
    const { code, pcOfIp } = this.prepared;
    const entries: number[] = [];
    const opsBefore: number[] = [];
    let ops = 0;
    for (let ip = from; ip < to; ) {
      if (pcOfIp[ip]! < 0) {
        ip += 2; // a region's range check
        continue;
      }
      if (code[ip] === Op.Compiled) {
        entries.push(ip);
        opsBefore.push(ops);
      }
      ops++;
      ip += opWords(code, ip);
    }
    opsBefore.push(ops);
    return { entries, opsBefore };
  }

  /** The chain [first, end) in functions of at most FUNCTION_OPS ops, cut at block starts. */
  private translatePieces(first: number, end: number): void {
    const { code, pcOfIp } = this.prepared;
    const { entries, opsBefore } = this.entriesOf(first, end);
    for (let k = 0; k < entries.length; ) {
      // The longest run of whole blocks from entry k within FUNCTION_OPS (at least one block).
      let j = k + 1;
      while (j < entries.length && opsBefore[j + 1]! - opsBefore[k]! <= FUNCTION_OPS) j++;
      const from = entries[k]!;
      const to = j < entries.length ? entries[j]! : end;
      const compiled = opsBefore[j]! - opsBefore[k]! <= BLOCK_OPS_CAP ? this.translator(code, pcOfIp, [[from, to]], this.eager ? 0 : CHAIN_OPS_PER_EXIT) : undefined;
      const index = compiled ? this.compiled.push(compiled) - 1 : NOT_TRANSLATED;
      for (let e = k; e < j; e++) {
        const at = entries[e]!;
        code[at + 1] = index;
        // Left to the interpreter: calls and returns into the block skip its Compiled op, entering
        // after it (the range check moves into the op's last two words, which it no longer needs).
        const pc = pcOfIp[at]!;
        if (!compiled && this.ipOfPc[pc] === at) {
          code[at + 2] = code[at - 2]!;
          code[at + 3] = code[at - 1]!;
          this.ipOfPc[pc] = at + 4;
        }
      }
      k = j;
    }
  }
}
