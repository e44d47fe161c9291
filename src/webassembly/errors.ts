/**
 * The JS API's three error classes. Code written against `WebAssembly` tells failures apart with
 * `instanceof WebAssembly.CompileError` and so on, so these are what the facade throws; the
 * typed instance API throws the same ones, with the rWasm facts attached.
 */
import type { RwasmError } from '../errors.js';
import { TrapCode, trapMessage } from '../format/trap-codes.js';

/** The binary is malformed, or uses something rWasm cannot run (`cause` holds the RwasmError when there is one). */
export class CompileError extends Error {
  /** The compiler's error code (`MalformedWasmBinary`, `NotSupportedImportType`, …), when the compiler refused. */
  readonly code: string | undefined;

  constructor(message: string, cause?: RwasmError) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CompileError';
    this.code = cause?.code;
  }
}

/** An import is missing or does not match what the module declares, or cannot be linked on rWasm. */
export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** A trap: the rWasm trap code and the pc of the instruction that trapped (undefined for traps raised outside the code). */
export class RuntimeError extends Error {
  readonly trapCode: TrapCode;
  readonly pc: number | undefined;

  constructor(trapCode: TrapCode, pc?: number, message: string = trapMessage(trapCode)) {
    super(pc === undefined ? message : `${message} (rWasm pc ${pc})`);
    this.name = 'RuntimeError';
    this.trapCode = trapCode;
    this.pc = pc;
  }

  /** The trap's name (`MemoryOutOfBounds`, `OutOfFuel`, …). */
  get trapName(): string {
    return TrapCode[this.trapCode] ?? `trap ${this.trapCode}`;
  }
}
