/**
 * Wasm module structure: sections are decoded and validated one at a time, in file order, so
 * the compiler can act on each section before the next is read (as the reference does).
 * Function bodies are only located here; they are validated while being translated.
 */
import { decodeUtf8, malformed, WasmReader } from './reader.js';
import { readRefType } from './operators.js';
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  I32,
  I64,
  isValueType,
  type FuncType,
  type GlobalType,
  type Limits,
  type TableType,
  type ValueType,
} from './types.js';

export const enum SectionId {
  Custom = 0,
  Type = 1,
  Import = 2,
  Function = 3,
  Table = 4,
  Memory = 5,
  Global = 6,
  Export = 7,
  Start = 8,
  Element = 9,
  Code = 10,
  Data = 11,
  DataCount = 12,
}

export const enum ExternalKind {
  Func = 0,
  Table = 1,
  Memory = 2,
  Global = 3,
}

/** One operator of a constant expression. */
export interface ConstOp {
  op: number;
  /** i32 value, f32 bits, global or function index, ref type. */
  a: number;
  /** i64 / f64 words. */
  lo: number;
  hi: number;
}

export interface ConstExpr {
  readonly ops: readonly ConstOp[];
  readonly offset: number;
}

export type Import =
  | { readonly module: string; readonly name: string; readonly kind: ExternalKind.Func; readonly typeIndex: number }
  | { readonly module: string; readonly name: string; readonly kind: ExternalKind.Table; readonly table: TableType }
  | { readonly module: string; readonly name: string; readonly kind: ExternalKind.Memory; readonly memory: Limits }
  | { readonly module: string; readonly name: string; readonly kind: ExternalKind.Global; readonly global: GlobalType };

export interface Export {
  readonly name: string;
  readonly kind: ExternalKind;
  readonly index: number;
}

export interface Global {
  readonly type: GlobalType;
  readonly init: ConstExpr;
}

export interface ElementSegment {
  readonly mode: 'active' | 'passive' | 'declared';
  readonly table: number;
  readonly offset: ConstExpr | undefined;
  readonly type: ValueType;
  /** Function indices (from a `funcs` vector) or constant expressions. */
  readonly items: readonly (number | ConstExpr)[];
}

export interface DataSegment {
  readonly mode: 'active' | 'passive';
  readonly memory: number;
  readonly offset: ConstExpr | undefined;
  readonly bytes: Uint8Array;
}

export interface FunctionBody {
  /** Byte range of the body (locals and code) within the module. */
  readonly start: number;
  readonly end: number;
}

export interface WasmModule {
  readonly bytes: Uint8Array;
  types: FuncType[];
  imports: Import[];
  /** Type index of every function, imported ones first. */
  functions: number[];
  importedFunctions: number;
  tables: TableType[];
  importedTables: number;
  memories: Limits[];
  globals: GlobalType[];
  importedGlobals: number;
  globalInits: ConstExpr[];
  exports: Export[];
  start: number | undefined;
  elements: ElementSegment[];
  dataCount: number | undefined;
  datas: DataSegment[];
  bodies: FunctionBody[];
  customSections: { name: string; bytes: Uint8Array }[];
  /** Functions a `ref.func` may name inside function bodies (spec: C.refs). */
  declaredRefs: Set<number>;
}

export const MAX_PAGES = 65536;
export const MAX_FUNCTION_LOCALS = 50000;
const MAX_TABLE_ENTRIES = 0xffffffff;

// Canonical section order; DataCount sits between Element and Code.
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12 };

/**
 * Decodes and validates a module section by section. `onSection` runs after each section
 * (custom ones included) with the module as built so far.
 */
