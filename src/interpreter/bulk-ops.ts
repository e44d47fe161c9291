/**
 * The bulk memory and table instructions, shared by both engines (the stepper and the block
 * engine) so they cannot drift apart. Each takes its operands as the reference pops them and
 * returns the TrapCode it ends with, or OK. Their work is proportional to their length operand:
 * with bulk-op fuel on, the compiler charges `(n + 63) >> 6` (memory) or `(n + 15) >> 4`
 * (tables) before them.
 */
import { TrapCode } from '../format/trap-codes.js';
import type { Store } from './store.js';
import { Table } from './store.js';

export const OK = -1;
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_I32 = new Int32Array(0);

/** `memory.fill`: offsets and length are read as signed 32-bit, exactly like the reference. */
export function memoryFill(store: Store, d: number, value: number, n: number): number {
  const memory = store.memory.bytes;
  if (d < 0 || n < 0 || d + n > memory.length) return TrapCode.MemoryOutOfBounds;
  memory.fill(value & 0xff, d, d + n);
  return OK;
}

export function memoryCopy(store: Store, d: number, s: number, n: number): number {
  const memory = store.memory.bytes;
  if (s < 0 || n < 0 || s + n > memory.length || d < 0 || d + n > memory.length) return TrapCode.MemoryOutOfBounds;
  memory.copyWithin(d, s, s + n);
  return OK;
}

/** The segment index only selects a drop flag; `s` is an offset into the whole data section. */
export function memoryInit(store: Store, data: Uint8Array, segment: number, d: number, s: number, n: number): number {
  const memory = store.memory.bytes;
  const source = store.dataDropped.isDropped(segment) ? EMPTY_U8 : data;
  if (d < 0 || n < 0 || d + n > memory.length || s < 0 || s + n > source.length) return TrapCode.MemoryOutOfBounds;
  memory.set(source.subarray(s, s + n), d);
  return OK;
}

/** `table.grow` creates the table on first use; answers the old size or -1. */
export function tableGrow(store: Store, t: number, init: number, delta: number): number {
  const table = store.tables[t] ?? (store.tables[t] = new Table());
  return table.grow(delta >>> 0, init);
}

export function tableFill(table: Table, i: number, value: number, n: number): number {
  i >>>= 0;
  n >>>= 0;
  if (i + n > table.size) return TrapCode.TableOutOfBounds;
  table.elements.fill(value, i, i + n);
  return OK;
}

export function tableCopy(dst: Table, src: Table, d: number, s: number, n: number): number {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (d + n > dst.size || s + n > src.size) return TrapCode.TableOutOfBounds;
  if (dst === src) dst.elements.copyWithin(d, s, s + n);
  else dst.elements.set(src.elements.subarray(s, s + n), d);
  return OK;
}

export function tableInit(store: Store, table: Table, elem: Int32Array, segment: number, d: number, s: number, n: number): number {
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  const source = store.elemDropped.isDropped(segment) ? EMPTY_I32 : elem;
  if (d + n > table.size || s + n > source.length) return TrapCode.TableOutOfBounds;
  table.elements.set(source.subarray(s, s + n), d);
  return OK;
}
