/**
 * Random integer expressions over two parameters, as Wasm binaries with their results known in
 * advance from a model written here (BigInt arithmetic, Wasm's rules for wrapping, shifts and
 * traps), and the same compiled to rWasm: for property tests of anything that runs Wasm.
 */
import fc from 'fast-check';
import { compileWasm, type RwasmModule } from '../index.js';

export type IntType = 'i32' | 'i64';

/** An expression tree; `print` shows it as folded Wasm text (what fast-check reports on a failure). */
export type Expression =
  | { readonly op: 'const'; readonly type: IntType; readonly value: bigint }
  | { readonly op: 'param'; readonly type: IntType }
  | { readonly op: 'binary'; readonly type: IntType; readonly name: BinaryName; readonly left: Expression; readonly right: Expression }
  | { readonly op: 'compare'; readonly type: 'i32'; readonly operand: IntType; readonly name: CompareName; readonly left: Expression; readonly right: Expression }
  | { readonly op: 'unary'; readonly type: IntType; readonly name: UnaryName; readonly operand: Expression }
  | { readonly op: 'convert'; readonly type: IntType; readonly name: 'wrap' | 'extend_s' | 'extend_u'; readonly operand: Expression };

/** The binary operators expressions draw from (i32 and i64 alike). */
export const BINARY_OPERATORS = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr', 'div_s', 'div_u', 'rem_s', 'rem_u'] as const;
/** The comparisons expressions draw from. */
export const COMPARISONS = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'] as const;
/** The unary operators expressions draw from. */
export const UNARY_OPERATORS = ['clz', 'ctz', 'popcnt', 'eqz'] as const;
export type BinaryName = (typeof BINARY_OPERATORS)[number];
export type CompareName = (typeof COMPARISONS)[number];
export type UnaryName = (typeof UNARY_OPERATORS)[number];

/** A generated module: `run(a: i32, b: i64) -> type`, the arguments to call it with, and what it gives. */
export interface GeneratedWasm {
  readonly bytes: Uint8Array;
  readonly type: IntType;
  readonly expression: Expression;
  /** `a` (i32, as a number) and `b` (i64, as a bigint), as the JS API takes them. */
  readonly args: readonly [number, bigint];
  /** The result (signed, as the JS API returns it), or the trap Wasm requires. */
  readonly expected: { readonly kind: 'value'; readonly value: bigint } | { readonly kind: 'trap'; readonly trap: 'IntegerDivisionByZero' | 'IntegerOverflow' };
  /** The expression as folded Wasm text. */
  readonly text: string;
}

/** The same program compiled to rWasm, entered at `run`, with its arguments and results in 32-bit words. */
export interface GeneratedRwasm extends GeneratedWasm {
  readonly module: RwasmModule;
  /** Words to pass as `params` (a, then b's low and high words). */
  readonly params: readonly number[];
  readonly resultWords: number;
  /** The result words (low first for an i64), when the program returns. */
  readonly expectedWords: readonly number[] | undefined;
}

// ------------------------------------------------------------------ the model

class WasmTrap {
  constructor(readonly trap: 'IntegerDivisionByZero' | 'IntegerOverflow') {}
}

const bits = (type: IntType) => (type === 'i32' ? 32 : 64);
const wrap = (type: IntType, v: bigint) => BigInt.asIntN(bits(type), v);
const unsigned = (type: IntType, v: bigint) => BigInt.asUintN(bits(type), v);

