/**
 * The constants of a script: arguments of an action (`WastValue`) and expected results
 * (`WastExpected`, which also admits NaN patterns, "any non-null" reference patterns and `either`).
 */
import { WastSyntaxError } from './errors.js';
import { F32_FORMAT, F64_FORMAT, parseF32Bits, parseF64Bits, parseFloatBits } from './float-literals.js';
import { describe, expectEnd, fail, headOf, isList } from './forms.js';
import { parseI32, parseI64, parseIntBits, parseU32 } from './numbers.js';
import type { SExpr, SList } from './sexpr.js';
import type { V128Shape, WastExpected, WastLane, WastValue } from './types.js';

/** Heap types a `(ref.null …)` may name besides func/extern (and their bottoms), which rWasm has no values of. */
const OTHER_HEAP_TYPES = new Set(['any', 'eq', 'i31', 'struct', 'array', 'none', 'exn', 'noexn', 'cont', 'nocont']);

/** `(ref.KIND)` without an argument, in an expected result: any non-null reference of that kind. */
const NON_NULL_PATTERNS = new Set(['struct', 'array', 'i31', 'eq', 'any', 'exn']);

const V128_LANES: Record<V128Shape, { count: number; bits: number; float: boolean }> = {
  i8x16: { count: 16, bits: 8, float: false },
  i16x8: { count: 8, bits: 16, float: false },
  i32x4: { count: 4, bits: 32, float: false },
  i64x2: { count: 2, bits: 64, float: false },
  f32x4: { count: 4, bits: 32, float: true },
  f64x2: { count: 2, bits: 64, float: true },
};

export function parseExpected(expr: SExpr): WastExpected {
  if (isList(expr, 'either')) {
    if (expr.items.length < 2) fail(expr.line, '(either) needs at least one result');
    return { type: 'either', options: expr.items.slice(1).map((item) => parseExpected(item)) };
  }
  return parseConst(expr, true);
}

/** An action's argument. */
export function parseValue(expr: SExpr): WastValue {
  // Without `result`, parseConst only returns plain values.
  return parseConst(expr, false) as WastValue;
}

/** Converts a literal with `f`, turning its RangeError or SyntaxError into a WastSyntaxError at `line`. */
function convert<T>(text: string, line: number, f: (text: string) => T): T {
  try {
    return f(text);
  } catch (e) {
    if (e instanceof WastSyntaxError) throw e;
    return fail(line, (e as Error).message);
  }
}

/** A `(type.const …)` or reference value; `result` admits the NaN and "any" patterns. */
function parseConst(expr: SExpr, result: boolean): WastExpected {
  if (expr.kind !== 'list') return fail(expr.line, `expected a constant, found ${describe(expr)}`);
  const head = headOf(expr);
  const arg = expr.items[1];
  const line = arg !== undefined ? arg.line : expr.line;
  const literal = (): string => {
    if (arg === undefined || arg.kind !== 'atom') return fail(line, `expected a literal in (${head} …), found ${describe(arg)}`);
    expectEnd(expr, 2);
    return arg.text;
  };
  switch (head) {
    case 'i32.const':
      return { type: 'i32', value: convert(literal(), line, parseI32) };
    case 'i64.const':
      return { type: 'i64', value: convert(literal(), line, parseI64) };
    case 'f32.const':
    case 'f64.const': {
      const text = literal();
      const type = head === 'f32.const' ? 'f32' : 'f64';
      if (text === 'nan:canonical' || text === 'nan:arithmetic') {
        if (!result) fail(expr.line, `${text} is only allowed in an expected result`);
        return { type, nan: text === 'nan:canonical' ? 'canonical' : 'arithmetic' };
      }
      return type === 'f32' ? { type, bits: convert(text, line, parseF32Bits) } : { type, bits: convert(text, line, parseF64Bits) };
    }
    case 'v128.const':
      return parseV128(expr, result);
    case 'ref.null':
      return parseRefNull(expr, result);
    case 'ref.extern':
      if (arg === undefined) {
        if (!result) fail(expr.line, '(ref.extern) without a number is only allowed in an expected result');
        return { type: 'externref', ref: 'any' };
      }
      return { type: 'externref', ref: convert(literal(), line, parseU32) };
    case 'ref.host':
      if (arg === undefined && result) return { type: 'ref', heap: 'host', ref: 'any' };
      return { type: 'ref', heap: 'host', ref: convert(literal(), line, parseU32) };
    case 'ref.func':
      if (arg !== undefined || !result) fail(expr.line, 'only (ref.func) without an index, in an expected result, is supported');
      return { type: 'funcref', ref: 'any' };
    default: {
      const kind = head?.startsWith('ref.') ? head.slice(4) : undefined;
      if (kind !== undefined && NON_NULL_PATTERNS.has(kind)) {
        if (!result) fail(expr.line, `(${head}) is only allowed in an expected result`);
        expectEnd(expr, 1);
        return { type: 'ref', heap: kind, ref: 'any' };
      }
      return fail(expr.line, `expected a constant, found ${describe(expr)}`);
    }
  }
}

