/**
 * Fluent's account code formats (runtime.md §6.5): an account whose code runs on a system
 * runtime holds `EF 44 | 00 | owner (20 bytes) | metadata` ("OwnableAccount"); the EVM
 * runtime's metadata is either the legacy `keccak256(code) | code` or, as its deploy writes
 * it, the analyzed form `version word 00…01 | code hash | original length u64 | padded code
 * (u64 length + bytes) | jump table (u64 length + bytes, bit i = JUMPDEST at i)`.
 */
import { EnvelopeReader, EnvelopeWriter, checkAddress, malformedEnvelope } from './bytes.js';
import { keccak256 } from './interruptions.js';

const OWNABLE_PREFIX = [0xef, 0x44, 0x00] as const;

export interface OwnableAccount {
  /** The system runtime that runs the account (e.g. the EVM runtime at 0x…520001). */
  readonly owner: Uint8Array;
  readonly metadata: Uint8Array;
}

export function encodeOwnableAccount(account: OwnableAccount): Uint8Array {
  checkAddress(account.owner, 'owner');
  return Uint8Array.from([...OWNABLE_PREFIX, ...account.owner, ...account.metadata]);
}

/** The owner and metadata of an ownable account's code, or undefined for code of any other kind. */
export function decodeOwnableAccount(code: Uint8Array): OwnableAccount | undefined {
  if (code.length < 23 || OWNABLE_PREFIX.some((b, i) => code[i] !== b)) return undefined;
  return { owner: code.slice(3, 23), metadata: code.slice(23) };
}

/** The EVM bytecode in EVM metadata, and its code hash (keccak256 of the original code). */
export interface EvmCode {
  readonly code: Uint8Array;
  readonly codeHash: Uint8Array;
  /** The analyzed form's JUMPDEST bitmap (undefined for the legacy form). */
  readonly jumpTable: Uint8Array | undefined;
}

const VERSION_WORD = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0));

export function decodeEvmMetadata(metadata: Uint8Array): EvmCode {
  const what = 'EVM metadata';
  if (metadata.length < 32) throw malformedEnvelope(what, `${metadata.length} bytes, less than a code hash`);
  if (VERSION_WORD.some((b, i) => metadata[i] !== b)) {
    // Legacy: any first word other than the version word is the code hash.
    return { code: metadata.slice(32), codeHash: metadata.slice(0, 32), jumpTable: undefined };
  }
  const r = new EnvelopeReader(metadata.subarray(32), what);
  const codeHash = r.raw(32, 'code hash');
  const originalLength = r.u64('original length');
  const padded = r.bytes('padded code');
  const jumpTable = r.bytes('jump table');
  r.end();
  if (originalLength > BigInt(padded.length)) throw malformedEnvelope(what, `original length ${originalLength} is more than the ${padded.length} padded bytes`);
  const length = Number(originalLength);
  if (jumpTable.length !== Math.ceil(length / 8)) throw malformedEnvelope(what, `a jump table of ${jumpTable.length} bytes for ${length} bytes of code`);
  return { code: padded.slice(0, length), codeHash, jumpTable };
}

/** The JUMPDEST bitmap of EVM code (PUSH data skipped), LSB first, one bit per byte of code. */
export function jumpDestinations(code: Uint8Array): Uint8Array {
  const table = new Uint8Array(Math.ceil(code.length / 8));
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc]!;
    if (op === 0x5b) table[pc >> 3]! |= 1 << (pc & 7);
    else if (op >= 0x60 && op <= 0x7f) pc += op - 0x5f;
  }
  return table;
}

/**
 * The analyzed metadata of EVM code as the EVM runtime's deploy writes it (revm's legacy
 * analysis): the code padded with zeros for a PUSH that runs off its end, plus one STOP unless
 * its last instruction is one (HelloWorld's 1428 bytes become 1435).
 */
export function encodeEvmMetadata(code: Uint8Array): Uint8Array {
  let pc = 0;
  let last = 0x00;
  while (pc < code.length) {
    last = code[pc]!;
    pc += last >= 0x60 && last <= 0x7f ? last - 0x5e : 1;
  }
  const padded = new Uint8Array(pc + (last === 0x00 && code.length > 0 ? 0 : 1));
  padded.set(code);
  return new EnvelopeWriter().raw(VERSION_WORD).raw(keccak256(code)).u64(code.length).bytes(padded).bytes(jumpDestinations(code)).finish();
}
