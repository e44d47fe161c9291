/**
 * A fixed corpus of hand-written programs, each run through its `run` export on V8 and on our
 * compiler + interpreter (`{ entrypointName: 'run', fpu: true }`; the integer arithmetic cases also
 * with i64 sequences inlined, `codeSnippets: false`) for several argument vectors:
 * every vector must give the same results (or the same trap kind) and the same exported memory,
 * both on fresh instances and when all vectors run in turn on one instance (state carries over).
 * Some vectors also carry the expected outcome, so a harness fault cannot hide behind agreement.
 */
import { expect, it } from 'vitest';
import { describeWithHostWasm } from '../support/host-wasm.js';
import type { CompilationConfig } from '../../src/index.js';
import { BOTH_CONFIGS, DiffProgram, loadWabt, showOutcome, watToWasm, type Arg, type Outcome } from './harness.js';

/** An expected outcome: result values (bit patterns, unsigned or signed) or a trap kind. */
type Expected = readonly (bigint | number)[] | string;
interface Case {
  readonly name: string;
  readonly wat: string;
  readonly args: readonly (readonly Arg[])[];
  /** Expected outcomes of the first vectors (V8 agreeing with these checks the harness too). */
  readonly expected?: readonly Expected[];
  /** Our configurations to compare (default: the snippet configuration only). */
  readonly configs?: Readonly<Record<string, CompilationConfig>>;
}

// ------------------------------------------------------------------ values

const I32_EDGES = [0, 1, -1, 2, 7, 31, 32, 33, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, -0x80000000, -0x7fffffff, 123456789, -987654321];
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const I64_EDGES = [
  0n, 1n, -1n, 2n, 63n, 64n, 65n, I64_MAX, I64_MIN, I64_MIN + 1n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 32n + 1n, 2n ** 31n, -(2n ** 31n),
  -(2n ** 32n), 0xdeadbeef_cafebaben, -0x0123456789abcdefn, 0x00000001_ffffffffn, 0x7fffffffn,
];
const pairs = <A, B = A>(xs: readonly A[], ys?: readonly B[]): (A | B)[][] => xs.flatMap((x) => (ys ?? (xs as unknown as B[])).map((y) => [x, y]));
const singles = <T>(xs: readonly T[]): T[][] => xs.map((x) => [x]);
/** Eight ASCII characters as the little-endian i64 a load gives. */
const le64 = (s: string): bigint => [...s].reduceRight((acc, ch) => (acc << 8n) | BigInt(ch.charCodeAt(0)), 0n);

const TRAP = {
  unreachable: 'UnreachableCodeReached',
  memory: 'MemoryOutOfBounds',
  table: 'TableOutOfBounds',
  null: 'IndirectCallToNull',
  signature: 'BadSignature',
  divZero: 'IntegerDivisionByZero',
  overflow: 'IntegerOverflow',
  conversion: 'BadConversionToInteger',
  stack: 'StackOverflow',
} as const;

// ------------------------------------------------------------------ loops

const loops: Case[] = [
  {
    name: 'counted loop: sum 1..n',
    wat: `(module (func (export "run") (param $n i32) (result i32) (local $i i32) (local $s i32)
      (block $done (loop $l
        (br_if $done (i32.gt_s (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $s)))`,
    args: singles([0, 1, 2, 10, 100, 1000, 65536, -1, -5]),
    expected: [[0], [1], [3], [55], [5050], [500500]],
  },
  {
    name: 'nested loops with an inner early exit',
    wat: `(module (func (export "run") (param $n i32) (param $m i32) (result i32) (local $i i32) (local $j i32) (local $acc i32)
      (block $outer_done (loop $outer
        (br_if $outer_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $inner_done (loop $inner
          (br_if $inner_done (i32.ge_u (local.get $j) (local.get $m)))
          (br_if $inner_done (i32.eq (i32.rem_u (i32.add (local.get $i) (local.get $j)) (i32.const 7)) (i32.const 6)))
          (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (i32.xor (local.get $i) (local.get $j))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
      (local.get $acc)))`,
    args: [[0, 0], [1, 1], [3, 4], [10, 10], [17, 3], [40, 40], [5, 0]],
  },
  {
    name: 'br_table state machine (collatz steps)',
    wat: `(module (func (export "run") (param $x i64) (result i32) (local $steps i32)
      (block $done (loop $l
        (block $odd (block $even (block $one
          (br_table $even $odd $one
            (select (i32.const 2) (i32.wrap_i64 (i64.and (local.get $x) (i64.const 1))) (i64.eq (local.get $x) (i64.const 1)))))
          (br $done))
          (local.set $x (i64.shr_u (local.get $x) (i64.const 1)))
          (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
          (br $l))
        (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1)))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $l)))
      (local.get $steps)))`,
    args: singles([1n, 2n, 3n, 7n, 27n, 97n, 871n, 77031n, 837799n, 2n ** 40n, 0xfffffffffn]),
    expected: [[0], [1], [7], [16], [111], [118], [178]],
  },
  {
    name: 'br_table with a default, out-of-range and negative selectors',
    wat: `(module (func (export "run") (param $i i32) (result i32)
      (block $d (block $c (block $b (block $a
        (br_table $a $b $c $a $b $d (local.get $i)))
        (return (i32.const 100)))
        (return (i32.const 200)))
        (return (i32.const 300)))
      (i32.const 400)))`,
    args: singles([0, 1, 2, 3, 4, 5, 6, 1000, -1, 0x7fffffff, -0x80000000]),
    expected: [[100], [200], [300], [100], [200], [400], [400], [400], [400]],
  },
  {
    name: 'br_table carrying a value',
    wat: `(module (func (export "run") (param $i i32) (param $v i32) (result i32)
      (i32.add (i32.const 1000)
        (block $x (result i32)
          (i32.mul (i32.const 2)
            (block $y (result i32)
              (i32.sub (i32.const 0)
                (block $z (result i32)
                  (br_table $z $y $x (i32.add (local.get $v) (i32.const 1)) (local.get $i))))))))))`,
    args: pairs([0, 1, 2, 3, -1], [0, 5, -7]),
  },
  {
    name: 'loop with params and results, multi-value calls',
    wat: `(module
      (func (export "run") (param $n i32) (result i32 i64) (local $acc i64)
        (local.get $n) (i64.const 1)
        (loop $l (param i32 i64) (result i32 i64)
          (local.set $acc) (local.set $n)
          (i32.sub (local.get $n) (i32.const 1))
          (i64.add (i64.mul (local.get $acc) (i64.const 3)) (i64.extend_i32_u (local.get $n)))
          (br_if $l (i32.gt_s (local.get $n) (i32.const 1))))
        (call $swap) (call $unswap))
      (func $swap (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
      (func $unswap (param i64 i32) (result i32 i64) (local.get 1) (local.get 0)))`,
    args: singles([0, 1, 2, 5, 40, 63, -3]),
    expected: [[-1, 3n], [0, 4n], [0, 16n]],
  },
  {
    name: 'do-while over an i64 counter with br_if on a comparison',
    wat: `(module (func (export "run") (param $n i64) (result i64) (local $h i64)
      (local.set $h (i64.const 0xcbf29ce484222325))
      (loop $l
        (local.set $h (i64.mul (i64.xor (local.get $h) (local.get $n)) (i64.const 0x100000001b3)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br_if $l (i64.gt_s (local.get $n) (i64.const 0))))
      (local.get $h)))`,
    args: singles([0n, 1n, 2n, 100n, 5000n, -3n, 19_999n]),
  },
];

