/**
 * A small Wasm binary writer for tests that must run without wabt (e.g. under --jitless):
 * sections are assembled from plain data, function bodies from operator byte lists.
 */
export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f } as const;

export function uleb(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

export function sleb(value: number | bigint): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** Common operators as bytes. */
export const op = {
  unreachable: [0x00],
  nop: [0x01],
  block: (bt = 0x40) => [0x02, bt],
  loop: (bt = 0x40) => [0x03, bt],
  if: (bt = 0x40) => [0x04, bt],
  else: [0x05],
  end: [0x0b],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  brTable: (targets: number[], dflt: number) => [0x0e, ...uleb(targets.length), ...targets.flatMap((t) => uleb(t)), ...uleb(dflt)],
  return: [0x0f],
  call: (f: number) => [0x10, ...uleb(f)],
  callIndirect: (type: number, table = 0) => [0x11, ...uleb(type), ...uleb(table)],
  drop: [0x1a],
  select: [0x1b],
  localGet: (i: number) => [0x20, ...uleb(i)],
  localSet: (i: number) => [0x21, ...uleb(i)],
  localTee: (i: number) => [0x22, ...uleb(i)],
  globalGet: (i: number) => [0x23, ...uleb(i)],
  globalSet: (i: number) => [0x24, ...uleb(i)],
  i32Load: (offset = 0, align = 2) => [0x28, ...uleb(align), ...uleb(offset)],
  i64Load: (offset = 0, align = 3) => [0x29, ...uleb(align), ...uleb(offset)],
  i32Store: (offset = 0, align = 2) => [0x36, ...uleb(align), ...uleb(offset)],
  memorySize: [0x3f, 0x00],
  memoryGrow: [0x40, 0x00],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i64Const: (v: bigint) => [0x42, ...sleb(v)],
  f32Const: (bits: number) => [0x43, bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, bits >>> 24],
  i32Eqz: [0x45],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i64Add: [0x7c],
  i64Mul: [0x7e],
  i64And: [0x83],
  f32Add: [0x92],
  i32WrapI64: [0xa7],
  refFunc: (f: number) => [0xd2, ...uleb(f)],
  memoryInit: (seg: number) => [0xfc, 0x08, ...uleb(seg), 0x00],
  dataDrop: (seg: number) => [0xfc, 0x09, ...uleb(seg)],
  memoryFill: [0xfc, 0x0b, 0x00],
};

export interface FuncDef {
  type: number;
  locals?: Array<[count: number, type: number]>;
  body: number[][];
}

export interface ModuleDef {
  types?: Array<[params: number[], results: number[]]>;
  imports?: Array<
    | { module: string; name: string; func: number }
    | { module: string; name: string; global: [type: number, mutable: boolean] }
    | { module: string; name: string; memory: [min: number, max?: number] }
    | { module: string; name: string; table: [type: number, min: number, max?: number] }
  >;
  funcs?: FuncDef[];
  tables?: Array<[type: number, min: number, max?: number]>;
  memory?: [min: number, max?: number];
  globals?: Array<{ type: number; mutable?: boolean; init: number[] }>;
  exports?: Array<{ name: string; kind: 'func' | 'table' | 'memory' | 'global'; index: number }>;
  start?: number;
  /** Raw element segments (already encoded, each starting with its flags). */
  elements?: number[][];
  datas?: Array<{ offset?: number[]; bytes: number[] }>;
  dataCount?: boolean;
  customs?: Array<{ name: string; bytes: number[] }>;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function limits(min: number, max?: number): number[] {
  return max === undefined ? [0x00, ...uleb(min)] : [0x01, ...uleb(min), ...uleb(max)];
}

const KIND = { func: 0, table: 1, memory: 2, global: 3 } as const;

export function buildWasm(def: ModuleDef): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (def.types) out.push(...section(1, vec(def.types.map(([p, r]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))]))));
  if (def.imports) {
    out.push(
      ...section(
        2,
        vec(
          def.imports.map((imp) => {
            const head = [...name(imp.module), ...name(imp.name)];
            if ('func' in imp) return [...head, 0x00, ...uleb(imp.func)];
            if ('table' in imp) return [...head, 0x01, imp.table[0], ...limits(imp.table[1], imp.table[2])];
            if ('memory' in imp) return [...head, 0x02, ...limits(imp.memory[0], imp.memory[1])];
            return [...head, 0x03, imp.global[0], imp.global[1] ? 1 : 0];
          }),
        ),
      ),
    );
  }
  if (def.funcs) out.push(...section(3, vec(def.funcs.map((f) => uleb(f.type)))));
  if (def.tables) out.push(...section(4, vec(def.tables.map(([t, min, max]) => [t, ...limits(min, max)]))));
  if (def.memory) out.push(...section(5, vec([limits(def.memory[0], def.memory[1])])));
  if (def.globals) out.push(...section(6, vec(def.globals.map((g) => [g.type, g.mutable ? 1 : 0, ...g.init, 0x0b]))));
  if (def.exports) out.push(...section(7, vec(def.exports.map((e) => [...name(e.name), KIND[e.kind], ...uleb(e.index)]))));
  if (def.start !== undefined) out.push(...section(8, uleb(def.start)));
  if (def.elements) out.push(...section(9, vec(def.elements)));
  if (def.dataCount) out.push(...section(12, uleb(def.datas?.length ?? 0)));
  if (def.funcs) {
    out.push(
      ...section(
        10,
        vec(
          def.funcs.map((f) => {
            const body = [...vec((f.locals ?? []).map(([n, t]) => [...uleb(n), t])), ...f.body.flat(), 0x0b];
            return [...uleb(body.length), ...body];
          }),
        ),
      ),
    );
  }
  if (def.datas) {
    out.push(
      ...section(
        11,
        vec(def.datas.map((d) => (d.offset ? [0x00, ...d.offset, 0x0b, ...vec(d.bytes.map((b) => [b]))] : [0x01, ...vec(d.bytes.map((b) => [b]))]))),
      ),
    );
  }
  for (const c of def.customs ?? []) out.push(...section(0, [...name(c.name), ...c.bytes]));
  return Uint8Array.from(out);
}
