/**
 * Wasm types as their binary codes, so type stacks can live in typed arrays.
 */
import type { ValType as LinkerValType } from '../../format/import-linker.js';

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;
/** The validator's "any type" of a polymorphic (unreachable) stack. */
export const UNKNOWN = 0;

export type ValueType = number;

export function isValueType(code: number): boolean {
  return code === I32 || code === I64 || code === F32 || code === F64 || code === V128 || code === FUNCREF || code === EXTERNREF;
}

export function isRefType(type: ValueType): boolean {
  return type === FUNCREF || type === EXTERNREF;
}

export function isNumType(type: ValueType): boolean {
  return type === I32 || type === I64 || type === F32 || type === F64;
}

/** 32-bit stack words a value of this type takes in rWasm. */
export function wordsOf(type: ValueType): number {
  return type === I64 || type === F64 ? 2 : 1;
}

export function typeName(type: ValueType): string {
  switch (type) {
    case I32: return 'i32';
    case I64: return 'i64';
    case F32: return 'f32';
    case F64: return 'f64';
    case V128: return 'v128';
    case FUNCREF: return 'funcref';
    case EXTERNREF: return 'externref';
    default: return 'unknown';
  }
}

export function toLinkerType(type: ValueType): LinkerValType | undefined {
  switch (type) {
    case I32: return 'i32';
    case I64: return 'i64';
    case F32: return 'f32';
    case F64: return 'f64';
    case FUNCREF: return 'funcref';
    case EXTERNREF: return 'externref';
    default: return undefined;
  }
}

export interface FuncType {
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

export function sameFuncType(a: FuncType, b: FuncType): boolean {
  if (a.params.length !== b.params.length || a.results.length !== b.results.length) return false;
  for (let i = 0; i < a.params.length; i++) if (a.params[i] !== b.params[i]) return false;
  for (let i = 0; i < a.results.length; i++) if (a.results[i] !== b.results[i]) return false;
  return true;
}

export function loweredLength(types: readonly ValueType[]): number {
  let words = 0;
  for (const t of types) words += wordsOf(t);
  return words;
}

export interface Limits {
  readonly min: number;
  readonly max: number | undefined;
}

export interface TableType {
  readonly element: ValueType;
  readonly limits: Limits;
}

export interface GlobalType {
  readonly type: ValueType;
  readonly mutable: boolean;
}