// ------------------------------------------------------------------ recursion

const recursion: Case[] = [
  {
    name: 'factorial (i64, recursive, wraps)',
    wat: `(module (func $fac (export "run") (param $n i64) (result i64)
      (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
        (then (i64.const 1))
        (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1))))))))`,
    args: singles([0n, 1n, 5n, 20n, 21n, 25n, 65n, 100n, -4n]),
    expected: [[1n], [1n], [120n], [2432902008176640000n], [BigInt.asUintN(64, 51090942171709440000n)]],
  },
  {
    name: 'fibonacci (i32, doubly recursive)',
    wat: `(module (func $fib (export "run") (param $n i32) (result i32)
      (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
        (then (local.get $n))
        (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2))))))))`,
    args: singles([0, 1, 2, 10, 20, 24]),
    expected: [[0], [1], [1], [55], [6765], [46368]],
  },
  {
    name: 'mutual recursion (even/odd)',
    wat: `(module
      (func $even (export "run") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 1)) (else (call $odd (i32.sub (local.get $n) (i32.const 1))))))
      (func $odd (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0)) (else (call $even (i32.sub (local.get $n) (i32.const 1)))))))`,
    args: singles([0, 1, 2, 7, 100, 501, 900, 10_000_000]),
    expected: [[1], [0], [1], [0], [1], [0], [1], TRAP.stack],
  },
  {
    name: 'unbounded recursion overflows the call stack',
    wat: `(module (func $f (export "run") (param $n i64) (result i64)
      (i64.add (i64.const 1) (call $f (i64.add (local.get $n) (i64.const 1))))))`,
    args: singles([0n, 5n]),
    expected: [TRAP.stack, TRAP.stack],
  },
  {
    name: 'tail calls (return_call) run in constant stack',
    wat: `(module
      (func $sum (param $n i64) (param $acc i64) (result i64)
        (if (result i64) (i64.eqz (local.get $n))
          (then (local.get $acc))
          (else (return_call $sum (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n))))))
      (func (export "run") (param $n i64) (result i64) (return_call $sum (local.get $n) (i64.const 0))))`,
    args: singles([0n, 1n, 10n, 1000n, 100_000n, 300_000n]),
    expected: [[0n], [1n], [55n], [500500n], [5000050000n], [45000150000n]],
  },
  {
    name: 'mutual tail calls and return_call_indirect',
    wat: `(module
      (type $t (func (param i32 i32) (result i32)))
      (table 2 funcref) (elem (i32.const 0) $ping $pong)
      (func $ping (param $n i32) (param $acc i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (local.get $acc))
          (else (return_call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (i32.const 3)) (i32.const 1)))))
      (func $pong (param $n i32) (param $acc i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n)) (then (local.get $acc))
          (else (return_call $ping (i32.sub (local.get $n) (i32.const 1)) (i32.mul (local.get $acc) (i32.const 5))))))
      (func (export "run") (param $n i32) (result i32) (return_call $ping (local.get $n) (i32.const 1))))`,
    args: singles([0, 1, 2, 3, 11, 5000, 200_000]),
    expected: [[1], [4], [20], [23]],
  },
  {
    name: 'ackermann',
    wat: `(module (func $ack (export "run") (param $m i32) (param $n i32) (result i32)
      (if (result i32) (i32.eqz (local.get $m))
        (then (i32.add (local.get $n) (i32.const 1)))
        (else (if (result i32) (i32.eqz (local.get $n))
          (then (call $ack (i32.sub (local.get $m) (i32.const 1)) (i32.const 1)))
          (else (call $ack (i32.sub (local.get $m) (i32.const 1)) (call $ack (local.get $m) (i32.sub (local.get $n) (i32.const 1))))))))))`,
    args: [[0, 0], [1, 2], [2, 3], [2, 10], [3, 3], [3, 4]],
    expected: [[1], [4], [9], [23], [61], [125]],
  },
  {
    name: 'recursion with i64 locals and multi-value returns (divmod by repeated subtraction)',
    wat: `(module (func $dm (export "run") (param $a i64) (param $b i64) (result i64 i64)
      (if (result i64 i64) (i64.lt_u (local.get $a) (local.get $b))
        (then (i64.const 0) (local.get $a))
        (else
          (call $dm (i64.sub (local.get $a) (local.get $b)) (local.get $b))
          (local.set $a)
          (i64.add (i64.const 1))
          (local.get $a)))))`,
    args: [[0n, 1n], [100n, 7n], [2n ** 33n, 2n ** 31n + 5n], [999n, 1000n], [500n, 1n]],
    expected: [[0n, 0n], [14n, 2n]],
  },
];

// ------------------------------------------------------------------ integer arithmetic

function binaryOpModule(type: 'i32' | 'i64', op: string, resultType: 'i32' | 'i64' = type): string {
  return `(module (func (export "run") (param ${type} ${type}) (result ${resultType}) (${type}.${op} (local.get 0) (local.get 1))))`;
}
function unaryOpModule(param: 'i32' | 'i64', op: string, result: 'i32' | 'i64'): string {
  return `(module (func (export "run") (param ${param}) (result ${result}) (${op} (local.get 0))))`;
}

const I64_BINARY = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const COMPARISONS = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];

