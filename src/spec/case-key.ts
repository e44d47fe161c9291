/**
 * Names a script command by its content, so that a table of cases (the skips) still finds
 * them in another copy or a newer version of a file, where lines have moved: the key is a hash
 * of the command's tokens, which whitespace, comments and line breaks do not change.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { tokenize } from './wast/lexer.js';
import { encodeUtf8 } from './wast/utf8.js';

/** The command's tokens as they are written, one space between each. */
export function normalizedCommandText(source: string, start: number, end: number): string {
  const text = source.slice(start, end);
  return tokenize(text)
    .map((token) => text.slice(token.start, token.end))
    .join(' ');
}

/** 16 hex digits of the SHA-256 of the normalized text: collisions within a testsuite are not a concern at 64 bits. */
export function commandHash(source: string, start: number, end: number): string {
  return bytesToHex(sha256(encodeUtf8(normalizedCommandText(source, start, end)))).slice(0, 16);
}

/**
 * Keys for the commands of one file, in order: the hash, and `#n` for the n-th command (from 2)
 * with the same text, since some assertions repeat word for word around a change of state.
 */
export class CaseKeys {
  private readonly seen = new Map<string, number>();

  next(source: string, start: number, end: number): string {
    const hash = commandHash(source, start, end);
    const count = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, count);
    return count === 1 ? hash : `${hash}#${count}`;
  }
}
