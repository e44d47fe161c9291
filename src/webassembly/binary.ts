/**
 * The rewrite that lets rWasm compile a module which imports its memory or a table, has a start
 * function, or has a table without a maximum. rWasm's compiler takes only function and global
 * imports, and its init code runs every active segment and the start function before an
 * embedder can step in. So the rewritten module defines the imported memory and tables itself,
 * empty (the instance puts the imported objects in their place before anything runs), its active
 * segments become passive ones with the same indices (the instance copies them at instantiation,
 * against the real sizes, in the JS API's order), and it has no start section (the instance calls
 * the start function once the segments are in). A table without a maximum gets a large one, as
 * the compiler caps `table.grow` at 1024 otherwise. Function, table, memory and segment indices
 * do not move.
 *
 * The input has been parsed and validated already: this walks it without checking again.
 */
import { WasmReader } from '../compiler/wasm/reader.js';
import { ExternalKind, SectionId, type WasmModule } from '../compiler/wasm/module.js';

/** The rewritten binary, and which of the instance's jobs it hands over. */
export interface LinkingRewrite {
  readonly bytes: Uint8Array;
  /** Active data segments are passive now: the instance copies them. */
  readonly passiveData: boolean;
  /** Active element segments are passive now: the instance copies them. */
  readonly passiveElements: boolean;
  /** The start section is gone: the instance calls the start function. */
  readonly startRemoved: boolean;
}

// Canonical section order (DataCount sits between Element and Code).
const ORDER: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12 };

/**
 * The maximum a table without one is given: the compiler bakes `maximum ?? 1024` (rWasm's table
 * size) into `table.grow`, and here tables may grow as far as V8's do.
 */
export const UNBOUNDED_TABLE_MAXIMUM = 10_000_000;

export function needsLinkingRewrite(module: WasmModule): boolean {
  return (
    module.start !== undefined ||
    module.imports.some((i) => i.kind === ExternalKind.Memory || i.kind === ExternalKind.Table) ||
    module.tables.some((t) => t.limits.max === undefined)
  );
}

export function rewriteForLinking(bytes: Uint8Array, module: WasmModule): LinkingRewrite {
  const importedTables: Uint8Array[] = [];
  let importedMemory: Uint8Array | undefined;
  for (const imp of module.imports) {
    if (imp.kind === ExternalKind.Table) importedTables.push(concat([Uint8Array.of(imp.table.element), limits(0, imp.table.limits.max ?? UNBOUNDED_TABLE_MAXIMUM)]));
    if (imp.kind === ExternalKind.Memory) importedMemory = limits(0, imp.memory.max);
  }
  const passiveElements = importedTables.length > 0;
  const passiveData = importedMemory !== undefined;
  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  let tablesPending = importedTables.length > 0;
  let memoryPending = importedMemory !== undefined;
  const flushBefore = (order: number): void => {
    if (tablesPending && order > 4) {
      out.push(section(SectionId.Table, concat([uleb(importedTables.length), ...importedTables])));
      tablesPending = false;
    }
    if (memoryPending && order > 5) {
      out.push(section(SectionId.Memory, concat([uleb(1), importedMemory!])));
      memoryPending = false;
    }
  };
  const r = new WasmReader(bytes, 8);
  while (!r.eof) {
    const sectionStart = r.pos;
    const id = r.u8();
    const size = r.u32();
    const payload = bytes.subarray(r.pos, r.pos + size);
    r.pos += size;
    const whole = bytes.subarray(sectionStart, r.pos);
    if (id !== SectionId.Custom) flushBefore(ORDER[id]!);
    switch (id) {
      case SectionId.Import:
        out.push(section(id, withoutMemoryAndTableImports(payload)));
        break;
      case SectionId.Table: {
        const defined = module.tables.slice(module.importedTables).map((t) => concat([Uint8Array.of(t.element), limits(t.limits.min, t.limits.max ?? UNBOUNDED_TABLE_MAXIMUM)]));
        out.push(section(id, concat([uleb(importedTables.length + defined.length), ...importedTables, ...defined])));
        tablesPending = false;
        break;
      }
      case SectionId.Start:
        break;
      case SectionId.Element:
        out.push(passiveElements ? section(id, passiveElementSegments(payload)) : whole);
        break;
      case SectionId.Data:
        out.push(passiveData ? section(id, passiveDataSegments(payload)) : whole);
        break;
      default:
        out.push(whole);
    }
  }
  flushBefore(Number.MAX_SAFE_INTEGER);
  return { bytes: concat(out), passiveData, passiveElements, startRemoved: module.start !== undefined };
}