const i64Arithmetic: Case[] = [
  // Arithmetic also runs with i64 sequences inlined (comparisons cannot: see harness INLINE_CONFIG).
  ...I64_BINARY.map((op) => ({ name: `i64.${op}`, wat: binaryOpModule('i64', op), args: pairs(I64_EDGES), configs: BOTH_CONFIGS })),
  ...COMPARISONS.map((op) => ({ name: `i64.${op}`, wat: binaryOpModule('i64', op, 'i32'), args: pairs(I64_EDGES) })),
  ...['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'].map((op) => ({
    name: `i64.${op}`,
    wat: unaryOpModule('i64', `i64.${op}`, 'i64'),
    args: singles([...I64_EDGES, 0x80n, 0xff7fn, 0x8000n, 0x80000000n, 0x1_0000_0000_0000n]),
    configs: BOTH_CONFIGS,
  })),
  { name: 'i64.eqz', wat: unaryOpModule('i64', 'i64.eqz', 'i32'), args: singles(I64_EDGES), configs: BOTH_CONFIGS },
  { name: 'i32.wrap_i64', wat: unaryOpModule('i64', 'i32.wrap_i64', 'i32'), args: singles(I64_EDGES), configs: BOTH_CONFIGS },
  { name: 'i64.extend_i32_s', wat: unaryOpModule('i32', 'i64.extend_i32_s', 'i64'), args: singles(I32_EDGES), configs: BOTH_CONFIGS },
  { name: 'i64.extend_i32_u', wat: unaryOpModule('i32', 'i64.extend_i32_u', 'i64'), args: singles(I32_EDGES), configs: BOTH_CONFIGS },
  {
    name: 'i64 operations with constant operands',
    wat: `(module (func (export "run") (param $x i64) (result i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
      (i64.shl (local.get $x) (i64.const 0)) (i64.shl (local.get $x) (i64.const 32)) (i64.shr_s (local.get $x) (i64.const 63))
      (i64.shr_u (local.get $x) (i64.const 64)) (i64.rotl (local.get $x) (i64.const 33)) (i64.rotr (local.get $x) (i64.const -1))
      (i64.mul (local.get $x) (i64.const 0x100000000)) (i64.div_s (local.get $x) (i64.const -3)) (i64.div_u (local.get $x) (i64.const 0x100000000))
      (i64.rem_s (local.get $x) (i64.const 0x7fffffffffffffff)) (i64.rem_u (i64.const -1) (i64.or (local.get $x) (i64.const 1)))
      (i64.sub (i64.const 0) (local.get $x))))`,
    args: singles(I64_EDGES),
    configs: BOTH_CONFIGS,
  },
  {
    name: 'i64 comparisons feeding branches',
    wat: `(module (func (export "run") (param $a i64) (param $b i64) (result i32) (local $r i32)
      (if (i64.lt_s (local.get $a) (local.get $b)) (then (local.set $r (i32.or (local.get $r) (i32.const 1)))))
      (if (i64.lt_u (local.get $a) (local.get $b)) (then (local.set $r (i32.or (local.get $r) (i32.const 2)))))
      (if (i64.ge_s (local.get $a) (local.get $b)) (then (local.set $r (i32.or (local.get $r) (i32.const 4)))))
      (if (i64.ge_u (local.get $a) (local.get $b)) (then (local.set $r (i32.or (local.get $r) (i32.const 8)))))
      (if (i64.eq (local.get $a) (local.get $b)) (then (local.set $r (i32.or (local.get $r) (i32.const 16)))))
      (drop (br_if 0 (local.get $r) (i64.eqz (local.get $a))))
      (local.set $r (i32.or (local.get $r) (i32.const 32)))
      (local.get $r)))`,
    args: pairs(I64_EDGES.slice(0, 12)),
  },
];

const I32_BINARY = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const i32Arithmetic: Case[] = [
  ...[...I32_BINARY, ...COMPARISONS].map((op) => ({ name: `i32.${op}`, wat: binaryOpModule('i32', op), args: pairs(I32_EDGES) })),
  ...['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s'].map((op) => ({
    name: `i32.${op}`,
    wat: unaryOpModule('i32', `i32.${op}`, 'i32'),
    args: singles(I32_EDGES),
  })),
];

// ------------------------------------------------------------------ memory