function binary(type: IntType, name: BinaryName, a: bigint, b: bigint): bigint {
  const n = BigInt(bits(type));
  const shift = unsigned(type, b) % n;
  switch (name) {
    case 'add': return wrap(type, a + b);
    case 'sub': return wrap(type, a - b);
    case 'mul': return wrap(type, a * b);
    case 'and': return wrap(type, a & b);
    case 'or': return wrap(type, a | b);
    case 'xor': return wrap(type, a ^ b);
    case 'shl': return wrap(type, a << shift);
    case 'shr_s': return wrap(type, a >> shift);
    case 'shr_u': return wrap(type, unsigned(type, a) >> shift);
    case 'rotl': return wrap(type, (unsigned(type, a) << shift) | (unsigned(type, a) >> ((n - shift) % n)));
    case 'rotr': return wrap(type, (unsigned(type, a) >> shift) | (unsigned(type, a) << ((n - shift) % n)));
    default: {
      if (b === 0n) throw new WasmTrap('IntegerDivisionByZero');
      const min = -(1n << (n - 1n));
      if (name === 'div_s') {
        if (a === min && b === -1n) throw new WasmTrap('IntegerOverflow');
        return wrap(type, a / b); // BigInt division truncates toward zero, as Wasm's does
      }
      if (name === 'rem_s') return wrap(type, a % b);
      const [ua, ub] = [unsigned(type, a), unsigned(type, b)];
      return wrap(type, name === 'div_u' ? ua / ub : ua % ub);
    }
  }
}

function compare(type: IntType, name: CompareName, a: bigint, b: bigint): bigint {
  const [x, y] = name.endsWith('_u') ? [unsigned(type, a), unsigned(type, b)] : [a, b];
  const base = name.replace(/_[su]$/, '');
  const holds = base === 'eq' ? x === y : base === 'ne' ? x !== y : base === 'lt' ? x < y : base === 'gt' ? x > y : base === 'le' ? x <= y : x >= y;
  return holds ? 1n : 0n;
}

function unary(type: IntType, name: UnaryName, a: bigint): bigint {
  const n = bits(type);
  const u = unsigned(type, a);
  if (name === 'eqz') return a === 0n ? 1n : 0n;
  if (name === 'popcnt') return BigInt([...u.toString(2)].filter((c) => c === '1').length);
  if (u === 0n) return BigInt(n);
  return BigInt(name === 'clz' ? n - u.toString(2).length : u.toString(2).length - 1 - u.toString(2).lastIndexOf('1'));
}

/** Wasm's result for `e` with parameters a and b (left operands first: the first trap wins). */
export function evaluate(e: Expression, a: number, b: bigint): bigint {
  switch (e.op) {
    case 'const': return e.value;
    case 'param': return e.type === 'i32' ? BigInt(a | 0) : wrap('i64', b);
    case 'binary': {
      const left = evaluate(e.left, a, b);
      return binary(e.type, e.name, left, evaluate(e.right, a, b));
    }
    case 'compare': {
      const left = evaluate(e.left, a, b);
      return compare(e.operand, e.name, left, evaluate(e.right, a, b));
    }
    case 'unary': return unary(e.type, e.name, evaluate(e.operand, a, b));
    case 'convert': {
      const v = evaluate(e.operand, a, b);
      return e.name === 'wrap' ? wrap('i32', v) : e.name === 'extend_s' ? v : unsigned('i32', v);
    }
  }
}

// ------------------------------------------------------------------ text and binary

export function print(e: Expression): string {
  switch (e.op) {
    case 'const': return `(${e.type}.const ${e.value})`;
    case 'param': return `(local.get ${e.type === 'i32' ? 0 : 1})`;
    case 'binary': return `(${e.type}.${e.name} ${print(e.left)} ${print(e.right)})`;
    case 'compare': return `(${e.operand}.${e.name} ${print(e.left)} ${print(e.right)})`;
    case 'unary': return `(${e.type}.${e.name} ${print(e.operand)})`;
    case 'convert': return e.name === 'wrap' ? `(i32.wrap_i64 ${print(e.operand)})` : `(i64.${e.name === 'extend_s' ? 'extend_i32_s' : 'extend_i32_u'} ${print(e.operand)})`;
  }
}

