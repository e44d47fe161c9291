/**
 * Fluent's exit codes (`fluentbase_types::ExitCode`): what a frame's `ExecutionResult` carries.
 * Final results are ≤ 0; a positive value is a call id (an interrupted frame, see
 * `RuntimeExecutor`).
 */
import { TrapCode } from '../format/trap-codes.js';

export const ExitCode = {
  Ok: 0,
  Panic: -1,
  InterruptionCalled: -3,
  RootCallOnly: -1002,
  MalformedBuiltinParams: -1003,
  CallDepthOverflow: -1004,
  NonNegativeExitCode: -1005,
  UnknownError: -1006,
  InputOutputOutOfBounds: -1007,
  PrecompileError: -1008,
  NotSupportedBytecode: -1009,
  StateChangeDuringStaticCall: -1010,
  CreateContractSizeLimit: -1011,
  CreateContractCollision: -1012,
  CreateContractStartingWithEF: -1013,
  OutOfMemory: -1014,
  InsufficientBalance: -1015,
  UnreachableCodeReached: -2001,
  MemoryOutOfBounds: -2002,
  TableOutOfBounds: -2003,
  IndirectCallToNull: -2004,
  IntegerDivisionByZero: -2005,
  IntegerOverflow: -2006,
  BadConversionToInteger: -2007,
  StackOverflow: -2008,
  BadSignature: -2009,
  OutOfFuel: -2010,
  UnknownExternalFunction: -2011,
  UnexpectedFatalExecutionFailure: -3001,
  MissingStorageSlot: -3002,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const NAMES = new Map<number, string>(Object.entries(ExitCode).map(([name, code]) => [code, name]));

/** The name of an exit code, or undefined for a value that is none (e.g. a call id). */
export function exitCodeName(code: number): string | undefined {
  return NAMES.get(code);
}

/** Fluent's `ExitCode::from(i32)`: a value that is no exit code becomes `UnknownError`. */
export function normalizeExitCode(value: number): ExitCode {
  return NAMES.has(value) ? (value as ExitCode) : ExitCode.UnknownError;
}

/** Fluent's `ExitCode::from(TrapCode)`: the VM traps map one to one, the rest to `UnknownError`. */
export function exitCodeFromTrap(trap: TrapCode): ExitCode {
  switch (trap) {
    case TrapCode.UnreachableCodeReached:
      return ExitCode.UnreachableCodeReached;
    case TrapCode.MemoryOutOfBounds:
      return ExitCode.MemoryOutOfBounds;
    case TrapCode.TableOutOfBounds:
      return ExitCode.TableOutOfBounds;
    case TrapCode.IndirectCallToNull:
      return ExitCode.IndirectCallToNull;
    case TrapCode.IntegerDivisionByZero:
      return ExitCode.IntegerDivisionByZero;
    case TrapCode.IntegerOverflow:
      return ExitCode.IntegerOverflow;
    case TrapCode.BadConversionToInteger:
      return ExitCode.BadConversionToInteger;
    case TrapCode.StackOverflow:
      return ExitCode.StackOverflow;
    case TrapCode.BadSignature:
      return ExitCode.BadSignature;
    case TrapCode.OutOfFuel:
      return ExitCode.OutOfFuel;
    case TrapCode.UnknownExternalFunction:
      return ExitCode.UnknownExternalFunction;
    case TrapCode.InterruptionCalled:
      return ExitCode.InterruptionCalled;
    default:
      return ExitCode.UnknownError;
  }
}