const memory: Case[] = [
  {
    name: 'i64 store, loads of every width and sign at an offset',
    wat: `(module (memory (export "mem") 1)
      (func (export "run") (param $addr i32) (param $v i64)
          (result i32 i32 i32 i32 i32 i64 i64 i64 i64 i64 i64 i64 i32)
        (i64.store offset=3 (local.get $addr) (local.get $v))
        (i32.load offset=3 (local.get $addr)) (i32.load8_s offset=3 (local.get $addr)) (i32.load8_u offset=4 (local.get $addr))
        (i32.load16_s offset=5 (local.get $addr)) (i32.load16_u offset=9 (local.get $addr))
        (i64.load offset=3 (local.get $addr)) (i64.load8_s offset=10 (local.get $addr)) (i64.load8_u offset=10 (local.get $addr))
        (i64.load16_s offset=7 (local.get $addr)) (i64.load16_u offset=8 (local.get $addr))
        (i64.load32_s offset=7 (local.get $addr)) (i64.load32_u offset=6 (local.get $addr))
        (i32.load offset=4 align=1 (local.get $addr))))`,
    args: [
      ...pairs([0, 1, 100, 4093, 65536 - 11, 65536 - 12], [0n, -1n, 0x8081_8283_8485_8687n, 0x7f7f_ff00_80ff_0180n]),
      [65536 - 10, 1n], [65536 - 3, 1n], [65536, 1n], [-1, 1n], [-3, 1n], [0x7fffffff, 1n],
    ],
    expected: [[0, 0, 0, 0, 0, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0]],
  },
  {
    name: 'narrow stores (store8/16/32) merged into an i64',
    wat: `(module (memory (export "mem") 1)
      (func (export "run") (param $addr i32) (param $v i64) (result i64 i64 i32)
        (i64.store (local.get $addr) (i64.const -1))
        (i64.store8 offset=1 (local.get $addr) (local.get $v))
        (i64.store16 offset=2 (local.get $addr) (local.get $v))
        (i64.store32 offset=4 (local.get $addr) (i64.rotl (local.get $v) (i64.const 8)))
        (i32.store8 (local.get $addr) (i32.wrap_i64 (i64.shr_u (local.get $v) (i64.const 56))))
        (i64.load (local.get $addr))
        (i32.store16 offset=6 (local.get $addr) (i32.const 0x12345678))
        (i64.load (local.get $addr))
        (i32.load offset=2 (local.get $addr))))`,
    args: pairs([0, 8, 1001, 65528], [0n, 0x0102030405060708n, -2n, I64_MIN]).concat([[65529, 5n], [65535, 5n]]),
  },
  {
    name: 'partly out-of-bounds stores trap without writing',
    wat: `(module (memory (export "mem") 1)
      (func (export "run") (param $addr i32) (param $width i32)
        (block $w1 (block $w2 (block $w4 (block $w8
          (br_table $w1 $w2 $w4 $w8 (local.get $width)))
          (i64.store (local.get $addr) (i64.const -1)) (return))
          (i32.store (local.get $addr) (i32.const -1)) (return))
          (i32.store16 (local.get $addr) (i32.const -1)) (return))
        (i64.store8 (local.get $addr) (i64.const -1))))`,
    args: pairs([65528, 65529, 65532, 65533, 65534, 65535, 65536, -1], [0, 1, 2, 3]),
  },
  {
    name: 'effective addresses past 4 GiB do not wrap',
    wat: `(module (memory 1)
      (func (export "run") (param $addr i32) (result i32)
        (i32.load offset=0xfffffff0 (local.get $addr))))`,
    args: singles([0, 0x10, 0x20, -1, 65536]),
    expected: [TRAP.memory, TRAP.memory, TRAP.memory, TRAP.memory, TRAP.memory],
  },
  {
    name: 'memory.grow and memory.size with a maximum',
    wat: `(module (memory (export "mem") 1 4)
      (func (export "run") (param $delta i32) (result i32 i32 i32 i32)
        (memory.grow (local.get $delta))
        (memory.size)
        (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 0xabcdef01))
        (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))
        (memory.grow (i32.const 0))))`,
    args: singles([0, 1, 2, 3, 4, 5, 100, -1, 0x10000]),
    expected: [[1, 1, 0xabcdef01, 1], [1, 2, 0xabcdef01, 2], [1, 3, 0xabcdef01, 3], [1, 4, 0xabcdef01, 4], [-1, 1, 0xabcdef01, 1]],
  },
  {
    name: 'memory.grow from zero pages, then access',
    wat: `(module (memory (export "mem") 0 3)
      (func (export "run") (param $delta i32) (param $addr i32) (result i32 i32 i32)
        (memory.size)
        (memory.grow (local.get $delta))
        (i32.store8 (local.get $addr) (i32.const 0x5a))
        (i32.load8_u (local.get $addr))))`,
    args: [[0, 0], [1, 0], [1, 65535], [1, 65536], [2, 131071], [3, 100], [4, 0]],
    expected: [TRAP.memory, [0, 0, 0x5a], [0, 0, 0x5a], TRAP.memory],
  },
  {
    name: 'data segments, memory.fill and memory.copy (overlapping both ways)',
    wat: `(module (memory (export "mem") 1)
      (data (i32.const 16) "0123456789abcdef")
      (data (i32.const 65530) "\\01\\02\\03\\04\\05\\06")
      (func (export "run") (param $dst i32) (param $src i32) (param $len i32) (result i64 i64 i64)
        (memory.fill (i32.const 100) (i32.const 0x1ff) (i32.const 7))
        (memory.copy (local.get $dst) (local.get $src) (local.get $len))
        (i64.load (i32.const 16)) (i64.load (i32.const 24)) (i64.load (i32.const 32))))`,
    args: [[16, 16, 16], [18, 16, 10], [16, 18, 10], [20, 16, 16], [0, 65530, 6], [65534, 16, 2], [65535, 16, 2],
      [16, 65535, 2], [65536, 0, 0], [65537, 0, 0], [0, 65537, 0], [100, 16, 0], [-1, 0, 1], [96, 100, 12]],
  },
  {
    name: 'memory.fill bounds and values',
    wat: `(module (memory (export "mem") 1)
      (func (export "run") (param $dst i32) (param $v i32) (param $len i32) (result i32)
        (memory.fill (local.get $dst) (local.get $v) (local.get $len))
        (i32.load (i32.and (local.get $dst) (i32.const 0xfff0)))))`,
    args: [[0, 0xab, 4], [3, -1, 9], [65530, 0x1234, 6], [65530, 1, 7], [65536, 1, 0], [65537, 1, 0], [0, 2, 65536], [1, 2, 65536], [-1, 2, 2]],
  },
  {
    name: 'passive data: memory.init, data.drop',
    wat: `(module (memory (export "mem") 1)
      (data $p "hello, differential world")
      (data $q "")
      (func (export "run") (param $dst i32) (param $off i32) (param $len i32) (param $drop i32) (result i64 i64)
        (if (local.get $drop) (then (data.drop $p)))
        (memory.init $p (local.get $dst) (local.get $off) (local.get $len))
        (memory.init $q (i32.const 0) (i32.const 0) (i32.const 0))
        (i64.load (i32.const 0)) (i64.load (i32.const 8))))`,
    args: [[0, 0, 16, 0], [0, 7, 5, 0], [3, 0, 25, 0], [0, 20, 5, 0], [0, 20, 6, 0], [0, 25, 0, 0], [0, 26, 0, 0],
      [65530, 0, 6, 0], [65530, 0, 7, 0], [0, 0, 0, 1], [0, 0, 1, 1], [-1, 0, 0, 0]],
    expected: [[le64('hello, d'), le64('ifferent')]],
  },
  {
    name: 'active data segment out of bounds fails instantiation',
    wat: `(module (memory 1) (data (i32.const 65530) "0123456789") (func (export "run") (result i32) (i32.const 1)))`,
    args: [[]],
    expected: [TRAP.memory],
  },
];

// ------------------------------------------------------------------ tables

