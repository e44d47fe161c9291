/**
 * Opcode-sequence statistics from the interpreter's trace hook, for bench/sequences.bench.ts:
 * executed single opcodes, pairs, triples and 4-grams, weighted by execution, in two orders,
 * and counts of the instruction patterns that register-style fusion would target.
 *
 * - Execution order: the trace as it runs, across jumps, calls and returns.
 * - Straight line: n-grams at consecutive pcs of one frame (pc, pc+1, ...) executed one after
 *   the other, i.e. what a fuser sees as one static sequence. A callee's instructions are not
 *   part of its caller's line: `CallInternal LocalSet` is straight when the call returns to
 *   the next pc (that is how i64 snippet calls are followed by their result stores), and a
 *   taken branch, a return or the first instruction of a function breaks the line.
 *
 * Each recorder counts two views of the same run:
 * - `all`: every executed rWasm instruction (what the reference interpreter dispatches);
 * - `dispatch`: without the bodies of i64 snippet functions (a function that is exactly
 *   `StackCheck; <one of the reference's i64 sequences>; Return`). The rwasm-ts interpreter
 *   runs a call of one natively, so there the call is one instruction, shown as `Call[i64.op]`.
 * Calls of snippet functions are `Call[i64.op]` in both views (plain calls stay CallInternal).
 *
 * Symbols are 7 bits, so an n-gram is a small integer (the oldest instruction in the high bits).
 */
import { OPCODE_TABLE, Opcode, type RwasmModule, type TraceEvent, type TraceHook } from '../../src/index.js';
import { I64_SEQUENCES, i64Sequence, type I64SequenceName } from '../../src/format/i64-sequences.js';

// ------------------------------------------------------------------ symbols

/** Symbol names: the non-FPU opcodes, one symbol for every FPU opcode, then the i64 snippets. */
export const SYMBOL_NAMES: string[] = [];
const MAX_CODE = Math.max(...OPCODE_TABLE.map(([, code]) => code));
const SYMBOL_OF_CODE = new Uint8Array(MAX_CODE + 1);
const FPU_SYMBOL = (() => {
  for (const [name, code] of OPCODE_TABLE) {
    if (code < 1000) SYMBOL_OF_CODE[code] = SYMBOL_NAMES.push(name) - 1;
  }
  const fpu = SYMBOL_NAMES.push('<fpu op>') - 1;
  for (const [, code] of OPCODE_TABLE) if (code >= 1000) SYMBOL_OF_CODE[code] = fpu;
  return fpu;
})();
const SNIPPET_NAMES = Object.keys(I64_SEQUENCES) as I64SequenceName[];
const SNIPPET_SYMBOL = new Map(SNIPPET_NAMES.map((name) => [name, SYMBOL_NAMES.push(`Call[i64.${name}]`) - 1] as const));
if (SYMBOL_NAMES.length > 128) throw new Error(`${SYMBOL_NAMES.length} symbols do not fit 7 bits`);
void FPU_SYMBOL;

const sym = (name: keyof typeof Opcode): number => SYMBOL_OF_CODE[Opcode[name]]!;

/** Symbol classes (bit masks), for the patterns. */
export const Class = {
  LocalGet: 1 << 0,
  LocalSet: 1 << 1,
  LocalTee: 1 << 2,
  I32Const: 1 << 3,
  /** i32 binary arithmetic and bit operations (not comparisons). */
  Binop: 1 << 4,
  /** i32 binary comparisons. */
  Compare: 1 << 5,
  I32Eqz: 1 << 6,
  Load: 1 << 7,
  Store: 1 << 8,
  /** BrIfEqz, BrIfNez. */
  BrIf: 1 << 9,
  /** Any CallInternal, snippet calls included. */
  Call: 1 << 10,
  /** A call of an i64 snippet function. */
  CallI64: 1 << 11,
} as const;

