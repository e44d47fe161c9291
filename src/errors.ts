/**
 * The one error type of the library. Every malformed input and every misuse of the API
 * surfaces as an `RwasmError` with a stable `code`; a trap is not an error but an outcome
 * of running (see `TrapCode`).
 */
export type RwasmErrorCode =
  // binary format (decoding)
  | 'BadMagic'
  | 'UnsupportedVersion'
  | 'UnexpectedEnd'
  | 'InvalidOpcode'
  | 'InvalidTrapCode'
  | 'TrailingBytes'
  | 'VerificationFailed'
  // building modules and instructions by hand
  | 'InvalidImmediate'
  // execution of a module the reference would run into undefined behaviour on
  | 'StackCorrupted'
  | 'PcOutOfBounds'
  | 'MissingTable'
  | 'SyscallSignatureMismatch'
  // API misuse
  | 'InvalidState'
  | 'InvalidArgument'
  // Wasm → rWasm compilation (the reference's CompilationError names)
  | 'MalformedWasmBinary'
  | 'BranchOffsetOutOfBounds'
  | 'BlockFuelOutOfBounds'
  | 'NotSupportedExtension'
  | 'DropKeepOutOfBounds'
  | 'BranchTableTargetsOutOfBounds'
  | 'NotSupportedImportType'
  | 'NotSupportedFuncType'
  | 'UnresolvedImportFunction'
  | 'MalformedImportFunctionType'
  | 'NonDefaultMemoryIndex'
  | 'ConstEvaluationFailed'
  | 'NotSupportedLocalType'
  | 'NotSupportedGlobalType'
  | 'MaxReadonlyDataReached'
  | 'MissingEntrypoint'
  | 'MalformedFuncType'
  | 'MemoryOutOfBounds'
  | 'TableOutOfBounds'
  | 'StartSectionsAreNotAllowed'
  // runtime layer
  | 'ModuleNotCached'
  | 'CodeHashMismatch'
  | 'InstantiationFailed'
  | 'UnknownCallId'
  | 'MalformedSnapshot'
  | 'UnauthenticSnapshot'
  // Fluent's envelopes (src/fluent)
  | 'MalformedEnvelope'
  // WebAssembly spec-test scripts (src/spec)
  | 'MalformedWastScript';

export class RwasmError extends Error {
  readonly code: RwasmErrorCode;
  /** Structured facts about the failure (byte offset, pc, reason...), for programs. */
  readonly details: Readonly<Record<string, number | string>>;

  constructor(code: RwasmErrorCode, message: string, details: Record<string, number | string> = {}) {
    super(message);
    this.name = 'RwasmError';
    this.code = code;
    this.details = details;
  }
}

export function isRwasmError(value: unknown): value is RwasmError {
  return value instanceof RwasmError;
}