const tables: Case[] = [
  {
    name: 'call_indirect: elem segment, signature mismatch, null entry, index out of range',
    wat: `(module
      (type $un (func (param i32) (result i32)))
      (type $bin (func (param i32 i32) (result i32)))
      (table 8 funcref)
      (elem (i32.const 0) $inc $dbl $neg $add)
      (elem (i32.const 5) $sq)
      (func $inc (type $un) (i32.add (local.get 0) (i32.const 1)))
      (func $dbl (type $un) (i32.shl (local.get 0) (i32.const 1)))
      (func $neg (type $un) (i32.sub (i32.const 0) (local.get 0)))
      (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
      (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
      (func (export "run") (param $i i32) (param $x i32) (result i32)
        (call_indirect (type $un) (local.get $x) (local.get $i))))`,
    args: pairs([0, 1, 2, 3, 4, 5, 6, 7, 8, 100, -1], [0, 21, -5]),
    expected: [[1], [22], [-4], [0], [42], [-10], [0], [-21], [5], TRAP.signature, TRAP.signature, TRAP.signature,
      TRAP.null, TRAP.null, TRAP.null, [0], [441], [25], TRAP.null, TRAP.null, TRAP.null, TRAP.null, TRAP.null, TRAP.null,
      TRAP.table, TRAP.table, TRAP.table, TRAP.table, TRAP.table, TRAP.table, TRAP.table, TRAP.table, TRAP.table],
  },
  {
    name: 'call_indirect with i64 and multi-value signatures',
    wat: `(module
      (type $t (func (param i64 i32) (result i64 i32)))
      (table 3 funcref) (elem (i32.const 0) $a $b)
      (func $a (type $t) (i64.add (local.get 0) (i64.extend_i32_s (local.get 1))) (i32.const 7))
      (func $b (type $t) (i64.mul (local.get 0) (i64.const -1)) (i32.wrap_i64 (local.get 0)))
      (func (export "run") (param $i i32) (param $x i64) (result i64 i32)
        (call_indirect (type $t) (local.get $x) (i32.const -9) (local.get $i))))`,
    args: pairs([0, 1, 2, 3], [0n, 2n ** 40n + 3n, -1n]),
  },
  {
    name: 'table.get/set/size/grow and ref.is_null',
    wat: `(module
      (type $un (func (param i32) (result i32)))
      (table $t 2 5 funcref)
      (elem declare func $f $g)
      (func $f (type $un) (i32.add (local.get 0) (i32.const 10)))
      (func $g (type $un) (i32.mul (local.get 0) (i32.const 10)))
      (func (export "run") (param $grow i32) (param $i i32) (result i32 i32 i32 i32 i32)
        (table.set $t (i32.const 0) (ref.func $f))
        (table.grow $t (ref.func $g) (local.get $grow))
        (table.size $t)
        (ref.is_null (table.get $t (local.get $i)))
        (table.set $t (i32.const 1) (table.get $t (i32.const 0)))
        (call_indirect $t (type $un) (i32.const 3) (i32.const 1))
        (call_indirect $t (type $un) (i32.const 4) (local.get $i))))`,
    args: pairs([0, 1, 2, 3, 4, -1], [0, 1, 2, 3, 4, 5]),
  },
  {
    name: 'table.fill and table.copy (overlapping)',
    wat: `(module
      (type $un (func (param i32) (result i32)))
      (table $t 6 funcref)
      (elem (i32.const 0) $f0 $f1 $f2)
      (func $f0 (type $un) (i32.const 100))
      (func $f1 (type $un) (i32.const 101))
      (func $f2 (type $un) (i32.const 102))
      (func $probe (param $i i32) (result i32)
        (if (result i32) (ref.is_null (table.get $t (local.get $i))) (then (i32.const -1))
          (else (call_indirect $t (type $un) (i32.const 0) (local.get $i)))))
      (func (export "run") (param $op i32) (param $a i32) (param $b i32) (param $n i32) (result i32 i32 i32 i32 i32 i32)
        (if (i32.eqz (local.get $op))
          (then (table.fill $t (local.get $a) (table.get $t (local.get $b)) (local.get $n)))
          (else (table.copy $t $t (local.get $a) (local.get $b) (local.get $n))))
        (call $probe (i32.const 0)) (call $probe (i32.const 1)) (call $probe (i32.const 2))
        (call $probe (i32.const 3)) (call $probe (i32.const 4)) (call $probe (i32.const 5))))`,
    args: [[0, 3, 1, 3], [0, 0, 5, 2], [0, 5, 0, 1], [0, 5, 0, 2], [0, 6, 0, 0], [0, 7, 0, 0], [1, 1, 0, 3], [1, 0, 1, 3],
      [1, 3, 0, 3], [1, 4, 0, 3], [1, 6, 0, 0], [1, 0, 6, 0], [1, 0, 7, 0], [1, -1, 0, 1]],
  },
  {
    name: 'passive elem: table.init and elem.drop',
    wat: `(module
      (type $un (func (param i32) (result i32)))
      (table $t 4 funcref)
      (elem $e func $f0 $f1 $f2)
      (func $f0 (type $un) (i32.add (local.get 0) (i32.const 1)))
      (func $f1 (type $un) (i32.add (local.get 0) (i32.const 2)))
      (func $f2 (type $un) (i32.add (local.get 0) (i32.const 3)))
      (func (export "run") (param $dst i32) (param $src i32) (param $n i32) (param $drop i32) (param $call i32) (result i32)
        (if (local.get $drop) (then (elem.drop $e)))
        (table.init $t $e (local.get $dst) (local.get $src) (local.get $n))
        (call_indirect $t (type $un) (i32.const 1000) (local.get $call))))`,
    args: [[0, 0, 3, 0, 0], [0, 0, 3, 0, 2], [1, 0, 3, 0, 3], [1, 1, 2, 0, 2], [2, 0, 3, 0, 0], [0, 2, 2, 0, 0], [4, 0, 0, 0, 0],
      [5, 0, 0, 0, 0], [0, 3, 0, 0, 0], [0, 4, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 1, 1, 0], [0, 0, 3, 0, 4]],
    expected: [[1001], [1003], [1003]],
  },
  {
    name: 'call_indirect matches signatures structurally (two identical type entries)',
    wat: `(module
      (type $a (func (param i32 i64) (result i64)))
      (type $b (func (param i32 i64) (result i64)))
      (type $c (func (param i64 i32) (result i64)))
      (table 3 funcref) (elem (i32.const 0) $fa $fb $fc)
      (func $fa (type $a) (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))
      (func $fb (type $b) (i64.sub (i64.extend_i32_s (local.get 0)) (local.get 1)))
      (func $fc (type $c) (i64.mul (local.get 0) (i64.extend_i32_u (local.get 1))))
      (func (export "run") (param $i i32) (param $x i64) (result i64 i64)
        (call_indirect (type $a) (i32.const 5) (local.get $x) (local.get $i))
        (call_indirect (type $b) (i32.const 7) (local.get $x) (local.get $i))))`,
    args: pairs([0, 1, 2, 3], [0n, 10n, -1n]),
    expected: [[5n, 7n], [15n, 17n], [4n, 6n], [5n, 7n], [-5n, -3n], [6n, 8n], TRAP.signature],
  },
  {
    name: 'return_call_indirect: null entry, signature mismatch, out of range',
    wat: `(module
      (type $t (func (param i64) (result i64)))
      (table 4 funcref) (elem (i32.const 0) $sq $bad)
      (func $sq (type $t) (i64.mul (local.get 0) (local.get 0)))
      (func $bad (param i32) (result i64) (i64.const 0))
      (func (export "run") (param $i i32) (param $x i64) (result i64)
        (return_call_indirect (type $t) (local.get $x) (local.get $i))))`,
    args: pairs([0, 1, 2, 3, 4, -1], [3n, -(2n ** 32n)]),
    expected: [[9n], [0n], TRAP.signature, TRAP.signature, TRAP.null, TRAP.null, TRAP.null, TRAP.null, TRAP.table, TRAP.table, TRAP.table, TRAP.table],
  },
  {
    name: 'elem segments with expressions (ref.func, ref.null) and an externref table',
    wat: `(module
      (type $un (func (param i32) (result i32)))
      (table $f 5 funcref)
      (table $e 2 externref)
      (elem (table $f) (i32.const 1) funcref (ref.func $a) (ref.null func) (ref.func $b))
      (func $a (type $un) (i32.add (local.get 0) (i32.const 5)))
      (func $b (type $un) (i32.mul (local.get 0) (i32.const 5)))
      (func (export "run") (param $i i32) (param $grow i32) (result i32 i32 i32 i32)
        (table.grow $e (ref.null extern) (local.get $grow))
        (table.size $e)
        (ref.is_null (table.get $e (local.get $i)))
        (call_indirect $f (type $un) (i32.const 8) (local.get $i))))`,
    args: pairs([0, 1, 2, 3, 4, 5], [0, 3]),
  },
  {
    name: 'active elem segment out of bounds fails instantiation',
    wat: `(module (table 2 funcref) (func $f) (elem (i32.const 1) $f $f) (func (export "run") (result i32) (i32.const 1)))`,
    args: [[]],
    expected: [TRAP.table],
  },
];

// ------------------------------------------------------------------ globals, select, multi-value