export function parseModule(bytes: Uint8Array, onSection?: (id: SectionId, module: WasmModule) => void): WasmModule {
  const module: WasmModule = {
    bytes,
    types: [],
    imports: [],
    functions: [],
    importedFunctions: 0,
    tables: [],
    importedTables: 0,
    memories: [],
    globals: [],
    importedGlobals: 0,
    globalInits: [],
    exports: [],
    start: undefined,
    elements: [],
    dataCount: undefined,
    datas: [],
    bodies: [],
    customSections: [],
    declaredRefs: new Set(),
  };
  const r = new WasmReader(bytes);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    malformed('magic header not detected', 0);
  }
  r.pos = 4;
  if (bytes.length < 8) malformed('unexpected end', bytes.length);
  if (r.u32le() !== 1) malformed('unknown binary version', 4);

  let last = 0;
  let definedFunctions = -1;
  let codeSeen = false;
  while (!r.eof) {
    const idAt = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) malformed('section size mismatch: unexpected end', start);
    const end = start + size;
    const s = new WasmReader(bytes, start, end);
    if (id !== SectionId.Custom) {
      const order = ORDER[id];
      if (order === undefined) malformed(`malformed section id ${id}`, idAt);
      if (order <= last) malformed('unexpected content after last section', idAt);
      last = order;
    }
    switch (id) {
      case SectionId.Custom: {
        const name = s.name();
        module.customSections.push({ name, bytes: bytes.subarray(s.pos, end) });
        s.pos = end;
        break;
      }
      case SectionId.Type:
        readTypes(s, module);
        break;
      case SectionId.Import:
        readImports(s, module);
        break;
      case SectionId.Function: {
        const count = s.u32();
        definedFunctions = count;
        for (let i = 0; i < count; i++) {
          const at = s.pos;
          const typeIndex = s.u32();
          if (typeIndex >= module.types.length) malformed(`unknown type ${typeIndex}`, at);
          module.functions.push(typeIndex);
        }
        break;
      }
      case SectionId.Table: {
        const count = s.u32();
        for (let i = 0; i < count; i++) module.tables.push(readTableType(s));
        break;
      }
      case SectionId.Memory: {
        const count = s.u32();
        for (let i = 0; i < count; i++) {
          const at = s.pos;
          module.memories.push(readMemoryType(s));
          if (module.memories.length > 1) malformed('multiple memories', at);
        }
        break;
      }
      case SectionId.Global: {
        const count = s.u32();
        for (let i = 0; i < count; i++) {
          const type = readGlobalType(s);
          const init = readConstExpr(s, module, type.type);
          module.globals.push(type);
          module.globalInits.push(init);
        }
        break;
      }
      case SectionId.Export:
        readExports(s, module);
        break;
      case SectionId.Start: {
        const at = s.pos;
        const index = s.u32();
        if (index >= module.functions.length) malformed(`unknown function ${index}`, at);
        const type = module.types[module.functions[index]!]!;
        if (type.params.length !== 0 || type.results.length !== 0) malformed('start function: type mismatch', at);
        module.start = index;
        break;
      }
      case SectionId.Element:
        readElements(s, module);
        break;
      case SectionId.DataCount:
        module.dataCount = s.u32();
        break;
      case SectionId.Code: {
        codeSeen = true;
        const at = s.pos;
        const count = s.u32();
        if (count !== Math.max(definedFunctions, 0)) malformed('function and code section have inconsistent lengths', at);
        for (let i = 0; i < count; i++) {
          const bodySize = s.u32();
          const bodyStart = s.pos;
          if (bodySize > end - bodyStart) malformed('unexpected end', bodyStart);
          module.bodies.push({ start: bodyStart, end: bodyStart + bodySize });
          s.pos = bodyStart + bodySize;
        }
        break;
      }
      case SectionId.Data:
        readDatas(s, module);
        break;
    }
    if (s.pos !== end) malformed('section size mismatch', s.pos);
    r.pos = end;
    onSection?.(id, module);
  }
  if (definedFunctions > 0 && !codeSeen) malformed('function and code section have inconsistent lengths', bytes.length);
  if (module.dataCount !== undefined && module.dataCount !== module.datas.length) {
    malformed('data count and data section have inconsistent lengths', bytes.length);
  }
  return module;
}

function readValueType(r: WasmReader): ValueType {
  const at = r.pos;
  const t = r.u8();
  if (!isValueType(t)) malformed('malformed value type', at);
  return t;
}

function readTypes(s: WasmReader, module: WasmModule): void {
  const count = s.u32();
  for (let i = 0; i < count; i++) {
    const at = s.pos;
    if (s.u8() !== 0x60) malformed('malformed function type', at);
    const paramCount = s.u32();
    if (paramCount > s.end - s.pos) malformed('unexpected end', s.pos);
    const params: ValueType[] = [];
    for (let k = 0; k < paramCount; k++) params.push(readValueType(s));
    const resultCount = s.u32();
    if (resultCount > s.end - s.pos) malformed('unexpected end', s.pos);
    const results: ValueType[] = [];
    for (let k = 0; k < resultCount; k++) results.push(readValueType(s));
    module.types.push({ params, results });
  }
}