const CLASS_OF_SYMBOL = new Uint32Array(128);
const addClass = (mask: number, ...names: Array<keyof typeof Opcode>) => {
  for (const name of names) CLASS_OF_SYMBOL[sym(name)]! |= mask;
};
addClass(Class.LocalGet, 'LocalGet');
addClass(Class.LocalSet, 'LocalSet');
addClass(Class.LocalTee, 'LocalTee');
addClass(Class.I32Const, 'I32Const');
addClass(Class.Binop, 'I32Add', 'I32Sub', 'I32Mul', 'I32DivS', 'I32DivU', 'I32RemS', 'I32RemU', 'I32And', 'I32Or', 'I32Xor', 'I32Shl', 'I32ShrS', 'I32ShrU', 'I32Rotl', 'I32Rotr');
addClass(Class.Compare, 'I32Eq', 'I32Ne', 'I32LtS', 'I32LtU', 'I32GtS', 'I32GtU', 'I32LeS', 'I32LeU', 'I32GeS', 'I32GeU');
addClass(Class.I32Eqz, 'I32Eqz');
addClass(Class.Load, 'I32Load', 'I32Load8S', 'I32Load8U', 'I32Load16S', 'I32Load16U');
addClass(Class.Store, 'I32Store', 'I32Store8', 'I32Store16');
addClass(Class.BrIf, 'BrIfEqz', 'BrIfNez');
addClass(Class.Call, 'CallInternal');
for (const symbol of SNIPPET_SYMBOL.values()) CLASS_OF_SYMBOL[symbol] = Class.Call | Class.CallI64;

const LOCAL_OPS = ['LocalGet', 'LocalSet', 'LocalTee'] as const;
const LOCAL_OP_INDEX = new Int8Array(128).fill(-1);
LOCAL_OPS.forEach((name, i) => (LOCAL_OP_INDEX[sym(name)] = i));
/** Local depth classes (depth 1 is the top of the stack). */
export const DEPTH_BUCKETS = ['1', '2', '3', '4', '5-8', '9-16', '17-32', '33-255', '256+'] as const;
const depthBucket = (depth: number): number =>
  depth <= 4 ? Math.max(depth, 1) - 1 : depth <= 8 ? 4 : depth <= 16 ? 5 : depth <= 32 ? 6 : depth <= 255 ? 7 : 8;

// ------------------------------------------------------------------ patterns

export const GROUPS = ['i32 register ops', 'compare/test + branch', 'i64 glue', 'any of the three'] as const;
const REG = 1;
const BRANCH = 2;
const I64 = 4;
const ANY = 8;

export interface Pattern {
  readonly label: string;
  /** Class mask of each instruction, oldest first. */
  readonly classes: readonly number[];
  /** Bit i: counts towards GROUPS[i] (a pattern in a group also counts towards the last). */
  readonly groups: number;
}

