/**
 * What both engines (the stepper and the block engine) share with the machine that drives
 * them: the limits, why a run stopped, and the registers they read and write.
 */
import type { TrapCode } from '../format/trap-codes.js';
import type { Program } from './program.js';
import type { Store } from './store.js';

/** The reference's value stack limit, in 32-bit words. */
export const STACK_LIMIT = 8192;
/** The reference's call depth limit. */
export const MAX_CALL_DEPTH = 1024;
/** Room past STACK_LIMIT: a syscall may push its i64 results one word past what it reserved. */
export const STACK_SLACK = 64;

/** `invokeSyscall`'s answer for "continue" (every TrapCode is ≥ 0). */
export const SYSCALL_OK = -1;
/** The reference's `None` for the signature the last indirect call announced. */
export const NO_SIGNATURE = -1;

export type FatalKind = 'StackCorrupted' | 'PcOutOfBounds' | 'MissingTable';

/** Why an engine stopped. */
export enum Exit {
  /** `Return` with an empty call stack. */
  Returned,
  Trapped,
  /** `ExecutionHalted`: success without results. */
  Halted,
  /** A syscall interrupted (pc is past the Call) or `Trap(InterruptionCalled)` ran (pc on it). */
  Interrupted,
  /** A fuel charge did not fit the budget; `pendingFuel` says how much it needs. */
  FuelCheck,
  /** The program broke the stack discipline or jumped nowhere (`fatal` says how). */
  Fatal,
  /** The stepper reached a block the block engine can run. */
  HandOff,
  /** The block engine cannot prove the stack use of what comes next in range: step it. */
  SlowPath,
  /** Control leaves the prepared code (a branch into another unit, or falling into one). */
  Leave,
  /** A call or return reached code not prepared yet and not reached often enough to be worth preparing: step it. */
  Cold,
  /**
   * Preparing more code moved the block engine's code array: continue at `ip` with `sp` the
   * region's base (a call or return into it has its range check still to do).
   */
  Moved,
}

/** The registers an engine runs on; `Machine` is the only implementation. */
export interface ExecutionContext {
  readonly program: Program;
  readonly store: Store;
  readonly stack: Int32Array;
  /** Return pcs of the calls in progress. */
  readonly callStack: Int32Array;
  readonly traced: boolean;
  /** Stack pointer: live words on the value stack. */
  sp: number;
  /** The next instruction (after a trap: the trapping one). */
  pc: number;
  /** The block engine's position in the prepared code. */
  ip: number;
  csp: number;
  trapCode: TrapCode;
  pendingFuel: number;
  fatal: FatalKind | undefined;
  /**
   * With engine metering: the instructions from `pc` up to (not including) this pc are already
   * paid for (their block was charged on entry); -1 when nothing is.
   */
  paidUntil: number;
  /** Runs syscall `sysIndex` with `sp` synced; returns SYSCALL_OK or the TrapCode it ended with. */
  invokeSyscall(sysIndex: number): number;
  /** The trace hook of a traced machine, called with `store.fuel` and `sp` synced. */
  traceInstruction(pc: number, sp: number, csp: number): void;
}
