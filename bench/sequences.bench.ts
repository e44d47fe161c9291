/**
 * The most executed rWasm opcode sequences of real programs, to justify interpreter fusion
 * (superinstruction) choices from data: single opcodes, pairs, triples and 4-grams weighted by
 * execution, in execution order and within straight-line code, plus the patterns that
 * register-style fusion targets (see support/sequence-stats.ts for the exact definitions).
 * Every program runs on a traced machine (tracing never fuses, so the trace is the plain rWasm
 * instruction stream).
 *
 *   npm run bench -- sequences                       # all programs; writes bench/SEQUENCES.md
 *   npm run bench -- sequences --program=keccak,evm  # some programs (no SEQUENCES.md)
 *   npm run bench -- sequences --program=sha256 --n=8 --top=10 --view=dispatch
 *   npm run bench -- sequences --file=x.wasm --invoke=main --args=1,2
 *   npm run bench -- sequences --file=x.rwasm [--args=1,2 --results=1 | --state=deploy --input=<hex>]
 *
 * Options (`--name=value`; `--name value` works too when the bundle is run with node directly):
 *   --program=a,b   programs to run (names as in the report; default all)
 *   --n=N           size parameter for the selected program(s) (n, or rounds for evm*)
 *   --limit=N       stop tracing a program after N instructions (default 20M; 5e6 and 500k work)
 *   --top=N         rows per table (default 25)
 *   --view=V        console tables for `all` instructions (default) or `dispatch` (i64 snippet
 *                   bodies left out, as the rwasm-ts interpreter runs snippet calls natively)
 *   --quiet         no per-program tables on the console
 *   --write / --no-write   write bench/SEQUENCES.md (default: only for a run of all programs)
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { builtinPrograms, fileProgram, type TracedProgram } from './support/sequence-programs.js';
import {
  DEPTH_BUCKETS,
  GROUPS,
  PATTERNS,
  SequenceRecorder,
  TraceLimitReached,
  ngramName,
  top,
  type RecordedStats,
  type ViewStats,
} from './support/sequence-stats.js';
import { benchDir } from './support/shared.js';

// ------------------------------------------------------------------ options

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    if (arg === `--${name}` && i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) return argv[i + 1];
  }
  return undefined;
}
const flag = (name: string): boolean => argv.includes(`--${name}`);

function count(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const match = /^([\d.e+]+)([kKmM]?)$/.exec(text.trim());
  const value = match ? Number(match[1]) * (match[2] === '' ? 1 : /k/i.test(match[2]!) ? 1e3 : 1e6) : NaN;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`not a count: ${text}`);
  return Math.round(value);
}

const limit = count(option('limit'), 20_000_000);
const rows = count(option('top'), 25);
const view: 'all' | 'dispatch' = option('view') === 'dispatch' ? 'dispatch' : 'all';
const quiet = flag('quiet');
const file = option('file');
const selected = option('program')?.split(',').filter(Boolean);
const sizeOverride = option('n') === undefined ? undefined : count(option('n'), 1);

let programs: TracedProgram[];
if (file) {
  const input = option('input');
  programs = [
    fileProgram({
      file,
      invoke: option('invoke'),
      args: option('args')?.split(',').filter(Boolean) ?? [],
      results: option('results') === undefined ? undefined : Number(option('results')),
      state: option('state') === 'deploy' ? 'deploy' : 'main',
      input: input === undefined ? undefined : Uint8Array.from(input.replace(/^0x/, '').match(/../g) ?? [], (h) => parseInt(h, 16)),
    }),
  ];
} else {
  const all = builtinPrograms();
  const unknown = selected?.filter((name) => !all.some((p) => p.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown program(s): ${unknown.join(', ')} (have: ${all.map((p) => p.name).join(', ')})`);
    process.exit(2);
  }
  programs = selected ? all.filter((p) => selected.includes(p.name)) : all;
}
const fullRun = !file && !selected && sizeOverride === undefined && option('limit') === undefined;
const write = flag('write') || (fullRun && !flag('no-write'));

// ------------------------------------------------------------------ formatting

const pct = (value: number, total: number): number => (total === 0 ? 0 : (100 * value) / total);
const fmtPct = (p: number): string => (p >= 10 ? p.toFixed(1) : p.toFixed(2)) + '%';
const fmtCount = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtShort = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${Math.round(n)}`);
const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

/** A table of n-grams as percentages of executed instructions. */
interface Ranked {
  readonly title: string;
  readonly n: number;
  /** key → percent of executed instructions (and the count, for a single program). */
  readonly entries: Array<{ key: number; pct: number; count?: number }>;
}