const OPCODES: Record<IntType, Record<string, number>> = {
  i32: { eqz: 0x45, eq: 0x46, ne: 0x47, lt_s: 0x48, lt_u: 0x49, gt_s: 0x4a, gt_u: 0x4b, le_s: 0x4c, le_u: 0x4d, ge_s: 0x4e, ge_u: 0x4f, clz: 0x67, ctz: 0x68, popcnt: 0x69, add: 0x6a, sub: 0x6b, mul: 0x6c, div_s: 0x6d, div_u: 0x6e, rem_s: 0x6f, rem_u: 0x70, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, shr_s: 0x75, shr_u: 0x76, rotl: 0x77, rotr: 0x78 },
  i64: { eqz: 0x50, eq: 0x51, ne: 0x52, lt_s: 0x53, lt_u: 0x54, gt_s: 0x55, gt_u: 0x56, le_s: 0x57, le_u: 0x58, ge_s: 0x59, ge_u: 0x5a, clz: 0x79, ctz: 0x7a, popcnt: 0x7b, add: 0x7c, sub: 0x7d, mul: 0x7e, div_s: 0x7f, div_u: 0x80, rem_s: 0x81, rem_u: 0x82, and: 0x83, or: 0x84, xor: 0x85, shl: 0x86, shr_s: 0x87, shr_u: 0x88, rotl: 0x89, rotr: 0x8a },
};

function sleb(value: bigint, out: number[]): void {
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function emit(e: Expression, out: number[]): void {
  switch (e.op) {
    case 'const':
      out.push(e.type === 'i32' ? 0x41 : 0x42);
      sleb(e.value, out);
      return;
    case 'param':
      out.push(0x20, e.type === 'i32' ? 0 : 1);
      return;
    case 'binary':
    case 'compare':
      emit(e.left, out);
      emit(e.right, out);
      out.push(OPCODES[e.op === 'compare' ? e.operand : e.type][e.name]!);
      return;
    case 'unary':
      emit(e.operand, out);
      out.push(OPCODES[e.name === 'eqz' ? (e.type === 'i32' && isI64(e.operand) ? 'i64' : e.type) : e.type][e.name]!);
      return;
    case 'convert':
      emit(e.operand, out);
      out.push(e.name === 'wrap' ? 0xa7 : e.name === 'extend_s' ? 0xac : 0xad);
  }
}

const isI64 = (e: Expression) => (e.op === 'compare' ? false : e.type === 'i64');

/** A module of one exported function `run(i32, i64) -> type` whose body is `e`. */
export function moduleOf(e: Expression): Uint8Array {
  const body: number[] = [0]; // no locals beyond the two parameters
  emit(e, body);
  body.push(0x0b);
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const resultType = e.type === 'i32' ? 0x7f : 0x7e;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7e, 1, resultType]),
    ...section(3, [1, 0]),
    ...section(7, [1, 3, 0x72, 0x75, 0x6e, 0x00, 0]), // "run", function 0
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    const byte = value & 0x7f;
    value >>>= 7;
    out.push(value === 0 ? byte : byte | 0x80);
  } while (value !== 0);
  return out;
}

// ------------------------------------------------------------------ arbitraries

const interesting = (type: IntType): fc.Arbitrary<bigint> => {
  const n = bits(type);
  const edges = [0n, 1n, -1n, 2n, 31n, 32n, 63n, 64n, -(1n << BigInt(n - 1)), (1n << BigInt(n - 1)) - 1n].map((v) => wrap(type, v));
  return fc.oneof(fc.constantFrom(...edges), n === 32 ? fc.integer().map(BigInt) : fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }));
};