const C = Class;
export const PATTERNS: readonly Pattern[] = [
  { label: 'LocalGet LocalGet <binop> LocalSet', classes: [C.LocalGet, C.LocalGet, C.Binop, C.LocalSet], groups: REG },
  { label: 'LocalGet I32Const <binop> LocalSet', classes: [C.LocalGet, C.I32Const, C.Binop, C.LocalSet], groups: REG },
  { label: 'LocalGet LocalGet <binop>', classes: [C.LocalGet, C.LocalGet, C.Binop], groups: REG },
  { label: 'LocalGet I32Const <binop>', classes: [C.LocalGet, C.I32Const, C.Binop], groups: REG },
  { label: 'LocalGet LocalGet <compare>', classes: [C.LocalGet, C.LocalGet, C.Compare], groups: REG },
  { label: 'LocalGet I32Const <compare>', classes: [C.LocalGet, C.I32Const, C.Compare], groups: REG },
  { label: 'LocalGet <load>', classes: [C.LocalGet, C.Load], groups: REG },
  { label: 'LocalGet LocalGet <store>', classes: [C.LocalGet, C.LocalGet, C.Store], groups: REG },
  // Not in a group: the result-to-local half of a three-address op, overlapping everything.
  { label: '<binop> LocalSet', classes: [C.Binop, C.LocalSet], groups: 0 },
  { label: '<compare> BrIf*', classes: [C.Compare, C.BrIf], groups: BRANCH },
  { label: 'I32Eqz BrIf*', classes: [C.I32Eqz, C.BrIf], groups: BRANCH },
  { label: 'LocalGet BrIf*', classes: [C.LocalGet, C.BrIf], groups: BRANCH },
  { label: 'LocalGet x4 CallInternal', classes: [C.LocalGet, C.LocalGet, C.LocalGet, C.LocalGet, C.Call], groups: I64 },
  { label: '  of which Call[i64.*]', classes: [C.LocalGet, C.LocalGet, C.LocalGet, C.LocalGet, C.CallI64], groups: 0 },
  { label: 'CallInternal LocalSet LocalSet', classes: [C.Call, C.LocalSet, C.LocalSet], groups: I64 },
  { label: '  of which Call[i64.*]', classes: [C.CallI64, C.LocalSet, C.LocalSet], groups: 0 },
  { label: 'I32Const I32Const', classes: [C.I32Const, C.I32Const], groups: I64 },
  { label: 'I32Const I32Const Call[i64.*]', classes: [C.I32Const, C.I32Const, C.CallI64], groups: I64 },
  { label: 'LocalGet LocalGet I32Const I32Const Call[i64.*]', classes: [C.LocalGet, C.LocalGet, C.I32Const, C.I32Const, C.CallI64], groups: I64 },
  { label: 'Call[i64.*] LocalSet/LocalTee', classes: [C.CallI64, C.LocalSet | C.LocalTee], groups: I64 },
].map((p) => ({ ...p, groups: p.groups === 0 ? 0 : p.groups | ANY }));

const MAX_PATTERN = Math.max(...PATTERNS.map((p) => p.classes.length));
if (MAX_PATTERN > 5) throw new Error('patterns are matched on the last 5 instructions');
/** For each symbol: the patterns that can end with it. */
const PATTERNS_ENDING_WITH: Int32Array[] = Array.from({ length: 128 }, (_, s) =>
  Int32Array.from(PATTERNS.flatMap((p, i) => (CLASS_OF_SYMBOL[s]! & p.classes[p.classes.length - 1]! ? [i] : []))),
);

// ------------------------------------------------------------------ per-module tables

export interface CodeTables {
  /** Symbol of the instruction at each pc (snippet calls get their `Call[i64.op]` symbol). */
  readonly symbolAt: Uint8Array;
  /** 1 at the pcs of i64 snippet function bodies (StackCheck ... Return). */
  readonly inSnippet: Uint8Array;
  readonly snippetFunctions: number;
}

const tablesByModule = new WeakMap<RwasmModule, CodeTables>();

/** Symbols by pc, and where the i64 snippet functions are (recognised as the interpreter does). */
export function codeTables(module: RwasmModule): CodeTables {
  const known = tablesByModule.get(module);
  if (known) return known;
  const { codes, bits, length } = module.code.rawView();
  const symbolAt = new Uint8Array(length + 1);
  for (let pc = 0; pc < length; pc++) symbolAt[pc] = SYMBOL_OF_CODE[codes[pc]!]!;
  const inSnippet = new Uint8Array(length + 1);
  const snippetAt = new Map<number, I64SequenceName | undefined>();
  const recognise = (target: number): I64SequenceName | undefined => {
    if (codes[target] !== Opcode.StackCheck) return undefined;
    search: for (const name of SNIPPET_NAMES) {
      const sequence = i64Sequence(name);
      const size = sequence.codes.length;
      if (bits[target] !== sequence.maxStackHeight || target + size + 1 >= length) continue;
      for (let i = 0; i < size; i++) {
        if (codes[target + 1 + i] !== sequence.codes[i] || bits[target + 1 + i] !== sequence.bits[i]) continue search;
      }
      if (codes[target + 1 + size] !== Opcode.Return) continue;
      inSnippet.fill(1, target, target + size + 2);
      return name;
    }
    return undefined;
  };
  for (let pc = 0; pc < length; pc++) {
    if (codes[pc] !== Opcode.CallInternal) continue;
    const target = bits[pc]!;
    if (!snippetAt.has(target)) snippetAt.set(target, recognise(target));
    const name = snippetAt.get(target);
    if (name) symbolAt[pc] = SNIPPET_SYMBOL.get(name)!;
  }
  const tables = { symbolAt, inSnippet, snippetFunctions: [...snippetAt.values()].filter(Boolean).length };
  tablesByModule.set(module, tables);
  return tables;
}

