/**
 * Trap codes with the reference's numeric values (its `repr(u8)` discriminants) and messages.
 *
 * Inside a `Trap` instruction the wire format does not carry the discriminant: bincode's derive
 * encodes an enum by its declaration position, so `ExecutionHalted` (255) is 13 on the wire.
 */
export enum TrapCode {
  UnreachableCodeReached = 0x00,
  MemoryOutOfBounds = 0x01,
  TableOutOfBounds = 0x02,
  IndirectCallToNull = 0x03,
  IntegerDivisionByZero = 0x04,
  IntegerOverflow = 0x05,
  BadConversionToInteger = 0x06,
  StackOverflow = 0x07,
  BadSignature = 0x08,
  OutOfFuel = 0x09,
  UnknownExternalFunction = 0x0a,
  IllegalOpcode = 0x0b,
  InterruptionCalled = 0x0c,
  ExecutionHalted = 0xff,
}

/** Declaration order = wire position. */
const BY_POSITION: readonly TrapCode[] = [
  TrapCode.UnreachableCodeReached,
  TrapCode.MemoryOutOfBounds,
  TrapCode.TableOutOfBounds,
  TrapCode.IndirectCallToNull,
  TrapCode.IntegerDivisionByZero,
  TrapCode.IntegerOverflow,
  TrapCode.BadConversionToInteger,
  TrapCode.StackOverflow,
  TrapCode.BadSignature,
  TrapCode.OutOfFuel,
  TrapCode.UnknownExternalFunction,
  TrapCode.IllegalOpcode,
  TrapCode.InterruptionCalled,
  TrapCode.ExecutionHalted,
];

// The spec testsuite matches these texts with "contains", so they are kept verbatim.
const MESSAGES: Readonly<Record<TrapCode, string>> = {
  [TrapCode.UnreachableCodeReached]: 'unreachable code reached',
  [TrapCode.MemoryOutOfBounds]: 'out of bounds memory access',
  [TrapCode.TableOutOfBounds]: 'undefined element: out of bounds table access',
  [TrapCode.IndirectCallToNull]: 'uninitialized element 2',
  [TrapCode.IntegerDivisionByZero]: 'integer divide by zero',
  [TrapCode.IntegerOverflow]: 'integer overflow',
  [TrapCode.BadConversionToInteger]: 'invalid conversion to integer',
  [TrapCode.StackOverflow]: 'call stack exhausted',
  [TrapCode.BadSignature]: 'indirect call type mismatch',
  [TrapCode.OutOfFuel]: 'out of fuel',
  [TrapCode.UnknownExternalFunction]: 'unknown external function',
  [TrapCode.IllegalOpcode]: 'illegal opcode',
  [TrapCode.InterruptionCalled]: 'interruption called',
  [TrapCode.ExecutionHalted]: 'execution halted',
};

/** The TrapCode at wire position `position`, or undefined when there is none. */
export function trapCodeFromWire(position: number): TrapCode | undefined {
  return BY_POSITION[position];
}

export function trapCodeToWire(code: TrapCode): number {
  return BY_POSITION.indexOf(code);
}

export function isTrapCode(value: number): value is TrapCode {
  return BY_POSITION.includes(value as TrapCode);
}

export function trapMessage(code: TrapCode): string {
  return MESSAGES[code];
}

export function trapName(code: TrapCode): string {
  return TrapCode[code];
}
