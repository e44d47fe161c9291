/**
 * Wasm values at the JS boundary, as the JS API converts them (ToWebAssemblyValue and ToJSValue),
 * and as rWasm keeps them: 32-bit words, an i64 or f64 as two (low word first), a reference as
 * one word that is 0 for null.
 */
import { toLinkerType, type ValueType } from '../compiler/wasm/types.js';
import { RwasmError } from '../errors.js';
import type { ValType } from '../format/import-linker.js';

/** A Wasm value type by its JS API name (the import linker's `ValType`: the same spellings). */
export type ValueTypeName = ValType;

export function valueTypeName(type: ValueType): ValueTypeName {
  const name = toLinkerType(type);
  if (name === undefined) throw new RwasmError('NotSupportedLocalType', `value type 0x${type.toString(16)} has no JS API name`);
  return name;
}

/** The JS API's spellings of a value type (a descriptor's `value` or `element`), or undefined. */
export function parseValueTypeName(name: unknown): ValueTypeName | undefined {
  switch (name) {
    case 'i32': case 'i64': case 'f32': case 'f64': case 'externref':
      return name;
    case 'anyfunc': case 'funcref':
      return 'funcref';
    default:
      return undefined;
  }
}

export function isWide(type: ValueTypeName): boolean {
  return type === 'i64' || type === 'f64';
}

export function wordCount(types: readonly ValueTypeName[]): number {
  let words = 0;
  for (const type of types) words += isWide(type) ? 2 : 1;
  return words;
}

/**
 * JS values behind externref words. Handles are never reused: a word may sit anywhere (a table,
 * a global, a local of a suspended frame) where nothing tells when the value is dropped. One
 * value always gets the same handle, so the registry grows with the distinct values passed.
 */
class ExternRegistry {
  private readonly values: unknown[] = [null];
  private readonly handles = new Map<unknown, number>();

  toWord(value: unknown): number {
    if (value === null) return 0;
    let handle = this.handles.get(value);
    if (handle === undefined) {
      handle = this.values.length;
      if (handle > 0xffffffff) throw new RangeError('externref registry exhausted (2^32 distinct values)');
      this.values.push(value);
      this.handles.set(value, handle);
    }
    return handle;
  }

  fromWord(word: number): unknown {
    const handle = word >>> 0;
    return handle === 0 || handle >= this.values.length ? null : this.values[handle];
  }
}

export const externRefs = new ExternRegistry();

/** Turns funcref words into JS functions and back; an instance resolves its own pcs. */
export interface FunctionRefs {
  functionAt(pc: number): ((...args: unknown[]) => unknown) | null;
  /** The pc of an exported Wasm function of this instance, or throws TypeError for anything else. */
  pcOf(value: unknown): number;
}

const F32_SCRATCH = new Float32Array(1);
const F64_SCRATCH = new Float64Array(1);
const U32_OF_F32 = new Uint32Array(F32_SCRATCH.buffer);
const U32_OF_F64 = new Uint32Array(F64_SCRATCH.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LOW = LITTLE_ENDIAN ? 0 : 1;
const HIGH = 1 - LOW;

/** ToBigInt: a Number is a TypeError (as in the JS API: an i64 takes a BigInt). */
export function toBigInt64(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') throw new TypeError(`cannot convert ${value} to a BigInt: an i64 takes a BigInt`);
  return BigInt(value as string | boolean);
}

/** ToNumber: unary plus, which (unlike `Number()`) refuses a BigInt with a TypeError, as the JS API does. */
function toNumber(value: unknown): number {
  return +(value as number);
}

/** Appends the words of one value of `type` to `out`. */
export function pushWords(out: number[], type: ValueTypeName, value: unknown, refs: FunctionRefs | undefined): void {
  switch (type) {
    case 'i32':
      out.push(toNumber(value) >>> 0);
      return;
    case 'f32':
      F32_SCRATCH[0] = toNumber(value);
      out.push(U32_OF_F32[0]!);
      return;
    case 'f64':
      F64_SCRATCH[0] = toNumber(value);
      out.push(U32_OF_F64[LOW]!, U32_OF_F64[HIGH]!);
      return;
    case 'i64': {
      const bits = BigInt.asUintN(64, toBigInt64(value));
      out.push(Number(bits & 0xffffffffn), Number(bits >> 32n));
      return;
    }
    case 'externref':
      out.push(externRefs.toWord(value));
      return;
    case 'funcref':
      if (value === null) out.push(0);
      else if (refs === undefined) throw new TypeError('a funcref needs an instance to belong to');
      else out.push(refs.pcOf(value));
      return;
  }
}

/** The JS value of the words of `type` at `words[at]` (and `words[at + 1]` for wide types). */
export function readValue(type: ValueTypeName, words: ArrayLike<number>, at: number, refs: FunctionRefs | undefined): unknown {
  switch (type) {
    case 'i32':
      return words[at]! | 0;
    case 'f32':
      U32_OF_F32[0] = words[at]!;
      return F32_SCRATCH[0]!;
    case 'f64':
      U32_OF_F64[LOW] = words[at]!;
      U32_OF_F64[HIGH] = words[at + 1]!;
      return F64_SCRATCH[0]!;
    case 'i64':
      return BigInt.asIntN(64, (BigInt(words[at + 1]! >>> 0) << 32n) | BigInt(words[at]! >>> 0));
    case 'externref':
      return externRefs.fromWord(words[at]!);
    case 'funcref':
      return refs === undefined || words[at] === 0 ? null : refs.functionAt(words[at]! >>> 0);
  }
}

/** The words of a whole parameter list. */
export function wordsOf(types: readonly ValueTypeName[], values: ArrayLike<unknown>, refs: FunctionRefs | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < types.length; i++) pushWords(out, types[i]!, values[i], refs);
  return out;
}

/** The JS values of a whole result list, read from words. */
export function valuesOf(types: readonly ValueTypeName[], words: ArrayLike<number>, refs: FunctionRefs | undefined): unknown[] {
  const values: unknown[] = [];
  let at = 0;
  for (const type of types) {
    values.push(readValue(type, words, at, refs));
    at += isWide(type) ? 2 : 1;
  }
  return values;
}

/** A function's JS result as the JS API shapes it: undefined, the one value, or an array. */
export function jsResult(values: unknown[]): unknown {
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}

/** A host function's JS result as the list of values its Wasm type declares (the JS API's iterable rule for several). */
export function hostResults(count: number, result: unknown): unknown[] {
  if (count === 0) return [];
  if (count === 1) return [result];
  if (result === null || typeof result !== 'object' || typeof (result as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`a host function with ${count} results must return an iterable`);
  }
  const values = [...(result as Iterable<unknown>)];
  if (values.length !== count) throw new TypeError(`a host function with ${count} results returned ${values.length} values`);
  return values;
}

/** The JS API's DefaultValue (a table's or global's when none is given): 0, 0n, null for funcref, undefined for externref. */
export function defaultValue(type: ValueTypeName): unknown {
  return type === 'i64' ? 0n : type === 'funcref' ? null : type === 'externref' ? undefined : 0;
}
