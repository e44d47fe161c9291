/** RLP encoding (Ethereum's), for contract addresses and the logs hash. */
export type RlpItem = Uint8Array | readonly RlpItem[];

function lengthPrefix(length: number, offset: number): number[] {
  if (length < 56) return [offset + length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [offset + 55 + bytes.length, ...bytes];
}

export function rlpEncode(item: RlpItem): Uint8Array {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0]! < 0x80) return item.slice();
    return Uint8Array.from([...lengthPrefix(item.length, 0x80), ...item]);
  }
  const parts = item.map(rlpEncode);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(lengthPrefix(total, 0xc0).length + total);
  const prefix = lengthPrefix(total, 0xc0);
  out.set(prefix);
  let at = prefix.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A non-negative integer as RLP wants it: big-endian, no leading zeros (0 is empty). */
export function rlpInteger(value: bigint): Uint8Array {
  const bytes: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  return Uint8Array.from(bytes);
}