function readLimits(r: WasmReader, maxAllowed: number, what: string): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 1) malformed(flags <= 3 ? `${what}: shared memories need the threads proposal` : 'integer too large', at);
  const min = r.u32();
  const max = flags === 1 ? r.u32() : undefined;
  if (min > maxAllowed) malformed(`${what} size must be at most ${maxAllowed}`, at);
  if (max !== undefined) {
    if (max > maxAllowed) malformed(`${what} size must be at most ${maxAllowed}`, at);
    if (max < min) malformed('size minimum must not be greater than maximum', at);
  }
  return { min, max };
}

function readTableType(r: WasmReader): TableType {
  const element = readRefType(r);
  return { element, limits: readLimits(r, MAX_TABLE_ENTRIES, 'table') };
}

function readMemoryType(r: WasmReader): Limits {
  return readLimits(r, MAX_PAGES, 'memory');
}

function readGlobalType(r: WasmReader): GlobalType {
  const type = readValueType(r);
  const at = r.pos;
  const mutability = r.u8();
  if (mutability > 1) malformed('malformed mutability', at);
  return { type, mutable: mutability === 1 };
}

function readImports(s: WasmReader, module: WasmModule): void {
  const count = s.u32();
  for (let i = 0; i < count; i++) {
    const moduleName = s.name();
    const name = s.name();
    const at = s.pos;
    const kind = s.u8();
    switch (kind) {
      case ExternalKind.Func: {
        const typeAt = s.pos;
        const typeIndex = s.u32();
        if (typeIndex >= module.types.length) malformed(`unknown type ${typeIndex}`, typeAt);
        module.imports.push({ module: moduleName, name, kind, typeIndex });
        module.functions.push(typeIndex);
        module.importedFunctions++;
        break;
      }
      case ExternalKind.Table: {
        const table = readTableType(s);
        module.imports.push({ module: moduleName, name, kind, table });
        module.tables.push(table);
        module.importedTables++;
        break;
      }
      case ExternalKind.Memory: {
        const memory = readMemoryType(s);
        module.imports.push({ module: moduleName, name, kind, memory });
        module.memories.push(memory);
        if (module.memories.length > 1) malformed('multiple memories', at);
        break;
      }
      case ExternalKind.Global: {
        const global = readGlobalType(s);
        module.imports.push({ module: moduleName, name, kind, global });
        module.globals.push(global);
        module.importedGlobals++;
        break;
      }
      default:
        malformed('malformed import kind', at);
    }
  }
}

function readExports(s: WasmReader, module: WasmModule): void {
  const count = s.u32();
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const name = s.name();
    const at = s.pos;
    const kind = s.u8();
    const index = s.u32();
    const limit =
      kind === ExternalKind.Func ? module.functions.length
      : kind === ExternalKind.Table ? module.tables.length
      : kind === ExternalKind.Memory ? module.memories.length
      : kind === ExternalKind.Global ? module.globals.length
      : malformed('malformed export kind', at);
    if (index >= limit) malformed(`unknown ${['function', 'table', 'memory', 'global'][kind]} ${index}`, at);
    if (names.has(name)) malformed('duplicate export name', at);
    names.add(name);
    if (kind === ExternalKind.Func) module.declaredRefs.add(index);
    module.exports.push({ name, kind, index });
  }
}

/**
 * A constant expression of `expected` type: constants, ref.null / ref.func, global.get of an
 * imported immutable global, and the extended-const i32/i64 add, sub and mul.
 */
