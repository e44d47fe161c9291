/**
 * The bincode (legacy, fixed-width little-endian) pieces Fluent's envelopes are made of, with
 * every read bounds-checked: a short or inconsistent envelope is `MalformedEnvelope`, naming
 * what was being read and where, and no length is trusted beyond the bytes that are there.
 */
import { RwasmError } from '../errors.js';

export function malformedEnvelope(what: string, message: string): RwasmError {
  return new RwasmError('MalformedEnvelope', `${what}: ${message}`);
}

export class EnvelopeWriter {
  private buffer = new Uint8Array(256);
  private length = 0;

  private room(n: number): number {
    if (this.length + n > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.length + n, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(value: number): this {
    const at = this.room(1);
    this.buffer[at] = value;
    return this;
  }

  u32(value: number): this {
    const at = this.room(4);
    for (let i = 0; i < 4; i++) this.buffer[at + i] = (value >>> (8 * i)) & 0xff;
    return this;
  }

  u64(value: bigint | number): this {
    const v = BigInt.asUintN(64, BigInt(value));
    this.u32(Number(v & 0xffffffffn));
    return this.u32(Number(v >> 32n));
  }

  raw(bytes: Uint8Array): this {
    const at = this.room(bytes.length); // first: it may move the buffer
    this.buffer.set(bytes, at);
    return this;
  }

  /** A u64 length, then the bytes (bincode's `Vec<u8>` / `Bytes`). */
  bytes(bytes: Uint8Array): this {
    return this.u64(bytes.length).raw(bytes);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export class EnvelopeReader {
  private at = 0;

  constructor(
    private readonly data: Uint8Array,
    /** What is being decoded, for the error messages. */
    private readonly what: string,
  ) {
    if (!(data instanceof Uint8Array)) throw malformedEnvelope(what, 'not a Uint8Array');
  }

  get remaining(): number {
    return this.data.length - this.at;
  }

  raw(n: number, field: string): Uint8Array {
    if (n > this.remaining) throw malformedEnvelope(this.what, `${field} at byte ${this.at} needs ${n} bytes, ${this.remaining} left`);
    const out = this.data.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u8(field: string): number {
    return this.raw(1, field)[0]!;
  }

  bool(field: string): boolean {
    const at = this.at;
    const value = this.u8(field);
    if (value > 1) throw malformedEnvelope(this.what, `${field} at byte ${at} is ${value}, not 0 or 1`);
    return value === 1;
  }

  u32(field: string): number {
    const b = this.raw(4, field);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  i32(field: string): number {
    return this.u32(field) | 0;
  }

  u64(field: string): bigint {
    const lo = this.u32(field);
    return (BigInt(this.u32(field)) << 32n) | BigInt(lo);
  }

  i64(field: string): bigint {
    return BigInt.asIntN(64, this.u64(field));
  }

  /** A u64 length and that many bytes; a length past the end is refused before anything is allocated. */
  bytes(field: string): Uint8Array {
    const at = this.at;
    const length = this.u64(`${field} length`);
    if (length > BigInt(this.remaining)) throw malformedEnvelope(this.what, `${field} at byte ${at} says ${length} bytes, ${this.remaining} left`);
    return this.raw(Number(length), field);
  }

  /** A count of items `itemBytes` long each, checked against what is left. */
  count(field: string, width: 'u32' | 'u64', itemBytes: number): number {
    const at = this.at;
    const count = width === 'u32' ? BigInt(this.u32(field)) : this.u64(field);
    if (count * BigInt(itemBytes) > BigInt(this.remaining)) throw malformedEnvelope(this.what, `${field} at byte ${at} is ${count}, more than the ${this.remaining} bytes left can hold`);
    return Number(count);
  }

  /** Nothing may follow the last field. */
  end(): void {
    if (this.remaining !== 0) throw malformedEnvelope(this.what, `${this.remaining} trailing byte(s) at byte ${this.at}`);
  }
}

/** A U256 as 32 bytes, big-endian (SharedContextInputV1) or little-endian (storage words). */
export function u256Bytes(value: bigint, littleEndian: boolean): Uint8Array {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 256n) throw new RwasmError('InvalidArgument', `${String(value)} is not a U256`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, value >>= 8n) out[littleEndian ? i : 31 - i] = Number(value & 0xffn);
  return out;
}

export function u256Of(bytes: Uint8Array, littleEndian: boolean): bigint {
  let value = 0n;
  for (let i = 0; i < 32; i++) value = (value << 8n) | BigInt(bytes[littleEndian ? 31 - i : i]!);
  return value;
}

export function checkAddress(address: Uint8Array, field: string): Uint8Array {
  if (!(address instanceof Uint8Array) || address.length !== 20) throw new RwasmError('InvalidArgument', `${field} must be 20 bytes`);
  return address;
}