const KINDS = [
  { title: 'opcodes', n: 1, pick: (v: ViewStats) => v.opcodes },
  { title: 'pairs (execution order)', n: 2, pick: (v: ViewStats) => v.exec[0] },
  { title: 'triples (execution order)', n: 3, pick: (v: ViewStats) => v.exec[1] },
  { title: '4-grams (execution order)', n: 4, pick: (v: ViewStats) => v.exec[2] },
  { title: 'pairs (straight line)', n: 2, pick: (v: ViewStats) => v.straight[0] },
  { title: 'triples (straight line)', n: 3, pick: (v: ViewStats) => v.straight[1] },
  { title: '4-grams (straight line)', n: 4, pick: (v: ViewStats) => v.straight[2] },
] as const;

function rankedOf(stats: ViewStats): Ranked[] {
  return KINDS.map((kind) => ({
    title: kind.title,
    n: kind.n,
    entries: top(kind.pick(stats), rows).map(([key, c]) => ({ key, pct: pct(c, stats.total), count: c })),
  }));
}

/** Mean of each n-gram's percentage over the programs (each program weighs the same). */
function rankedMean(all: readonly ViewStats[]): Ranked[] {
  return KINDS.map((kind) => {
    const sum = new Map<number, number>();
    for (const stats of all) for (const [key, c] of kind.pick(stats)) sum.set(key, (sum.get(key) ?? 0) + pct(c, stats.total));
    const mean = new Map([...sum].map(([key, p]) => [key, p / all.length]));
    return { title: kind.title, n: kind.n, entries: top(mean, rows).map(([key, p]) => ({ key, pct: p })) };
  });
}

function printRanked(tables: readonly Ranked[]): void {
  for (const table of tables) {
    console.log(`  ${table.title}`);
    table.entries.forEach((e, i) => {
      const c = e.count === undefined ? '' : fmtCount(e.count).padStart(12);
      console.log(`    ${String(i + 1).padStart(2)}. ${fmtPct(e.pct).padStart(7)} ${c}  ${ngramName(e.key, table.n)}`);
    });
  }
}

/** Pattern matches and coverage (% of executed instructions inside matches) of one view. */
function patternRows(stats: ViewStats): Array<{ label: string; matches?: number; coverage: number }> {
  return [
    ...PATTERNS.map((p, i) => ({ label: p.label, matches: stats.patterns[i]!, coverage: pct(stats.patterns[i]! * p.classes.length, stats.total) })),
    ...GROUPS.map((g, i) => ({ label: `union: ${g}`, coverage: pct(stats.groupCoverage[i]!, stats.total) })),
  ];
}

// ------------------------------------------------------------------ running

interface ProgramResult {
  readonly program: TracedProgram;
  readonly n: number;
  readonly stats: RecordedStats;
  readonly ms: number;
  readonly outcome: string;
}