export function readConstExpr(r: WasmReader, module: WasmModule, expected: ValueType): ConstExpr {
  const offset = r.pos;
  const ops: ConstOp[] = [];
  const stack: ValueType[] = [];
  const words = { lo: 0, hi: 0 };
  for (;;) {
    const at = r.pos;
    const op = r.u8();
    let a = 0;
    let lo = 0;
    let hi = 0;
    switch (op) {
      case 0x0b:
        if (stack.length !== 1 || stack[0] !== expected) malformed('type mismatch in constant expression', at);
        return { ops, offset };
      case 0x41:
        a = r.s32();
        stack.push(I32);
        break;
      case 0x42:
        r.s64(words);
        lo = words.lo;
        hi = words.hi;
        stack.push(I64);
        break;
      case 0x43:
        a = r.u32le();
        stack.push(F32);
        break;
      case 0x44:
        lo = r.u32le();
        hi = r.u32le();
        stack.push(F64);
        break;
      case 0xd0:
        a = readRefType(r);
        stack.push(a);
        break;
      case 0xd2: {
        a = r.u32();
        if (a >= module.functions.length) malformed(`unknown function ${a}`, at);
        module.declaredRefs.add(a);
        stack.push(FUNCREF);
        break;
      }
      case 0x23: {
        a = r.u32();
        if (a >= module.importedGlobals) malformed(`unknown global ${a}`, at);
        const global = module.globals[a]!;
        if (global.mutable) malformed('constant expression required', at);
        stack.push(global.type);
        break;
      }
      case 0x6a: case 0x6b: case 0x6c:
      case 0x7c: case 0x7d: case 0x7e: {
        const t = op <= 0x6c ? I32 : I64;
        const rhs = stack.pop();
        const lhs = stack.pop();
        if (lhs !== t || rhs !== t) malformed('type mismatch in constant expression', at);
        stack.push(t);
        break;
      }
      default:
        malformed('constant expression required', at);
    }
    ops.push({ op, a, lo, hi });
  }
}

function readElements(s: WasmReader, module: WasmModule): void {
  const count = s.u32();
  for (let i = 0; i < count; i++) {
    const at = s.pos;
    const flags = s.u32();
    if (flags > 7) malformed('malformed elements segment kind', at);
    const passiveOrDeclared = (flags & 1) !== 0;
    const explicitTable = (flags & 2) !== 0;
    const usesExpressions = (flags & 4) !== 0;
    let table = 0;
    let offset: ConstExpr | undefined;
    let mode: ElementSegment['mode'] = 'active';
    if (!passiveOrDeclared) {
      if (explicitTable) table = s.u32();
      if (table >= module.tables.length) malformed(`unknown table ${table}`, at);
      offset = readConstExpr(s, module, I32);
    } else {
      mode = explicitTable ? 'declared' : 'passive';
    }
    let type: ValueType = FUNCREF;
    if (passiveOrDeclared || explicitTable) {
      const kindAt = s.pos;
      if (usesExpressions) type = readRefType(s);
      else if (s.u8() !== 0x00) malformed('malformed element kind', kindAt);
    }
    const itemCount = s.u32();
    if (itemCount > s.end - s.pos) malformed('unexpected end', s.pos);
    const items: (number | ConstExpr)[] = [];
    for (let k = 0; k < itemCount; k++) {
      if (usesExpressions) {
        items.push(readConstExpr(s, module, type));
      } else {
        const fnAt = s.pos;
        const index = s.u32();
        if (index >= module.functions.length) malformed(`unknown function ${index}`, fnAt);
        module.declaredRefs.add(index);
        items.push(index);
      }
    }
    if (mode === 'active' && module.tables[table]!.element !== type) malformed('type mismatch: element segment', at);
    module.elements.push({ mode, table, offset, type, items });
  }
}

function readDatas(s: WasmReader, module: WasmModule): void {
  const count = s.u32();
  for (let i = 0; i < count; i++) {
    const at = s.pos;
    const flags = s.u32();
    let memory = 0;
    let offset: ConstExpr | undefined;
    let mode: DataSegment['mode'] = 'active';
    if (flags === 1) mode = 'passive';
    else if (flags === 0 || flags === 2) {
      if (flags === 2) memory = s.u32();
      if (memory >= module.memories.length) malformed(`unknown memory ${memory}`, at);
      offset = readConstExpr(s, module, I32);
    } else malformed('malformed data segment kind', at);
    const length = s.u32();
    const bytes = s.take(length);
    module.datas.push({ mode, memory, offset, bytes });
  }
}

export function funcTypeOf(module: WasmModule, funcIndex: number): FuncType {
  return module.types[module.functions[funcIndex]!]!;
}

export { EXTERNREF, FUNCREF, decodeUtf8 };
