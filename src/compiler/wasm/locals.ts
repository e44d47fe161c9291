import { malformed, type WasmReader } from './reader.js';
import { MAX_FUNCTION_LOCALS } from './module.js';
import { isValueType, type ValueType } from './types.js';

export interface LocalGroups {
  /** Parameters followed by every declared local, one entry per local. */
  readonly all: ValueType[];
  readonly counts: number[];
  readonly types: ValueType[];
  /** Declared locals (saturating at u32::MAX, as the reference sums them). */
  readonly declared: number;
}

/** Reads a function body's local declarations, enforcing the 50 000-locals limit. */
export function readLocals(reader: WasmReader, params: readonly ValueType[]): LocalGroups {
  const groups = reader.u32();
  const all: ValueType[] = [...params];
  const counts: number[] = [];
  const types: ValueType[] = [];
  let declared = 0;
  for (let i = 0; i < groups; i++) {
    const at = reader.pos;
    const count = reader.u32();
    const typeAt = reader.pos;
    const t = reader.u8();
    if (!isValueType(t)) malformed('malformed value type', typeAt);
    if (all.length + count > MAX_FUNCTION_LOCALS) malformed('too many locals', at);
    for (let k = 0; k < count; k++) all.push(t);
    counts.push(count);
    types.push(t);
    declared = Math.min(declared + count, 0xffffffff);
  }
  return { all, counts, types, declared };
}