const results: ProgramResult[] = [];
const started = performance.now();
console.log(
  `rWasm opcode sequences: ${programs.length} program(s), trace limit ${fmtCount(limit)} instructions each, top ${rows}` +
    `, console tables for ${view === 'all' ? 'all instructions' : 'the dispatch view (i64 snippet bodies left out)'}`,
);
for (const program of programs) {
  const n = sizeOverride ?? program.n;
  const recorder = new SequenceRecorder(program.module, limit);
  const start = performance.now();
  let outcome: string;
  try {
    outcome = program.run(recorder, n) ?? 'done';
  } catch (error) {
    if (!(error instanceof TraceLimitReached)) throw error;
    outcome = `stopped at the trace limit`;
  }
  const ms = performance.now() - start;
  const stats = recorder.stats();
  results.push({ program, n, stats, ms, outcome });
  const snippetShare = pct(stats.all.total - stats.dispatch.total, stats.all.total);
  console.log(
    `\n== ${program.name} (${program.group}): ${program.describe(n)}\n   ${fmtCount(stats.all.total)} rWasm instructions` +
      ` (${fmtPct(snippetShare)} in i64 snippet bodies; ${fmtCount(stats.dispatch.total)} dispatched with snippets native)` +
      `, ${fmtMs(ms)}, ${outcome}${stats.truncated ? ' [TRUNCATED]' : ''}`,
  );
  if (!quiet) {
    printRanked(rankedOf(view === 'all' ? stats.all : stats.dispatch));
    console.log('  patterns (straight line): matches, % of executed instructions covered — all | dispatch');
    const a = patternRows(stats.all);
    const d = patternRows(stats.dispatch);
    a.forEach((row, i) => {
      const m = (x: number | undefined) => (x === undefined ? '' : fmtCount(x)).padStart(12);
      console.log(`    ${row.label.padEnd(48)} ${m(row.matches)} ${fmtPct(row.coverage).padStart(7)} | ${m(d[i]!.matches)} ${fmtPct(d[i]!.coverage).padStart(7)}`);
    });
  }
}
const totalMs = performance.now() - started;

const allOf = (list: readonly ProgramResult[]) => list.map((r) => r.stats.all);
const dispatchOf = (list: readonly ProgramResult[]) => list.map((r) => r.stats.dispatch);
if (results.length > 1) {
  console.log(`\n== aggregate over ${results.length} programs (each weighs the same), ${view === 'all' ? 'all instructions' : 'dispatch view'}`);
  printRanked(rankedMean(view === 'all' ? allOf(results) : dispatchOf(results)));
}
console.log('\n== pattern coverage (straight line, % of executed instructions inside a match of the group): all | dispatch');
console.log(`  ${'program'.padEnd(12)} ${GROUPS.map((g) => g.padStart(26)).join('')}`);
for (const r of results) {
  const a = patternRows(r.stats.all).slice(PATTERNS.length);
  const d = patternRows(r.stats.dispatch).slice(PATTERNS.length);
  console.log(`  ${r.program.name.padEnd(12)} ${a.map((row, i) => `${fmtPct(row.coverage)} | ${fmtPct(d[i]!.coverage)}`.padStart(26)).join('')}`);
}
const traced = results.reduce((sum, r) => sum + r.stats.all.total, 0);
console.log(`\n${fmtCount(traced)} instructions traced in ${fmtMs(totalMs)}`);

// ------------------------------------------------------------------ SEQUENCES.md

