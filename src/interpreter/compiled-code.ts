/**
 * What the block engine needs of the compiled tier (src/compiled): a translator that turns a
 * chain of prepared code into a function, and the function's shape. The interpreter calls such
 * code through its Compiled op and goes on at the ip it returns.
 */
import type { Table } from './store.js';

/**
 * The registers compiled code shares with whoever entered it, in one Float64Array: the fuel
 * budget, the current frame's `sp` and `csp` (when compiled code stops in a callee it called
 * itself, the interpreter goes on in that frame), the signature the last indirect call
 * announced, and with engine metering how far the last block charge paid.
 */
export const REGISTER_FUEL = 0;
export const REGISTER_SP = 1;
export const REGISTER_CSP = 2;
export const REGISTER_LAST_SIGNATURE = 3;
/** With engine metering: the end of the block the last Meter paid for (-1: none). */
export const REGISTER_PAID_END = 4;
export const REGISTER_COUNT = 5;

/**
 * What a nested frame's compiled code returns when it returned to the compiled code that called
 * it: RETURNED_TO_CALLER - sp, the caller's stack pointer after the return encoded below zero
 * (an ip to go on at is never negative), so no register carries it.
 */
export const RETURNED_TO_CALLER = -1;

/**
 * Runs prepared code on the interpreter's state from `entry` (the ip of one of its Compiled
 * ops), in the frame at call depth `csp`; `depth` > 0 when compiled code called it (it then
 * returns RETURNED_TO_CALLER - sp on a return, and counts how deep compiled calls nest in JavaScript).
 * Returns the ip the interpreter goes on at (with `registers` holding sp and csp).
 */
export type CompiledCode = (
  stack: Int32Array,
  sp: number,
  memory: Uint8Array,
  view: DataView,
  memLen: number,
  globals: Int32Array,
  registers: Float64Array,
  entry: number,
  code: Int32Array,
  callStack: Int32Array,
  csp: number,
  depth: number,
  tables: ReadonlyArray<Table | undefined>,
) => number;

/** What a translator reads: the prepared code and its maps, and the functions its calls may enter. */
export interface TranslationSource {
  readonly code: Int32Array;
  readonly pcOfIp: Int32Array;
  readonly ipOfPc: Int32Array;
  /** The program's compiled functions (growing): calls in compiled code enter their callees' directly. */
  readonly compiled: readonly CompiledCode[];
  /** The ip of a `Return 0` op: where compiled code has the interpreter make a return it cannot go on from. */
  readonly returnOp: number;
}

/** A translator's answer for ranges whose function would be too large for the JavaScript engine to optimise. */
export const TOO_LARGE = 'too large';

/** What makes code worth translating (all 0: anything is). */
export interface TranslationDemand {
  /** At least this many ops per exit (where compiled code leaves for the interpreter as a matter of course). */
  readonly opsPerExit: number;
  /** Without a loop, at least this many ops (code entered only from the interpreter, never called from compiled code). */
  readonly straightOps: number;
}

/**
 * A function running the ops in `ranges` of `code` (each [from, to)), or undefined when they are
 * not worth it, or TOO_LARGE.
 */
export type ChainTranslator = (source: TranslationSource, ranges: ReadonlyArray<readonly [number, number]>, demand: TranslationDemand) => CompiledCode | typeof TOO_LARGE | undefined;