function parseRefNull(expr: SList, result: boolean): WastExpected {
  const arg = expr.items[1];
  if (arg === undefined) {
    if (!result) fail(expr.line, '(ref.null) without a heap type is only allowed in an expected result');
    return { type: 'ref', ref: null };
  }
  expectEnd(expr, 2);
  if (arg.kind === 'id') return { type: 'ref', heap: `$${arg.name}`, ref: null };
  if (arg.kind === 'atom') {
    if (arg.text === 'func' || arg.text === 'nofunc') return { type: 'funcref', ref: null };
    if (arg.text === 'extern' || arg.text === 'noextern') return { type: 'externref', ref: null };
    if (OTHER_HEAP_TYPES.has(arg.text)) return { type: 'ref', heap: arg.text, ref: null };
    if (/^[0-9]/.test(arg.text)) return { type: 'ref', heap: String(convert(arg.text, arg.line, parseU32)), ref: null };
  }
  return fail(arg.line, `expected a heap type in (ref.null …), found ${describe(arg)}`);
}

/** `(v128.const SHAPE lane…)`: the value's bits, or in a result its lanes (float lanes may be NaN patterns). */
function parseV128(expr: SList, result: boolean): WastExpected {
  const shapeItem = expr.items[1];
  const shape = shapeItem !== undefined && shapeItem.kind === 'atom' && shapeItem.text in V128_LANES ? (shapeItem.text as V128Shape) : undefined;
  if (shape === undefined) return fail(shapeItem?.line ?? expr.line, `expected a lane shape (i8x16 … f64x2) in (v128.const …), found ${describe(shapeItem)}`);
  const { count, bits, float } = V128_LANES[shape];
  const items = expr.items.slice(2);
  if (items.length !== count) fail(expr.line, `(v128.const ${shape} …) needs ${count} lanes, found ${items.length}`);
  const lanes: WastLane[] = items.map((item) => {
    if (item.kind !== 'atom') return fail(item.line, `expected a lane literal in (v128.const …), found ${describe(item)}`);
    if (float && (item.text === 'nan:canonical' || item.text === 'nan:arithmetic')) {
      if (!result) fail(item.line, `${item.text} is only allowed in an expected result`);
      return item.text;
    }
    return float
      ? convert(item.text, item.line, (text) => parseFloatBits(text, bits === 32 ? F32_FORMAT : F64_FORMAT))
      : convert(item.text, item.line, (text) => parseIntBits(text, bits));
  });
  if (result) return { type: 'v128', shape, lanes };
  let value = 0n;
  lanes.forEach((lane, index) => (value |= (lane as bigint) << BigInt(index * bits)));
  return { type: 'v128', bits: value };
}
