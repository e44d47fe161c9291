import { keccak_256 } from '@noble/hashes/sha3.js';

/** keccak256 of the complete binary, header included: Fluent's code hash. */
export function codeHash(bytes: Uint8Array): Uint8Array {
  return keccak_256(bytes);
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** `codeHash` as 64 lowercase hex digits, the form used in fixture names and logs. */
export function codeHashHex(bytes: Uint8Array): string {
  return toHex(codeHash(bytes));
}