const globalsSelectBlocks: Case[] = [
  {
    name: 'mutable i32/i64 globals across calls',
    wat: `(module
      (global $count (mut i32) (i32.const 5))
      (global $acc (mut i64) (i64.const 0x100000000))
      (global $k i64 (i64.const -7))
      (func $step (param $x i64)
        (global.set $count (i32.add (global.get $count) (i32.const 1)))
        (global.set $acc (i64.add (i64.mul (global.get $acc) (global.get $k)) (local.get $x))))
      (func (export "run") (param $n i32) (param $x i64) (result i32 i64 i64) (local $i i32)
        (block $d (loop $l
          (br_if $d (i32.ge_s (local.get $i) (local.get $n)))
          (call $step (i64.add (local.get $x) (i64.extend_i32_u (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (global.get $count) (global.get $acc) (global.get $k)))`,
    args: pairs([0, 1, 3, 30], [0n, -1n, I64_MAX]),
    expected: [[5, 0x100000000n, -7n]],
  },
  {
    name: 'select (untyped and typed) on i32/i64/f64',
    wat: `(module (func (export "run") (param $c i32) (param $a i64) (param $b i64) (result i64 i32 f64 i64)
      (select (local.get $a) (local.get $b) (local.get $c))
      (select (i32.wrap_i64 (local.get $a)) (i32.wrap_i64 (local.get $b)) (i32.and (local.get $c) (i32.const 2)))
      (select (f64.convert_i64_s (local.get $a)) (f64.const -0.5) (local.get $c))
      (select (result i64) (local.get $b) (local.get $a) (i64.lt_s (local.get $a) (local.get $b)))))`,
    args: [0, 1, 2, -1].flatMap((c) => [[0n, 1n], [-1n, 2n ** 40n], [I64_MIN, I64_MAX]].map(([a, b]) => [c, a!, b!])),
  },
  {
    name: 'blocks and ifs with params and multiple results',
    wat: `(module
      (func $pair (param i64) (result i64 i64) (local.get 0) (i64.mul (local.get 0) (local.get 0)))
      (func (export "run") (param $c i32) (param $x i64) (result i64 i32 i64)
        (call $pair (local.get $x))
        (block (param i64 i64) (result i64 i32)
          (i64.add)
          (i32.const 3))
        (local.get $c)
        (if (param i32) (result i32 i64) (then (i32.const 10) (i32.add) (i64.const 1)) (else (i32.const 20) (i32.sub) (i64.const 2)))
        (block $b (param i32 i64) (result i32 i64)
          (br_if $b (i32.eqz (local.get $c)))
          (drop) (drop) (i32.const -1) (i64.const -1))))`,
    args: pairs([0, 1], [0n, 3n, -5n, 2n ** 32n]),
  },
  {
    name: 'br out of nested blocks with values, unwinding the stack',
    wat: `(module (func (export "run") (param $i i32) (result i32 i64)
      (block $out (result i32 i64)
        (i32.const 1) (i64.const 2) (drop) (drop)
        (i32.const 77)
        (block $mid (result i64)
          (i64.const 5)
          (i32.const 6) (i32.const 7) (drop) (drop)
          (br_if $out (i32.const 11) (i64.const 12) (i32.eq (local.get $i) (i32.const 1)))
          (drop) (drop)
          (br_if $mid (i64.const 13) (i32.eq (local.get $i) (i32.const 2)))
          (drop)
          (i64.const 14) (i64.add))
        (br_if $out (i32.eq (local.get $i) (i32.const 3)))
        (i64.const 1) (i64.add))))`,
    args: singles([0, 1, 2, 3]),
  },
];

// ------------------------------------------------------------------ traps and float conversions

const F_EDGES = [0, -0, 0.5, -0.5, -0.99, 1, -1, 1.5, 2147483647, 2147483648, -2147483648, -2147483649, 4294967295, 4294967296,
  9223372036854775807, 9223372036854775808, -9223372036854775808, -9223372036854777856, 18446744073709551615, 18446744073709551616,
  1e300, -1e300, Infinity, -Infinity, NaN, 3.4028234663852886e38, 1.401298464324817e-45,
  // just inside / outside each target range, as f32 and as f64
  2147483520, -2147483904, 2147483647.9, -2147483648.9, 4294967040, 4294967295.9, -0.9999999, 9223371487098961920,
  9223372036854774784, -9223372036854775808, 18446742974197923840, 18446744073709549568];
const TRUNC_TARGETS: [string, string][] = [['i32', 'f32'], ['i32', 'f64'], ['i64', 'f32'], ['i64', 'f64']];

const traps: Case[] = [
  { name: 'unreachable', wat: `(module (func (export "run") (param i32) (result i32) (if (local.get 0) (then unreachable)) (i32.const 9)))`, args: [[0], [1]], expected: [[9], TRAP.unreachable] },
  ...['div_s', 'div_u', 'rem_s', 'rem_u'].flatMap((op) => [
    { name: `i32.${op} traps`, wat: binaryOpModule('i32', op), args: pairs([0, 1, -1, -0x80000000, 0x7fffffff], [0, 1, -1, 3]) },
    { name: `i64.${op} traps`, wat: binaryOpModule('i64', op), args: pairs([0n, 1n, -1n, I64_MIN, I64_MAX], [0n, 1n, -1n, 3n]) },
  ]),
  {
    name: 'division overflow vs rem_s of min/-1',
    wat: `(module (func (export "run") (param $op i32) (result i64)
      (block $a (block $b (block $c (block $d (br_table $a $b $c $d (local.get $op)))
        (return (i64.extend_i32_s (i32.rem_s (i32.const 0x80000000) (i32.const -1)))))
        (return (i64.rem_s (i64.const 0x8000000000000000) (i64.const -1))))
        (return (i64.extend_i32_s (i32.div_s (i32.const 0x80000000) (i32.const -1)))))
      (i64.div_s (i64.const 0x8000000000000000) (i64.const -1))))`,
    args: singles([0, 1, 2, 3]),
    expected: [TRAP.overflow, TRAP.overflow, [0n], [0n]],
  },
  ...TRUNC_TARGETS.flatMap(([i, f]) =>
    ['s', 'u'].flatMap((sign) => [
      { name: `${i}.trunc_${f}_${sign}`, wat: unaryOpModule(f as 'i32', `${i}.trunc_${f}_${sign}`, i as 'i32'), args: singles(F_EDGES) },
      { name: `${i}.trunc_sat_${f}_${sign}`, wat: unaryOpModule(f as 'i32', `${i}.trunc_sat_${f}_${sign}`, i as 'i32'), args: singles(F_EDGES) },
    ]),
  ),
  {
    name: 'float arithmetic edge cases (min/max/copysign/nearest/sqrt/div)',
    wat: `(module (func (export "run") (param $a f64) (param $b f64) (result f64 f64 f64 f64 f64 f32 f32 f64 i32)
      (f64.min (local.get $a) (local.get $b)) (f64.max (local.get $a) (local.get $b))
      (f64.copysign (local.get $a) (local.get $b)) (f64.nearest (local.get $a)) (f64.div (local.get $a) (local.get $b))
      (f32.min (f32.demote_f64 (local.get $a)) (f32.demote_f64 (local.get $b))) (f32.sqrt (f32.demote_f64 (local.get $a)))
      (f64.promote_f32 (f32.demote_f64 (local.get $b))) (f64.lt (local.get $a) (local.get $b))))`,
    args: pairs([0, -0, 1.5, -2.5, 0.49999999999999994, 4503599627370497, Infinity, -Infinity, NaN, 1e-310, 3.5e38]),
  },
  {
    name: 'integer ↔ float conversions',
    wat: `(module (func (export "run") (param $x i64) (result f32 f32 f64 f64 f32 f64 i64 i32)
      (f32.convert_i64_s (local.get $x)) (f32.convert_i64_u (local.get $x))
      (f64.convert_i64_s (local.get $x)) (f64.convert_i64_u (local.get $x))
      (f32.convert_i32_u (i32.wrap_i64 (local.get $x))) (f64.convert_i32_s (i32.wrap_i64 (local.get $x)))
      (i64.reinterpret_f64 (f64.convert_i64_u (local.get $x))) (i32.reinterpret_f32 (f32.convert_i64_s (local.get $x)))))`,
    // 2^60 + 2^36 + 1 and friends: rounding through an f64 first would give a different f32.
    args: singles([...I64_EDGES, 0x0020_0000_0000_0001n, 0x0020_0000_0000_0003n, 0x7fff_ff80_0000_0000n, -0x0000_0080_0000_0001n,
      0x1000_0010_0000_0001n, -0x1000_0010_0000_0001n, -0x7fff_ff7f_ffff_ffffn, -0x7fff_ffff_ffff_fbffn, -0x7fff_ffff_ffff_f7ffn]),
  },
];

