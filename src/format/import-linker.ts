import { RwasmError } from '../errors.js';
import type { Instruction } from './instructions.js';

/** A Wasm value type as seen by syscalls: i64/f64 take two 32-bit words (low word first). */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'funcref' | 'externref';

export function wordsOf(types: readonly ValType[]): number {
  let words = 0;
  for (const type of types) words += type === 'i64' || type === 'f64' ? 2 : 1;
  return words;
}

/**
 * How an import trampoline charges fuel before its syscall (the reference's SyscallFuelParams).
 * `localDepth` picks the parameter whose value sizes the charge (1 = the last parameter).
 */
export type SyscallFuelParams =
  | { kind: 'const'; fuel: number }
  | { kind: 'linear'; localDepth: number; base: number; wordCost: number }
  | { kind: 'quadratic'; localDepth: number; wordCost: number; divisor: number; fuelDenomRate: number };

/** One host function a program may call with `Call(index)`. */
export interface ImportEntry {
  readonly module: string;
  readonly name: string;
  readonly index: number;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly fuel?: SyscallFuelParams | undefined;
  /**
   * Calls to this import compile to these instructions instead of a call to its trampoline
   * (`replace`), or to dropping the arguments (`remove`, imports without results).
   */
  readonly intrinsic?: { readonly kind: 'replace'; readonly code: readonly Instruction[] } | { readonly kind: 'remove' } | undefined;
}

/**
 * The table of host functions a program links against: Wasm imports are resolved by
 * (module, name) at compile time; the interpreter finds a syscall's signature by index.
 * Names and indices are both unique.
 */
export class ImportLinker {
  private readonly byName = new Map<string, ImportEntry>();
  private readonly byIndex = new Map<number, ImportEntry>();

  constructor(entries: Iterable<ImportEntry> = []) {
    for (const entry of entries) this.define(entry);
  }

  define(entry: ImportEntry): this {
    const key = `${entry.module}\u0000${entry.name}`;
    if (!Number.isInteger(entry.index) || entry.index < 0 || entry.index > 0xffffffff) {
      throw new RwasmError('InvalidArgument', `syscall index ${entry.index} of ${entry.module}.${entry.name} is not a u32`);
    }
    if (this.byName.has(key)) throw new RwasmError('InvalidArgument', `import ${entry.module}.${entry.name} is defined twice`);
    if (this.byIndex.has(entry.index)) throw new RwasmError('InvalidArgument', `syscall index ${entry.index} is defined twice`);
    const frozen = Object.freeze({ ...entry, params: Object.freeze([...entry.params]), results: Object.freeze([...entry.results]) });
    this.byName.set(key, frozen);
    this.byIndex.set(entry.index, frozen);
    return this;
  }

  resolve(module: string, name: string): ImportEntry | undefined {
    return this.byName.get(`${module}\u0000${name}`);
  }

  byIndexOf(index: number): ImportEntry | undefined {
    return this.byIndex.get(index);
  }

  entries(): IterableIterator<ImportEntry> {
    return this.byIndex.values();
  }
}