function mdRanked(tables: readonly Ranked[], withCounts: boolean): string[] {
  const sections: Array<[string, Ranked[]]> = [
    ['Execution order', [tables[0]!, tables[1]!, tables[2]!, tables[3]!]],
    ['Straight line', [tables[4]!, tables[5]!, tables[6]!]],
  ];
  const out: string[] = [];
  for (const [title, list] of sections) {
    out.push(`**${title}**`, '');
    const heads = list.map((t) => t.title.replace(/ \(.*\)$/, ''));
    out.push(`| # | ${heads.map((h) => (withCounts ? `${h} | % | count` : `${h} | %`)).join(' | ')} |`);
    out.push(`|--:|${list.map(() => (withCounts ? '---|--:|--:' : '---|--:')).join('|')}|`);
    for (let i = 0; i < rows; i++) {
      const cells = list.map((t) => {
        const e = t.entries[i];
        if (!e) return withCounts ? ' | | ' : ' | ';
        const name = ngramName(e.key, t.n);
        return withCounts ? `${name} | ${fmtPct(e.pct)} | ${fmtCount(e.count ?? 0)}` : `${name} | ${fmtPct(e.pct)}`;
      });
      out.push(`| ${i + 1} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out;
}

function mdPatternTable(list: readonly ProgramResult[], pick: (r: ProgramResult) => ViewStats, value: 'coverage' | 'matches'): string[] {
  const perProgram = list.map((r) => patternRows(pick(r)));
  const labels = perProgram[0]!.map((row) => row.label);
  const withMean = value === 'coverage';
  const out = [
    `| pattern |${withMean ? ' mean |' : ''} ${list.map((r) => r.program.name).join(' | ')} |`,
    `|---|${withMean ? '--:|' : ''}${list.map(() => '--:').join('|')}|`,
  ];
  labels.forEach((label, i) => {
    if (value === 'matches' && label.startsWith('union')) return;
    const cells = perProgram.map((rowsOf) => (value === 'coverage' ? rowsOf[i]!.coverage : rowsOf[i]!.matches ?? 0));
    const mean = withMean ? ` ${fmtPct(cells.reduce((a, b) => a + b, 0) / cells.length)} |` : '';
    const text = cells.map((c) => (value === 'coverage' ? fmtPct(c) : fmtShort(c)));
    const shownLabel = label.startsWith('union') ? `**${label}**` : label.startsWith('  ') ? `&nbsp;&nbsp;${label.trim()}` : label;
    out.push(`| ${shownLabel} |${mean} ${text.join(' | ')} |`);
  });
  return out;
}

function mdDepths(list: readonly ProgramResult[]): string[] {
  const cumulative = (buckets: readonly number[], upTo: number) => pct(buckets.slice(0, upTo + 1).reduce((a, b) => a + b, 0), buckets.reduce((a, b) => a + b, 0));
  const cuts = [3, 4, 5, 6, 7]; // indexes in DEPTH_BUCKETS: ≤4, ≤8, ≤16, ≤32, ≤255
  const cutNames = cuts.map((c) => `≤${DEPTH_BUCKETS[c]!.split('-').pop()}`);
  const out = [
    `| program | ${cutNames.map((c) => `LocalGet ${c}`).join(' | ')} | ${cutNames.map((c) => `LocalSet/Tee ${c}`).join(' | ')} |`,
    `|---|${cuts.map(() => '--:').join('|')}|${cuts.map(() => '--:').join('|')}|`,
  ];
  for (const r of list) {
    const [get, set, tee] = r.stats.dispatch.localDepths;
    const setTee = set!.map((v, i) => v + tee![i]!);
    out.push(`| ${r.program.name} | ${cuts.map((c) => fmtPct(cumulative(get!, c))).join(' | ')} | ${cuts.map((c) => fmtPct(cumulative(setTee, c))).join(' | ')} |`);
  }
  return out;
}

if (write) {
  const byName = (names: readonly string[]) => results.filter((r) => names.includes(r.program.name));
  const i64Heavy = byName(['keccak', 'blake2b', 'bigint']);
  const evm = byName(['evm', 'evm-storage']);
  const md: string[] = [
    '# rWasm opcode sequences',
    '',
    `Written by \`npm run bench -- sequences\` (bench/sequences.bench.ts) on ${new Date().toISOString().slice(0, 10)},` +
      ` Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}: ${fmtCount(traced)} traced rWasm instructions in ${fmtMs(totalMs)}.` +
      ' The data for choosing interpreter fusions (superinstructions).',
    '',
    '## What is counted',
    '',
    '- Every program runs on a traced `Machine` / `SystemRuntime` (tracing never fuses, so the trace is the plain rWasm',
    '  instruction stream); only the run is counted, not the instantiation. Percentages are of the program\'s executed',
    '  instructions: an n-gram at 5% ran (as a whole) once per 20 instructions.',
    '- **Execution order**: the trace as it runs, across jumps, calls and returns.',
    '- **Straight line**: n-grams at consecutive pcs (pc, pc+1, ...) of one frame that ran one after the other — what a',
    '  fuser sees as a static sequence. A callee does not belong to its caller\'s line, so `CallInternal LocalSet` is',
    '  straight when the call returns to the next pc. Taken branches, returns and function entries break a line.',
    '- **Call[i64.op]** is a `CallInternal` of an i64 snippet function (`StackCheck; <i64 sequence>; Return`, recognised',
    '  as the interpreter recognises them); plain calls stay `CallInternal`.',
    '- Two views: **all instructions** (what the reference interpreter dispatches, snippet bodies included) and',
    '  **snippets native** (snippet bodies left out: rwasm-ts runs a snippet call natively, as one instruction). The',
    '  second is the stream a fusion in rwasm-ts would act on.',
    '- **Aggregate**: the mean of the programs\' percentages (each program weighs the same).',
    '- **Patterns** are matched on straight-line code. Coverage = matches × pattern length / executed instructions; a',
    '  **union** row counts each instruction inside at least one match of the group once (`<binop> LocalSet` and the',
    '  `of which` rows belong to no group; `any of the three` is the union of the three groups). Overlaps are common:',
    '  `LocalGet LocalGet <binop>` is a prefix of `LocalGet LocalGet <binop> LocalSet`; `I32Const I32Const` counts twice in',
    '  three constants. `<binop>` = i32 add/sub/mul/div/rem/and/or/xor/shl/shr/rotl/rotr, `<compare>` = i32',
    '  eq/ne/lt/gt/le/ge, `<load>` = I32Load*, `<store>` = I32Store*, `BrIf*` = BrIfEqz/BrIfNez.',
    '',
    '## Programs',
    '',
    '| program | group | what ran | rWasm instructions | in i64 snippet bodies | snippets native | trace time |',
    '|---|---|---|--:|--:|--:|--:|',
    ...results.map(
      (r) =>
        `| ${r.program.name} | ${r.program.group} | ${r.program.describe(r.n)}; ${r.outcome}${r.stats.truncated ? ' (truncated)' : ''} | ${fmtCount(r.stats.all.total)} |` +
        ` ${fmtPct(pct(r.stats.all.total - r.stats.dispatch.total, r.stats.all.total))} | ${fmtCount(r.stats.dispatch.total)} | ${fmtMs(r.ms)} |`,
    ),
    '',
    `## Aggregate: all ${results.length} programs, all instructions`,
    '',
    ...mdRanked(rankedMean(allOf(results)), false),
    `## Aggregate: all ${results.length} programs, snippets native`,
    '',
    ...mdRanked(rankedMean(dispatchOf(results)), false),
  ];
  if (i64Heavy.length > 0) {
    const names = i64Heavy.map((r) => r.program.name).join(', ');
    md.push(`## i64-heavy programs (${names}), all instructions`, '', ...mdRanked(rankedMean(allOf(i64Heavy)), false));
    md.push(`## i64-heavy programs (${names}), snippets native`, '', ...mdRanked(rankedMean(dispatchOf(i64Heavy)), false));
  }
  for (const r of evm) {
    md.push(`## EVM runtime: ${r.program.name}, all instructions`, '', `${r.program.describe(r.n)}.`, '', ...mdRanked(rankedOf(r.stats.all), true));
    md.push(`## EVM runtime: ${r.program.name}, snippets native`, '', ...mdRanked(rankedOf(r.stats.dispatch), true));
  }
  md.push(
    '## Register-fusion patterns per program',
    '',
    '**Share of executed instructions inside matches, snippets native**',
    '',
    ...mdPatternTable(results, (r) => r.stats.dispatch, 'coverage'),
    '',
    '**Share of executed instructions inside matches, all instructions**',
    '',
    ...mdPatternTable(results, (r) => r.stats.all, 'coverage'),
    '',
    '**Matches (executions), all instructions**',
    '',
    ...mdPatternTable(results, (r) => r.stats.all, 'matches'),
    '',
    '## Local depths (snippets native)',
    '',
    'Share of LocalGet and of LocalSet/LocalTee executions whose depth (1 = top of the stack) is at most 4, 8, 16, 32, 255:',
    'what an operand field of a register-style instruction would need.',
    '',
    ...mdDepths(results),
    '',
  );
  const out = join(benchDir(), 'SEQUENCES.md');
  writeFileSync(out, md.join('\n'));
  console.log(`wrote ${out}`);
}