// ------------------------------------------------------------------ control-flow edges

const controlEdges: Case[] = [
  {
    name: 'if without else taking and returning params',
    wat: `(module (func (export "run") (param $c i32) (param $x i64) (result i64 i32)
      (local.get $x) (i32.const 5)
      (if (param i64 i32) (result i64 i32) (local.get $c)
        (then (drop) (i64.mul (i64.const 3)) (i32.const 9)))))`,
    args: pairs([0, 1, -1], [0n, 7n, -1n]),
    expected: [[0n, 5], [7n, 5], [-1n, 5], [0n, 9], [21n, 9], [-3n, 9]],
  },
  {
    name: 'br_if and br_table to the function label carry the results',
    wat: `(module (func (export "run") (param $i i32) (param $x i64) (result i64 i32)
      (i64.const 11) (i32.const 12) (drop) (drop)
      (br_if 0 (local.get $x) (i32.const 1) (i32.eq (local.get $i) (i32.const 0)))
      (drop) (drop)
      (block $a (block $b
        (br_table $a $b 1 (i64.add (local.get $x) (i64.const 1)) (i32.const 2) (local.get $i)))
        (return (i64.const -2) (i32.const -2)))
      (i64.const -3) (i32.const -3)))`,
    args: pairs([0, 1, 2, 3, 100], [5n, -(2n ** 40n)]),
  },
  {
    name: 'return from deep inside expressions with pending i64 operands',
    wat: `(module
      (func $g (param $x i64) (result i64)
        (i64.add (local.get $x)
          (i64.mul (i64.const 3)
            (i64.sub (i64.const 100)
              (block (result i64)
                (if (i64.lt_s (local.get $x) (i64.const 0)) (then (return (i64.const -42))))
                (br_if 0 (i64.const 7) (i64.eqz (local.get $x)))
                (drop)
                (local.get $x))))))
      (func (export "run") (param $x i64) (result i64 i64)
        (i64.add (i64.const 1) (call $g (local.get $x)))
        (call $g (i64.sub (i64.const 0) (local.get $x)))))`,
    args: singles([0n, 1n, 5n, -5n, I64_MIN, I64_MAX]),
  },
  {
    name: 'dead code after br, return and unreachable, with any stack shape',
    wat: `(module (func (export "run") (param $i i32) (result i64)
      (block $out (result i64)
        (block $x
          (br_if $x (i32.eqz (local.get $i)))
          (br $out (i64.const 1))
          (i64.add) (i32.wrap_i64) (drop) (br_table $x $x) (i32.add) (drop))
        (block $y (result i32)
          (br_if $y (i32.const 2) (i32.eq (local.get $i) (i32.const 0)))
          (return (i64.const 3))
          (select) (unreachable) (i64.eqz))
        (i64.extend_i32_u)
        (i64.add (if (result i64) (i32.const 1) (then (br $out (i64.const 4))) (else (unreachable) (i64.popcnt)))))))`,
    args: singles([0, 1]),
    expected: [[4n], [1n]],
  },
  {
    name: 'select on f32, f64 and i64 with conditions from i64 comparisons',
    wat: `(module (func (export "run") (param $a i64) (param $b i64) (result f32 f64 i64 i32)
      (select (f32.const 1.5) (f32.const -0) (i64.lt_u (local.get $a) (local.get $b)))
      (select (f64.const -2.5) (f64.const inf) (i64.ge_s (local.get $a) (local.get $b)))
      (select (local.get $a) (local.get $b) (i64.ne (local.get $a) (local.get $b)))
      (select (i32.const 10) (i32.const 20) (i64.eqz (i64.and (local.get $a) (local.get $b))))))`,
    args: pairs([0n, 1n, -1n, I64_MIN, 2n ** 32n]),
  },
  {
    name: 'calls with no results as statements, and i64 local.tee chains',
    wat: `(module
      (global $g (mut i64) (i64.const 1))
      (func $bump (param $by i64) (global.set $g (i64.add (i64.rotl (global.get $g) (i64.const 5)) (local.get $by))))
      (func (export "run") (param $x i64) (result i64 i64 i64) (local $a i64) (local $b i64)
        (call $bump (local.tee $a (i64.mul (local.tee $b (i64.add (local.get $x) (i64.const 1))) (i64.const 3))))
        (call $bump (local.get $b))
        (call $bump (i64.extend_i32_s (i32.wrap_i64 (local.get $a))))
        (global.get $g) (local.get $a) (local.get $b)))`,
    args: singles(I64_EDGES),
  },
];

// ------------------------------------------------------------------ sizes: many params/locals, deep stacks, wide tables

const manyParams = Array.from({ length: 24 }, (_, i) => (i % 3 === 1 ? 'i64' : 'i32'));
const manyLocals = 300;