function expressionOf(type: IntType, depth: number): fc.Arbitrary<Expression> {
  const leaf: fc.Arbitrary<Expression> = fc.oneof(
    interesting(type).map((value): Expression => ({ op: 'const', type, value })),
    fc.constant<Expression>({ op: 'param', type }),
  );
  if (depth <= 0) return leaf;
  const sub = (t: IntType) => expressionOf(t, depth - 1);
  const branches: fc.Arbitrary<Expression>[] = [
    leaf,
    fc.tuple(fc.constantFrom(...BINARY_OPERATORS), sub(type), sub(type)).map(([name, left, right]): Expression => ({ op: 'binary', type, name, left, right })),
    fc.tuple(fc.constantFrom('clz', 'ctz', 'popcnt' as const), sub(type)).map(([name, operand]): Expression => ({ op: 'unary', type, name, operand })),
  ];
  if (type === 'i32') {
    branches.push(
      fc.tuple(fc.constantFrom('i32', 'i64' as const), fc.constantFrom(...COMPARISONS)).chain(([operand, name]) =>
        fc.tuple(sub(operand), sub(operand)).map(([left, right]): Expression => ({ op: 'compare', type: 'i32', operand, name, left, right })),
      ),
      sub('i64').map((operand): Expression => ({ op: 'convert', type: 'i32', name: 'wrap', operand })),
      fc.tuple(fc.constantFrom('i32', 'i64' as const)).chain(([t]) => sub(t).map((operand): Expression => ({ op: 'unary', type: 'i32', name: 'eqz', operand }))),
    );
  } else {
    branches.push(fc.tuple(fc.constantFrom('extend_s', 'extend_u' as const), sub('i32')).map(([name, operand]): Expression => ({ op: 'convert', type: 'i64', name, operand })));
  }
  return fc.oneof({ depthSize: 'small' }, ...branches);
}

/**
 * Random Wasm modules `run(a: i32, b: i64) -> i32 | i64` computing an integer expression (all of
 * i32/i64 arithmetic, bit counts, comparisons, conversions; divisions that may trap), with
 * arguments and the result Wasm requires, known from a model independent of any engine.
 *
 * ```ts
 * fc.assert(fc.property(wasmExpressionModule(), (m) => {
 *   const run = new WebAssembly.Instance(new WebAssembly.Module(m.bytes)).exports.run;
 *   // m.expected is { kind: 'value', value } or { kind: 'trap', trap }
 * }));
 * ```
 */
export function wasmExpressionModule(options: { depth?: number; type?: IntType } = {}): fc.Arbitrary<GeneratedWasm> {
  const depth = options.depth ?? 4;
  const type = options.type === undefined ? fc.constantFrom<IntType>('i32', 'i64') : fc.constant(options.type);
  return fc.tuple(type.chain((t) => expressionOf(t, depth)), interesting('i32'), interesting('i64')).map(([expression, a, b]) => {
    const args = [Number(a), b] as const;
    let expected: GeneratedWasm['expected'];
    try {
      expected = { kind: 'value', value: evaluate(expression, args[0], args[1]) };
    } catch (error) {
      if (!(error instanceof WasmTrap)) throw error;
      expected = { kind: 'trap', trap: error.trap };
    }
    return { bytes: moduleOf(expression), type: expression.type, expression, args, expected, text: print(expression) };
  });
}

/** The same programs compiled to rWasm (entered at `run`), with arguments and expected results in words. */
export function rwasmExpressionProgram(options: { depth?: number; type?: IntType } = {}): fc.Arbitrary<GeneratedRwasm> {
  return wasmExpressionModule(options).map((g) => {
    const { module } = compileWasm(g.bytes, { entrypointName: 'run' });
    const b = BigInt.asUintN(64, g.args[1]);
    const resultWords = g.type === 'i32' ? 1 : 2;
    let expectedWords: number[] | undefined;
    if (g.expected.kind === 'value') {
      const v = BigInt.asUintN(64, g.expected.value);
      expectedWords = g.type === 'i32' ? [Number(v & 0xffffffffn)] : [Number(v & 0xffffffffn), Number(v >> 32n)];
    }
    return { ...g, module, params: [g.args[0] >>> 0, Number(b & 0xffffffffn), Number(b >> 32n)], resultWords, expectedWords };
  });
}