// ------------------------------------------------------------------ counting

/** Open-addressing counts by non-negative integer key (< 2^31). */
class CountTable {
  private keys: Int32Array;
  private counts: Float64Array;
  private mask: number;
  private size = 0;

  constructor(capacity = 1 << 14) {
    this.keys = new Int32Array(capacity);
    this.counts = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  add(key: number): void {
    const stored = key + 1;
    const keys = this.keys;
    let i = Math.imul(stored, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const at = keys[i]!;
      if (at === stored) {
        this.counts[i]!++;
        return;
      }
      if (at === 0) {
        keys[i] = stored;
        this.counts[i] = 1;
        if (++this.size * 2 > keys.length) this.grow();
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.counts = new Float64Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === 0) continue;
      let j = Math.imul(keys[i]!, 0x9e3779b1) >>> 0 & this.mask;
      while (this.keys[j] !== 0) j = (j + 1) & this.mask;
      this.keys[j] = keys[i]!;
      this.counts[j] = counts[i]!;
    }
  }

  toMap(): Map<number, number> {
    const out = new Map<number, number>();
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] !== 0) out.set(this.keys[i]! - 1, this.counts[i]!);
    return out;
  }
}

const denseToMap = (counts: Float64Array | Uint32Array): Map<number, number> => {
  const out = new Map<number, number>();
  for (let key = 0; key < counts.length; key++) if (counts[key] !== 0) out.set(key, counts[key]!);
  return out;
};

/** What one view of one program counted. N-gram maps: key → executions (see `ngramName`). */
export interface ViewStats {
  readonly total: number;
  readonly opcodes: Map<number, number>;
  /** Execution order, n = 2, 3, 4. */
  readonly exec: readonly [Map<number, number>, Map<number, number>, Map<number, number>];
  /** Straight line, n = 2, 3, 4. */
  readonly straight: readonly [Map<number, number>, Map<number, number>, Map<number, number>];
  /** Matches of each of PATTERNS (straight line). */
  readonly patterns: readonly number[];
  /** Instructions inside at least one match of a pattern of each of GROUPS. */
  readonly groupCoverage: readonly number[];
  /** LocalGet, LocalSet, LocalTee executions by DEPTH_BUCKETS. */
  readonly localDepths: readonly (readonly number[])[];
}

const bitCount = (bits: number): number => {
  let n = 0;
  for (; bits !== 0; bits &= bits - 1) n++;
  return n;
};

const FRAMES = 1100; // call depths 0..1024 (MAX_CALL_DEPTH) and some room

/** The counters of one view. `add` is the hot path: called once per counted instruction. */
class ViewCounter {
  total = 0;
  private readonly opcodes = new Float64Array(128);
  private readonly execPairs = new Float64Array(1 << 14);
  private readonly execTriples = new Uint32Array(1 << 21);
  private readonly execQuads = new CountTable();
  private readonly straightPairs = new Float64Array(1 << 14);
  private readonly straightTriples = new Uint32Array(1 << 21);
  private readonly straightQuads = new CountTable();
  private readonly patternCounts = new Float64Array(PATTERNS.length);
  private readonly coverage = new Float64Array(GROUPS.length);
  private readonly depths = new Float64Array(LOCAL_OPS.length * DEPTH_BUCKETS.length);