const sizes: Case[] = [
  {
    name: 'a call with 24 mixed i32/i64 parameters',
    wat: `(module
      (func $f (param ${manyParams.join(' ')}) (result i64)
        ${manyParams.map((t, i) => `(local.get ${i})${t === 'i32' ? ' (i64.extend_i32_s)' : ''} (i64.mul (i64.const ${2 * i + 1}))`).join(' ')}
        ${manyParams.slice(1).map(() => '(i64.add)').join(' ')}
        (i64.xor (i64.shl (local.get 22) (i64.const 17))))
      (func (export "run") (param $a i32) (param $b i64) (result i64)
        (call $f ${manyParams.map((t, i) => (t === 'i32' ? `(i32.add (local.get $a) (i32.const ${i}))` : `(i64.rotl (local.get $b) (i64.const ${i}))`)).join(' ')})))`,
    args: pairs([0, 1, -1, 0x7fffffff], [0n, 1n, -1n, 0x0123456789abcdefn]),
  },
  {
    name: `${manyLocals} locals updated in a loop`,
    wat: `(module (func (export "run") (param $n i32) (param $seed i64) (result i64 i32)
      ${Array.from({ length: manyLocals }, (_, i) => `(local $v${i} ${i % 2 ? 'i64' : 'i32'})`).join(' ')}
      (local $i i32)
      (local.set $v1 (local.get $seed))
      (block $d (loop $l
        (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
        ${Array.from({ length: manyLocals - 2 }, (_, i) => i + 2)
          .map((i) => (i % 2 ? `(local.set $v${i} (i64.add (local.get $v${i - 2}) (i64.rotl (local.get $v${i}) (i64.const ${i % 64}))))` : `(local.set $v${i} (i32.xor (local.get $v${i - 2}) (i32.add (local.get $v${i}) (i32.const ${i}))))`))
          .join(' ')}
        (local.set $v0 (i32.add (local.get $v0) (i32.wrap_i64 (local.get $v${manyLocals - 1}))))
        (local.set $v1 (i64.xor (local.get $v1) (i64.extend_i32_u (local.get $v${manyLocals - 2}))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (local.get $v${manyLocals - 1}) (local.get $v${manyLocals - 2})))`,
    args: pairs([0, 1, 2, 17], [0n, 1n, -5n]),
  },
  {
    // Written flat: wabt's parser overflows its own stack on a 1000-deep folded expression.
    name: '1000 pending i64 operands (2000 words of operand stack)',
    wat: `(module (func (export "run") (param $x i64) (result i64)
      ${Array.from({ length: 1000 }, (_, i) => `local.get $x i64.const ${i % 64} i64.rotl`).join('\n')}
      local.get $x
      ${Array.from({ length: 1000 }, (_, i) => `i64.${['add', 'xor', 'sub', 'mul'][i % 4]}`).join('\n')}))`,
    args: singles([0n, 1n, -1n, 0x0123456789abcdefn, I64_MIN]),
  },
  {
    // Flat text, and at most 120 blocks deep: wabt's parser runs out of its own stack near 170.
    name: 'br_table with 1000 entries over 120 nested blocks',
    wat: `(module (func (export "run") (param $i i32) (result i32)
      ${Array.from({ length: 120 }, (_, i) => `block $t${i}`).join(' ')}
      local.get $i
      br_table ${Array.from({ length: 1000 }, (_, i) => `$t${(i * 7) % 120}`).join(' ')} $t119
      ${Array.from({ length: 120 }, (_, i) => `end local.get $i i32.const ${(i * 11) % 1000} i32.eq if i32.const ${i * 13} return end`).join('\n')}
      i32.const -1))`,
    args: singles([0, 1, 2, 11, 42, 150, 298, 999, 1000, 1001, -1, 0x7fffffff]),
  },
  {
    name: 'recursion to depth 900 with i64 arithmetic in every frame',
    wat: `(module (func $s (export "run") (param $n i64) (result i64)
      (if (result i64) (i64.eqz (local.get $n)) (then (i64.const 0))
        (else (i64.add (i64.mul (local.get $n) (local.get $n)) (call $s (i64.sub (local.get $n) (i64.const 1))))))))`,
    args: singles([0n, 1n, 10n, 500n, 900n]),
    expected: [[0n], [1n], [385n], [41791750n], [243405150n]],
  },
  {
    name: 'f64 and f32 mutable globals',
    wat: `(module
      (global $x (mut f64) (f64.const 0.1))
      (global $y (mut f32) (f32.const -0))
      (func (export "run") (param $n i32) (result f64 f32) (local $i i32)
        (block $d (loop $l
          (br_if $d (i32.ge_s (local.get $i) (local.get $n)))
          (global.set $x (f64.add (f64.mul (global.get $x) (f64.const 1.5)) (f64.convert_i32_s (local.get $i))))
          (global.set $y (f32.sub (global.get $y) (f32.demote_f64 (global.get $x))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (global.get $x) (global.get $y)))`,
    args: singles([0, 1, 5, 100, 2000]),
  },
];

// ------------------------------------------------------------------ the tests

const GROUPS: Record<string, Case[]> = {
  loops,
  recursion,
  'i64 arithmetic': i64Arithmetic,
  'i32 arithmetic': i32Arithmetic,
  memory,
  tables,
  'globals, select, multi-value blocks': globalsSelectBlocks,
  'traps and float conversions': traps,
  'control-flow edges': controlEdges,
  'sizes and limits': sizes,
};

function expectedOutcome(expected: Expected, program: DiffProgram): Outcome {
  if (typeof expected === 'string') return { kind: 'trap', trap: expected };
  const { results } = program.signature;
  return {
    kind: 'values',
    values: expected.map((v, i) => BigInt.asUintN(results[i] === 'i64' || results[i] === 'f64' ? 64 : 32, BigInt(v))),
  };
}

for (const [group, cases] of Object.entries(GROUPS)) {
  describeWithHostWasm(`differential corpus: ${group}`, () => {
    for (const c of cases) {
      it(`${c.name} (${c.args.length} argument vectors)`, async () => {
        const wabt = await loadWabt();
        const program = new DiffProgram(watToWasm(wabt, c.wat), c.configs);
        const mismatches: string[] = [];
        c.args.forEach((args, i) => {
          const comparison = program.compare(args);
          mismatches.push(...comparison.mismatches);
          const expected = c.expected?.[i];
          if (expected !== undefined) {
            const want = showOutcome(expectedOutcome(expected, program));
            const v8 = comparison.v8.outcome;
            // V8 does not tell a null entry from a signature mismatch: check ours for the exact kind.
            const ours = comparison.ours[program.configNames[0]!]!.outcome;
            if (showOutcome(v8.kind === 'trap' && v8.trap.includes('|') ? ours : v8) !== want) {
              mismatches.push(`expected run(${args.join(', ')}) = ${want}; V8 ${showOutcome(v8)}, ours ${showOutcome(ours)}`);
            }
          }
        });
        // The same vectors once more, one after the other on one instance per engine.
        mismatches.push(...program.compareSequence(c.args));
        expect(mismatches, c.wat).toEqual([]);
      });
    }
  });
}