function withoutMemoryAndTableImports(payload: Uint8Array): Uint8Array {
  const r = new WasmReader(payload);
  const count = r.u32();
  const kept: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    skipName(r); // module name
    skipName(r); // field name
    const kind = r.u8();
    switch (kind) {
      case ExternalKind.Func:
        r.u32();
        break;
      case ExternalKind.Table:
        r.u8();
        skipLimits(r);
        break;
      case ExternalKind.Memory:
        skipLimits(r);
        break;
      case ExternalKind.Global:
        r.pos += 2;
        break;
    }
    if (kind !== ExternalKind.Table && kind !== ExternalKind.Memory) kept.push(payload.subarray(start, r.pos));
  }
  return concat([uleb(kept.length), ...kept]);
}

function passiveElementSegments(payload: Uint8Array): Uint8Array {
  const r = new WasmReader(payload);
  const count = r.u32();
  const out: Uint8Array[] = [uleb(count)];
  for (let i = 0; i < count; i++) {
    const flags = r.u32();
    const active = (flags & 1) === 0;
    const explicitTable = (flags & 2) !== 0;
    const expressions = (flags & 4) !== 0;
    if (active && explicitTable) r.u32();
    if (active) skipConstExpr(r);
    // Flags 0 and 4 imply the element kind; every other form spells it out.
    const kind = active && !explicitTable ? (expressions ? 0x70 : 0x00) : r.u8();
    const itemsStart = r.pos;
    const items = r.u32();
    for (let j = 0; j < items; j++) {
      if (expressions) skipConstExpr(r);
      else r.u32();
    }
    const body = payload.subarray(itemsStart, r.pos);
    if (!active) out.push(uleb(flags), Uint8Array.of(kind), body);
    else out.push(uleb(expressions ? 5 : 1), Uint8Array.of(kind), body);
  }
  return concat(out);
}

function passiveDataSegments(payload: Uint8Array): Uint8Array {
  const r = new WasmReader(payload);
  const count = r.u32();
  const out: Uint8Array[] = [uleb(count)];
  for (let i = 0; i < count; i++) {
    const flags = r.u32();
    if (flags === 2) r.u32();
    if (flags !== 1) skipConstExpr(r);
    const bodyStart = r.pos;
    skipName(r); // a vec(byte), read as a name is
    out.push(uleb(1), payload.subarray(bodyStart, r.pos));
  }
  return concat(out);
}

function skipConstExpr(r: WasmReader): void {
  for (;;) {
    const op = r.u8();
    switch (op) {
      case 0x0b:
        return;
      case 0x41: case 0x42: case 0x23: case 0xd2:
        skipLeb(r);
        break;
      case 0x43:
        r.pos += 4;
        break;
      case 0x44:
        r.pos += 8;
        break;
      case 0xd0:
        skipLeb(r);
        break;
      default:
        break; // i32/i64 add, sub, mul (extended constant expressions) take no immediate
    }
  }
}

function skipName(r: WasmReader): void {
  const length = r.u32();
  r.pos += length;
}

function skipLeb(r: WasmReader): void {
  while (r.u8() & 0x80);
}

function skipLimits(r: WasmReader): void {
  const flags = r.u8();
  r.u32();
  if (flags & 1) r.u32();
}

function limits(min: number, max: number | undefined): Uint8Array {
  return max === undefined ? concat([Uint8Array.of(0), uleb(min)]) : concat([Uint8Array.of(1), uleb(min), uleb(max)]);
}

function section(id: number, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(id), uleb(payload.length), payload]);
}

function uleb(value: number): Uint8Array {
  const bytes: number[] = [];
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    bytes.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
  return Uint8Array.from(bytes);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