  // Execution order: the last 4 symbols (newest in the low bits) and how many of them count.
  private history = 0;
  private known = 0;
  // Straight line, per call depth: last 4 symbols, straight predecessors (0..4), last pc, position.
  private readonly frameHistory = new Int32Array(FRAMES);
  private readonly frameRun = new Int32Array(FRAMES);
  private readonly framePc = new Int32Array(FRAMES);
  private readonly framePos = new Float64Array(FRAMES);
  private readonly frameSegment = new Int32Array(FRAMES).fill(-1);
  /** Per group and depth: which recent frame positions a match covers (bit i: position at - i). */
  private readonly frameCovered = new Int32Array(FRAMES * GROUPS.length);
  private readonly frameCoveredAt = new Float64Array(FRAMES * GROUPS.length);
  private lastDepth = -1;
  private segmentId = 0;

  /** A new run: nothing before it is adjacent to what comes. */
  begin(): void {
    this.known = 0;
    this.lastDepth = -1;
    this.segmentId++;
  }

  add(s: number, pc: number, depth: number, immediate: number): void {
    this.total++;
    this.opcodes[s]!++;
    // Execution order.
    const h = this.history;
    const known = this.known;
    if (known >= 1) this.execPairs[((h & 0x7f) << 7) | s]!++;
    if (known >= 2) this.execTriples[((h & 0x3fff) << 7) | s]!++;
    if (known >= 3) this.execQuads.add(((h & 0x1fffff) << 7) | s);
    this.history = ((h & 0x1fffff) << 7) | s;
    if (known < 3) this.known = known + 1;

    // Straight line within the frame at this depth.
    if (depth > this.lastDepth || this.frameSegment[depth] !== this.segmentId) {
      // Entered a function (or the run began here): a fresh line.
      this.frameSegment[depth] = this.segmentId;
      this.frameRun[depth] = -1;
      this.framePc[depth] = -2;
      this.framePos[depth] = 0;
      for (let g = 0; g < GROUPS.length; g++) {
        this.frameCovered[g * FRAMES + depth] = 0;
        this.frameCoveredAt[g * FRAMES + depth] = -64;
      }
    }
    this.lastDepth = depth;
    const fh = this.frameHistory[depth]!;
    const straight = pc === this.framePc[depth]! + 1;
    const run = straight ? Math.min(this.frameRun[depth]! + 1, 4) : 0;
    if (run >= 1) this.straightPairs[((fh & 0x7f) << 7) | s]!++;
    if (run >= 2) this.straightTriples[((fh & 0x3fff) << 7) | s]!++;
    if (run >= 3) this.straightQuads.add(((fh & 0x1fffff) << 7) | s);
    const pos = this.framePos[depth]!;
    if (run >= 1) {
      const candidates = PATTERNS_ENDING_WITH[s]!;
      for (let c = 0; c < candidates.length; c++) {
        const index = candidates[c]!;
        const pattern = PATTERNS[index]!;
        const k = pattern.classes.length;
        if (k > run + 1) continue;
        let match = true;
        for (let back = 1; back < k; back++) {
          const earlier = (fh >>> (7 * (back - 1))) & 0x7f;
          if ((CLASS_OF_SYMBOL[earlier]! & pattern.classes[k - 1 - back]!) === 0) {
            match = false;
            break;
          }
        }
        if (!match) continue;
        this.patternCounts[index]!++;
        // Coverage: a bit mask of which of the frame's last positions some match covers.
        const want = (1 << k) - 1;
        for (let g = 0; g < GROUPS.length; g++) {
          if ((pattern.groups & (1 << g)) === 0) continue;
          const slot = g * FRAMES + depth;
          const shift = pos - this.frameCoveredAt[slot]!;
          const mask = shift >= 31 ? 0 : this.frameCovered[slot]! << shift;
          this.coverage[g]! += bitCount(want & ~mask);
          this.frameCovered[slot] = mask | want;
          this.frameCoveredAt[slot] = pos;
        }
      }
    }
    this.frameHistory[depth] = ((fh & 0x1fffff) << 7) | s;
    this.frameRun[depth] = run;
    this.framePc[depth] = pc;
    this.framePos[depth] = pos + 1;

    const local = LOCAL_OP_INDEX[s]!;
    if (local >= 0) this.depths[local * DEPTH_BUCKETS.length + depthBucket(immediate)]!++;
  }

  stats(): ViewStats {
    const depths = Array.from(LOCAL_OPS, (_, i) => Array.from(this.depths.subarray(i * DEPTH_BUCKETS.length, (i + 1) * DEPTH_BUCKETS.length)));
    return {
      total: this.total,
      opcodes: denseToMap(this.opcodes),
      exec: [denseToMap(this.execPairs), denseToMap(this.execTriples), this.execQuads.toMap()],
      straight: [denseToMap(this.straightPairs), denseToMap(this.straightTriples), this.straightQuads.toMap()],
      patterns: Array.from(this.patternCounts),
      groupCoverage: Array.from(this.coverage),
      localDepths: depths,
    };
  }
}

/** Thrown out of the trace hook when a program reaches the instruction limit. */
export class TraceLimitReached extends Error {
  constructor(readonly limit: number) {
    super(`trace limit of ${limit} instructions reached`);
  }
}

export interface RecordedStats {
  readonly all: ViewStats;
  readonly dispatch: ViewStats;
  readonly truncated: boolean;
  readonly snippetFunctions: number;
}

/**
 * Counts the instructions of the runs it is told about. Give its `hook` to the Machine or
 * SystemRuntime (the event's pc indexes `module`'s code), and wrap every run in `segment`:
 * instructions outside segments (instantiation) are not counted.
 */
export class SequenceRecorder {
  readonly hook: TraceHook;
  private readonly all = new ViewCounter();
  private readonly dispatch = new ViewCounter();
  private readonly tables: CodeTables;
  private active = false;
  private truncated = false;

  constructor(module: RwasmModule, readonly limit: number) {
    const tables = (this.tables = codeTables(module));
    const { symbolAt, inSnippet } = tables;
    const all = this.all;
    const dispatch = this.dispatch;
    this.hook = (event: TraceEvent) => {
      if (!this.active) return;
      if (all.total >= limit) {
        this.truncated = true;
        throw new TraceLimitReached(limit);
      }
      const pc = event.pc;
      const s = symbolAt[pc]!;
      all.add(s, pc, event.callDepth, event.immediate);
      if (inSnippet[pc] === 0) dispatch.add(s, pc, event.callDepth, event.immediate);
    };
  }

  segment<T>(run: () => T): T {
    this.all.begin();
    this.dispatch.begin();
    this.active = true;
    try {
      return run();
    } finally {
      this.active = false;
    }
  }

  get counted(): number {
    return this.all.total;
  }

  stats(): RecordedStats {
    return { all: this.all.stats(), dispatch: this.dispatch.stats(), truncated: this.truncated, snippetFunctions: this.tables.snippetFunctions };
  }
}

// ------------------------------------------------------------------ presentation helpers

/** The symbols of an n-gram key, oldest first. */
export function ngramSymbols(key: number, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push((key >>> (7 * i)) & 0x7f);
  return out;
}

export function ngramName(key: number, n: number): string {
  return ngramSymbols(key, n)
    .map((s) => SYMBOL_NAMES[s])
    .join(' ');
}

/** The `count` largest entries, largest first (ties by key, for stable output). */
export function top(map: ReadonlyMap<number, number>, count: number): Array<[number, number]> {
  return [...map].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, count);
}
