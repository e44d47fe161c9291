/**
 * The benchmark report (`npm run bench`, or `npm run bench -- --quick` in under a minute):
 * every kernel of bench/programs on rwasm-ts (program fuel off and on), V8's WebAssembly,
 * polywasm and webassemblyjs, interleaved, every answer checked against V8's; the same for
 * the engines that still run without a JIT, in a `node --jitless` child; then the decode,
 * compile and runtime measurements. Prints tables and writes bench/RESULTS.md and
 * bench/results.svg.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINES, POLYWASM, RWASM, RWASM_COMPILED, RWASM_COMPILED_FUEL, RWASM_FUEL, V8, type Engine, type Runner } from './support/engines.js';
import { BENCH_KERNELS, type BenchKernel } from './support/kernels.js';
import { REAL_PROGRAMS, type RealProgram } from './support/real-programs.js';
import { formatMs, measureCompile, measureDecode, measureRuntime, type Measure } from './support/measures.js';
import { barChart } from './support/chart.js';
import { LIMIT_CASES, METERINGS, limitRows, measureLimits } from './support/limits.js';
import { benchDir } from './support/shared.js';
import { measureEvm } from './support/evm-timing.js';

const here = benchDir();

const quick = process.argv.includes('--quick');
const childInput = process.argv.includes('--jitless-child') ? process.argv[process.argv.indexOf('--jitless-child') + 1] : undefined;
/** Each engine's n is the smallest calibration size whose run takes at least this long. */
const TARGET_MS = childInput ? (quick ? 10 : 40) : quick ? 12 : 100;
const ROUNDS = childInput ? (quick ? 3 : 5) : quick ? 5 : 11;
/** The engines that run without a JIT (no host WebAssembly, so no V8; webassemblyjs is wrong anyway). */
const JITLESS_ENGINES = [RWASM, RWASM_FUEL, RWASM_COMPILED, RWASM_COMPILED_FUEL, POLYWASM];
/** webassemblyjs answers 4 of the 5 kernels wrongly and is far slower; the real programs leave it out. */
const PROGRAM_ENGINES = [RWASM, RWASM_FUEL, RWASM_COMPILED, RWASM_COMPILED_FUEL, V8, POLYWASM];
/** A real program runs at the smallest n at which rwasm-ts (the first engine) takes at least this long. */
const JITLESS_PROGRAM_TARGET_MS = quick ? 10 : 40;
const PROGRAM_TARGET_MS = childInput ? JITLESS_PROGRAM_TARGET_MS : quick ? 25 : 200;

/** Targets of issue 5, in M Wasm instructions per second, for rwasm-ts without fuel. */
const TARGETS: Record<string, number> = { fib: 150, sum: 400, hash: 100, memory: 300, calls: 150 };

interface Result {
  readonly kernel: BenchKernel;
  readonly engine: Engine;
  readonly outcome: 'ok' | 'wrong answer' | 'crash';
  readonly detail?: string;
  readonly n?: number;
  readonly medianMs?: number;
  readonly rwasmInstructions?: bigint;
}

function timeOnce(runner: Runner, n: number): number {
  const start = performance.now();
  runner(n);
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** undefined when run(n) answers what V8 does; else what to report. */
function failureOf(runner: Runner, n: number, expect: (n: number) => number): { outcome: 'wrong answer' | 'crash'; detail: string; n: number } | undefined {
  try {
    const got = runner(n);
    const want = expect(n);
    return got === want ? undefined : { outcome: 'wrong answer', detail: `run(${n}) = ${got}, V8 says ${want}`, n };
  } catch (error) {
    return { outcome: 'crash', detail: `run(${n}): ${(error as Error).message}`, n };
  }
}

async function benchKernel(kernel: BenchKernel, engines: readonly Engine[], expect: (n: number) => number): Promise<Result[]> {
  const results: Result[] = [];
  const live: Array<{ engine: Engine; runner: Runner; n: number; times: number[] }> = [];
  for (const engine of engines) {
    let runner: Runner;
    try {
      runner = await engine.load(kernel.wasm);
    } catch (error) {
      results.push({ kernel, engine, outcome: 'crash', detail: `cannot load: ${(error as Error).message}` });
      continue;
    }
    const check = (n: number): Result | undefined => {
      const failure = failureOf(runner, n, expect);
      return failure && { kernel, engine, ...failure };
    };
    const failed = check(kernel.sizes[0]!);
    if (failed) {
      results.push(failed);
      continue;
    }
    let n = kernel.sizes[0]!;
    for (const size of kernel.sizes) {
      n = size;
      // The faster of two runs: the first may still be warming up the JIT.
      if (timeOnce(runner, size) >= TARGET_MS && timeOnce(runner, size) >= TARGET_MS) break;
    }
    const wrong = check(n);
    if (wrong) {
      results.push(wrong);
      continue;
    }
    live.push({ engine, runner, n, times: [] });
  }
  // Interleaved: each round runs every engine once, starting from a different one each time.
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < live.length; k++) {
      const entry = live[(round + k) % live.length]!;
      entry.times.push(timeOnce(entry.runner, entry.n));
    }
  }
  for (const { engine, n, times } of live) {
    results.push({
      kernel,
      engine,
      outcome: 'ok',
      n,
      medianMs: median(times),
      rwasmInstructions: engine.rwasmInstructions?.(kernel.wasm, n),
    });
  }
  return engines.map((engine) => results.find((r) => r.engine === engine)!);
}

interface ProgramResult {
  readonly program: RealProgram;
  readonly engine: Engine;
  readonly outcome: Result['outcome'];
  readonly detail?: string;
  readonly n?: number;
  readonly medianMs?: number;
}

/** Every engine at one n (the first engine's calibration), so the times compare directly. */
async function benchProgram(program: RealProgram, engines: readonly Engine[], expect: (n: number) => number): Promise<ProgramResult[]> {
  const results: ProgramResult[] = [];
  let live: Array<{ engine: Engine; runner: Runner; times: number[] }> = [];
  const check = (engine: Engine, runner: Runner, n: number): ProgramResult | undefined => {
    const failure = failureOf(runner, n, expect);
    return failure && { program, engine, ...failure };
  };
  for (const engine of engines) {
    try {
      const runner = await engine.load(program.wasm);
      const failed = check(engine, runner, program.sizes[0]!);
      if (failed) results.push(failed);
      else live.push({ engine, runner, times: [] });
    } catch (error) {
      results.push({ program, engine, outcome: 'crash', detail: `cannot load: ${(error as Error).message}` });
    }
  }
  let n = program.sizes[0]!;
  if (live.length > 0) {
    for (const size of program.sizes) {
      n = size;
      if (timeOnce(live[0]!.runner, size) >= PROGRAM_TARGET_MS) break;
    }
  }
  live = live.filter(({ engine, runner }) => {
    const wrong = check(engine, runner, n);
    if (wrong) results.push(wrong);
    else timeOnce(runner, n); // a second warm-up run at the measured size
    return !wrong;
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < live.length; k++) {
      const entry = live[(round + k) % live.length]!;
      entry.times.push(timeOnce(entry.runner, n));
    }
  }
  for (const { engine, times } of live) results.push({ program, engine, outcome: 'ok', n, medianMs: median(times) });
  return engines.map((engine) => results.find((r) => r.engine === engine)!);
}

/** V8's answers, cached: the reference every engine is checked against. */
async function v8Answers(wasm: Uint8Array): Promise<(n: number) => number> {
  const reference = await V8.load(wasm);
  const expected = new Map<number, number>();
  return (n) => {
    if (!expected.has(n)) expected.set(n, reference(n));
    return expected.get(n)!;
  };
}

interface SerializedResult {
  /** A kernel's or a real program's name. */
  kernel: string;
  engine: string;
  outcome: Result['outcome'];
  detail?: string;
  n?: number;
  medianMs?: number;
  rwasmInstructions?: string;
}

if (childInput) {
  // In the --jitless child: answers come from the parent's V8, results go back as JSON.
  const answers = JSON.parse(readFileSync(childInput, 'utf8')) as Record<string, number>;
  const out: SerializedResult[] = [];
  for (const kernel of BENCH_KERNELS) {
    const expect = (n: number) => {
      const answer = answers[`${kernel.name}:${n}`];
      if (answer === undefined) throw new Error(`no V8 answer for ${kernel.name}(${n})`);
      return answer;
    };
    for (const r of await benchKernel(kernel, JITLESS_ENGINES, expect)) {
      out.push({ ...r, kernel: r.kernel.name, engine: r.engine.name, rwasmInstructions: r.rwasmInstructions?.toString() });
    }
  }
  for (const program of REAL_PROGRAMS) {
    const expect = (n: number) => {
      const answer = answers[`${program.name}:${n}`];
      if (answer === undefined) throw new Error(`no V8 answer for ${program.name}(${n})`);
      return answer;
    };
    for (const r of await benchProgram(program, JITLESS_ENGINES, expect)) out.push({ ...r, kernel: r.program.name, engine: r.engine.name });
  }
  // A file, not stdout: process.exit does not wait for a pipe to drain.
  writeFileSync(`${childInput}.results.json`, JSON.stringify(out));
  process.exit(0);
}

const nsPerInstruction = (r: Result) => (r.medianMs! * 1e6) / r.kernel.instructions(r.n!);
const mips = (r: Result) => 1e3 / nsPerInstruction(r);

const all: Result[] = [];
const answerFiles: Record<string, number> = {};
for (const kernel of BENCH_KERNELS) {
  process.stderr.write(`${kernel.title}…\n`);
  const expect = await v8Answers(kernel.wasm);
  all.push(...(await benchKernel(kernel, ENGINES, expect)));
  for (const n of kernel.sizes) answerFiles[`${kernel.name}:${n}`] = expect(n);
}
const programResults: ProgramResult[] = [];
for (const program of REAL_PROGRAMS) {
  process.stderr.write(`${program.title}…\n`);
  const expect = await v8Answers(program.wasm);
  programResults.push(...(await benchProgram(program, PROGRAM_ENGINES, expect)));
  for (const n of program.sizes) answerFiles[`${program.name}:${n}`] = expect(n);
}

process.stderr.write('without a JIT (node --jitless)…\n');
const { jitless, jitlessPrograms } = ((): { jitless: Result[]; jitlessPrograms: ProgramResult[] } => {
  const file = join(mkdtempSync(join(tmpdir(), 'rwasm-bench-')), 'answers.json');
  writeFileSync(file, JSON.stringify(answerFiles));
  const child = spawnSync(process.execPath, ['--jitless', fileURLToPath(import.meta.url), '--jitless-child', file, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(`the --jitless run failed: ${child.stderr}`);
  const serialized = JSON.parse(readFileSync(`${file}.results.json`, 'utf8')) as SerializedResult[];
  const engineOf = (r: SerializedResult) => JITLESS_ENGINES.find((e) => e.name === r.engine)!;
  return {
    jitless: serialized
      .filter((r) => BENCH_KERNELS.some((k) => k.name === r.kernel))
      .map((r) => ({
        ...r,
        kernel: BENCH_KERNELS.find((k) => k.name === r.kernel)!,
        engine: engineOf(r),
        rwasmInstructions: r.rwasmInstructions === undefined ? undefined : BigInt(r.rwasmInstructions),
      })),
    jitlessPrograms: serialized
      .filter((r) => REAL_PROGRAMS.some((p) => p.name === r.kernel))
      .map((r) => ({ outcome: r.outcome, detail: r.detail, n: r.n, medianMs: r.medianMs, program: REAL_PROGRAMS.find((p) => p.name === r.kernel)!, engine: engineOf(r) })),
  };
})();
process.stderr.write('decode, compile, runtime…\n');
const others: Measure[] = [...(await measureDecode(quick)), ...(await measureCompile(quick)), ...(await measureRuntime(quick))];
process.stderr.write('work per unit of fuel…\n');
const limits = await measureLimits(quick);
const evm = measureEvm(quick);

// ---------------------------------------------------------------- ratios against V8
/** How many times slower than V8 (per Wasm instruction for a kernel; at the same n for a real program). */
function kernelRatio(engine: Engine, kernel: BenchKernel): number | undefined {
  const r = all.find((x) => x.kernel === kernel && x.engine === engine && x.outcome === 'ok');
  const v8 = all.find((x) => x.kernel === kernel && x.engine === V8 && x.outcome === 'ok');
  return r && v8 ? nsPerInstruction(r) / nsPerInstruction(v8) : undefined;
}
function programRatio(engine: Engine, program: RealProgram): number | undefined {
  const r = programResults.find((x) => x.program === program && x.engine === engine && x.outcome === 'ok');
  const v8 = programResults.find((x) => x.program === program && x.engine === V8 && x.outcome === 'ok');
  return r && v8 ? r.medianMs! / v8.medianMs! : undefined;
}
const ratioText = (ratio: number | undefined) => (ratio === undefined ? '' : `${ratio.toFixed(1)}×`);
/** undefined when any member is missing: a mean over fewer programs would flatter. */
function geomean(values: ReadonlyArray<number | undefined>): number | undefined {
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  return Math.exp(values.reduce<number>((sum, v) => sum + Math.log(v!), 0) / values.length);
}
const I64_KERNELS = BENCH_KERNELS.filter((k) => k.name === 'hash');
/** Geometric means of the ratio to V8, with the targets of issue 8 for rwasm-ts. */
function geomeanRows(): Array<{ set: string; target: string; cells: Array<{ engine: Engine; value: number | undefined }> }> {
  const sets: Array<{ set: string; target: string; kernels: readonly BenchKernel[]; programs: readonly RealProgram[] }> = [
    { set: 'kernels', target: '', kernels: BENCH_KERNELS, programs: [] },
    { set: 'real programs', target: '', kernels: [], programs: REAL_PROGRAMS },
    { set: 'kernels and real programs', target: '≤ 25×', kernels: BENCH_KERNELS, programs: REAL_PROGRAMS },
    { set: 'i64-heavy (hash, keccak, blake2b, bigint)', target: '≤ 50×', kernels: I64_KERNELS, programs: REAL_PROGRAMS.filter((p) => p.i64Heavy) },
  ];
  return sets.map(({ set, target, kernels, programs }) => ({
    set,
    target,
    cells: PROGRAM_ENGINES.filter((e) => e !== V8).map((engine) => ({
      engine,
      value: geomean([...kernels.map((k) => kernelRatio(engine, k)), ...programs.map((p) => programRatio(engine, p))]),
    })),
  }));
}

// ---------------------------------------------------------------- console
const v8Of = (kernel: BenchKernel) => all.find((r) => r.kernel === kernel && r.engine === V8 && r.outcome === 'ok');
const rows = all.map((r) => {
  if (r.outcome !== 'ok') return { kernel: r.kernel.name, engine: r.engine.name, n: r.n ?? '', result: `${r.outcome}: ${r.detail}` };
  const v8 = v8Of(r.kernel);
  return {
    kernel: r.kernel.name,
    engine: r.engine.name,
    n: r.n!,
    'median ms': r.medianMs!.toFixed(2),
    'ns / Wasm instr': nsPerInstruction(r).toFixed(2),
    'M Wasm instr/s': mips(r).toFixed(1),
    'vs V8': v8 ? `${(nsPerInstruction(r) / nsPerInstruction(v8)).toFixed(1)}×` : '',
    'M rWasm instr/s': r.rwasmInstructions !== undefined ? (Number(r.rwasmInstructions) / r.medianMs! / 1e3).toFixed(1) : '',
  };
});
console.table(rows);
console.table(
  jitless.map((r) =>
    r.outcome !== 'ok'
      ? { kernel: r.kernel.name, engine: `${r.engine.name} (--jitless)`, n: r.n ?? '', result: `${r.outcome}: ${r.detail}` }
      : { kernel: r.kernel.name, engine: `${r.engine.name} (--jitless)`, n: r.n!, 'median ms': r.medianMs!.toFixed(2), 'ns / Wasm instr': nsPerInstruction(r).toFixed(2), 'M Wasm instr/s': mips(r).toFixed(1) },
  ),
);
console.table(
  [...programResults, ...jitlessPrograms.map((r) => ({ ...r, engine: { ...r.engine, name: `${r.engine.name} (--jitless)` } }))].map((r) =>
    r.outcome !== 'ok'
      ? { program: r.program.name, engine: r.engine.name, n: r.n ?? '', result: `${r.outcome}: ${r.detail}` }
      : { program: r.program.name, engine: r.engine.name, n: r.n!, 'median ms': r.medianMs!.toFixed(2), 'vs V8': ratioText(programRatio(r.engine, r.program)) },
  ),
);
console.table(geomeanRows().map(({ set, cells }) => ({ set, ...Object.fromEntries(cells.map(({ engine, value }) => [engine.name, ratioText(value)])) })));
console.table(others.map((m) => ({ task: m.task, median: formatMs(m.medianMs) })));
console.table(limitRows(limits));

// ---------------------------------------------------------------- RESULTS.md and the chart
const cpu = cpus();
const lines: string[] = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version} (V8 ${process.versions.v8}), ` +
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}${quick ? ', quick mode (fewer, shorter runs)' : ''}.`,
  '',
  `Each kernel (\`bench/programs/*.wat\`, \`run(n)\`) runs on every engine, interleaved: ${ROUNDS} rounds, each running every engine once;`,
  `the figure is the median. Each engine gets its own n, the smallest whose run takes at least ${TARGET_MS} ms. Wasm`,
  'instruction counts are closed forms (bench/support/kernels.ts) checked against a counting interpreter; rWasm counts come',
  "from the interpreter's own count (engine metering with every instruction costing 1). Every answer is checked against V8's;",
  'an engine that answers wrongly or crashes is listed as such and not timed.',
  '',
  '![M Wasm instructions per second](results.svg)',
  '',
];
for (const kernel of BENCH_KERNELS) {
  lines.push(`## ${kernel.title}`, '', '| engine | n | median | ns / Wasm instr | M Wasm instr/s | vs V8 | M rWasm instr/s |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const r of all.filter((x) => x.kernel === kernel)) {
    if (r.outcome !== 'ok') {
      lines.push(`| ${r.engine.name} | ${r.n ?? ''} | **${r.outcome}**: ${r.detail} | | | | |`);
      continue;
    }
    const v8 = v8Of(kernel);
    const rw = r.rwasmInstructions !== undefined ? (Number(r.rwasmInstructions) / r.medianMs! / 1e3).toFixed(0) : '';
    lines.push(
      `| ${r.engine.name} | ${r.n} | ${formatMs(r.medianMs!)} | ${nsPerInstruction(r).toFixed(2)} | ${mips(r).toFixed(1)} | ${v8 ? (nsPerInstruction(r) / nsPerInstruction(v8)).toFixed(1) + '×' : ''} | ${rw} |`,
    );
  }
  lines.push('');
}
lines.push(
  '## Without a JIT (`node --jitless`)',
  '',
  'Where no JIT is allowed, V8 runs no WebAssembly at all. The same kernels in a `node --jitless` child (answers checked against',
  "the parent's V8). polywasm translates Wasm to JavaScript, which Ignition then interprets: far faster here, but it needs",
  "`new Function` (refused under a Content-Security-Policy without 'unsafe-eval'), and it has no traps and no fuel. rwasm-ts",
  'generates no code: in Ignition each rWasm instruction costs several dozen bytecodes of the dispatch loop.',
  '',
  '| kernel | engine | n | median | ns / Wasm instr | M Wasm instr/s |',
  '|---|---|---:|---:|---:|---:|',
);
for (const r of jitless) {
  if (r.outcome !== 'ok') lines.push(`| ${r.kernel.title} | ${r.engine.name} | ${r.n ?? ''} | **${r.outcome}**: ${r.detail} | | |`);
  else lines.push(`| ${r.kernel.title} | ${r.engine.name} | ${r.n} | ${formatMs(r.medianMs!)} | ${nsPerInstruction(r).toFixed(2)} | ${mips(r).toFixed(2)} |`);
}
lines.push('');
lines.push('## rwasm-ts against the targets', '', '| kernel | M Wasm instr/s | target | | fuel metering costs |', '|---|---:|---:|---|---:|');
for (const kernel of BENCH_KERNELS) {
  const plain = all.find((r) => r.kernel === kernel && r.engine === RWASM && r.outcome === 'ok');
  const fuel = all.find((r) => r.kernel === kernel && r.engine === RWASM_FUEL && r.outcome === 'ok');
  if (!plain) continue;
  const target = TARGETS[kernel.name]!;
  const overhead = fuel ? `${((nsPerInstruction(fuel) / nsPerInstruction(plain) - 1) * 100).toFixed(1)}%` : '';
  lines.push(`| ${kernel.title} | ${mips(plain).toFixed(0)} | ≥ ${target} | ${mips(plain) >= target ? 'met' : `missed by ${((1 - mips(plain) / target) * 100).toFixed(0)}%`} | ${overhead} |`);
}
lines.push('', '"fuel metering costs": the compiler\'s `ConsumeFuel` on (with a limit) against off.', '');
lines.push(
  '## Real programs',
  '',
  'The C programs of `bench/programs/c` (clang -O2, see the README there). Each runs at one n on every engine, the smallest',
  `at which rwasm-ts takes at least ${PROGRAM_TARGET_MS} ms, after two warm-up runs; ${ROUNDS} interleaved rounds, the median. "vs V8" is`,
  "the time over V8's at the same n. webassemblyjs is left out (wrong on 4 of the 5 kernels).",
  '',
  '| program | engine | n | median | vs V8 |',
  '|---|---|---:|---:|---:|',
);
for (const r of programResults) {
  if (r.outcome !== 'ok') lines.push(`| ${r.program.title} | ${r.engine.name} | ${r.n ?? ''} | **${r.outcome}**: ${r.detail} | |`);
  else lines.push(`| ${r.program.title} | ${r.engine.name} | ${r.n} | ${formatMs(r.medianMs!)} | ${ratioText(programRatio(r.engine, r.program))} |`);
}
lines.push(
  '',
  '### Without a JIT',
  '',
  `The same programs in the \`node --jitless\` child, each at the smallest n at which rwasm-ts takes at least ${JITLESS_PROGRAM_TARGET_MS} ms.`,
  '',
  '| program | engine | n | median | vs polywasm |',
  '|---|---|---:|---:|---:|',
);
for (const r of jitlessPrograms) {
  const poly = jitlessPrograms.find((x) => x.program === r.program && x.engine === POLYWASM && x.outcome === 'ok');
  if (r.outcome !== 'ok') lines.push(`| ${r.program.title} | ${r.engine.name} | ${r.n ?? ''} | **${r.outcome}**: ${r.detail} | |`);
  else lines.push(`| ${r.program.title} | ${r.engine.name} | ${r.n} | ${formatMs(r.medianMs!)} | ${poly ? ratioText(r.medianMs! / poly.medianMs!) : ''} |`);
}
lines.push(
  '',
  '## Geometric means against V8',
  '',
  'Times slower than V8 (with a JIT): per Wasm instruction on the kernels, at the same n on the real programs.',
  '',
  `| set | target (rwasm-ts) | ${PROGRAM_ENGINES.filter((e) => e !== V8).map((e) => e.name).join(' | ')} |`,
  `|---|---:|${PROGRAM_ENGINES.filter((e) => e !== V8).map(() => '---:').join('|')}|`,
);
for (const { set, target, cells } of geomeanRows()) lines.push(`| ${set} | ${target} | ${cells.map((c) => ratioText(c.value)).join(' | ')} |`);
lines.push('', 'Without a JIT: times slower than polywasm (below 1×: faster), per Wasm instruction on the kernels, at the same n on the real programs.', '');
lines.push(`| set | ${JITLESS_ENGINES.filter((e) => e !== POLYWASM).map((e) => e.name).join(' | ')} |`, `|---|${JITLESS_ENGINES.filter((e) => e !== POLYWASM).map(() => '---:').join('|')}|`);
for (const [set, kernels, programs] of [
  ['kernels', BENCH_KERNELS, []],
  ['real programs', [], REAL_PROGRAMS],
  ['kernels and real programs', BENCH_KERNELS, REAL_PROGRAMS],
] as const) {
  const cells = JITLESS_ENGINES.filter((e) => e !== POLYWASM).map((engine) => {
    const kernelRatios = kernels.map((k) => {
      const r = jitless.find((x) => x.kernel === k && x.engine === engine && x.outcome === 'ok');
      const p = jitless.find((x) => x.kernel === k && x.engine === POLYWASM && x.outcome === 'ok');
      return r && p ? nsPerInstruction(r) / nsPerInstruction(p) : undefined;
    });
    const programRatios = programs.map((program) => {
      const r = jitlessPrograms.find((x) => x.program === program && x.engine === engine && x.outcome === 'ok');
      const p = jitlessPrograms.find((x) => x.program === program && x.engine === POLYWASM && x.outcome === 'ok');
      return r && p ? r.medianMs! / p.medianMs! : undefined;
    });
    return ratioText(geomean([...kernelRatios, ...programRatios]));
  });
  lines.push(`| ${set} | ${cells.join(' | ')} |`);
}
lines.push('');
lines.push('## Decode, compile, runtime', '', '| task | median |', '|---|---:|');
for (const m of others) lines.push(`| ${m.task} | ${formatMs(m.medianMs)} |`);
lines.push('');
lines.push(
  '## The Fluent EVM runtime',
  '',
  'The genesis EVM runtime (1.17 MB of rWasm) running real contract work under the host of bench/support/evm-deploy.ts: on rwasm-ts',
  "from its rWasm binary, on V8 from the Wasm in its hint section (the program it was compiled from) under the same host",
  '(bench/support/evm-v8-engine.ts: the eight imports it links; an interruption is the entry returning and being run again with the',
  "answer, as Fluent's SystemRuntime does). Every round checks its results, on V8 too (HelloWorld's deploy: 285,898 gas, the",
  "chain's code). First round: a fresh cache in this process (decoding and preparing, or V8 compiling; with the auto tier the",
  "translation so far). Early: rounds 2 to 31 (what a short test run sees). Steady: after 600 rounds (V8's optimised Wasm and",
  "host code, and the auto tier's translations, take hundreds of rounds to settle). Medians per round over interleaved",
  'repetitions on the cached instance.',
  '',
  '| scenario | engine | first round | early, per round | vs V8 | steady, per round | vs V8 |',
  '|---|---|---:|---:|---:|---:|---:|',
);
for (const t of evm) {
  const v8 = evm.find((x) => x.scenario === t.scenario && x.engine.options.engine === 'v8')!;
  const translated = t.translation ? ` (${t.translation.functions} functions translated in ${formatMs(t.translation.milliseconds)})` : '';
  lines.push(`| ${t.description} | ${t.engine.name} | ${formatMs(t.firstRoundMs)}${translated} | ${formatMs(t.earlyRoundMs)} | ${(t.earlyRoundMs / v8.earlyRoundMs).toFixed(1)}× | ${formatMs(t.medianRoundMs)} | ${(t.medianRoundMs / v8.medianRoundMs).toFixed(1)}× |`);
}
lines.push('');
lines.push(
  '## Work per unit of fuel',
  '',
  'The instructions whose work is not a fixed amount (bench/support/limits.ts): each case repeats one instruction n times;',
  'the figure is wall time over the fuel the run consumed (the loop around it included), in ns per unit of fuel, with the',
  'time and fuel of one repetition. An ordinary i32 loop is the yardstick. Without bulk-op charges (how Fluent compiles its',
  "system runtimes) a bulk operation costs its instruction's flat fee whatever its length, so its figure grows with the",
  'length (here 64 MiB of a 2 GiB cap: up to 32× more at the cap), and engine metering (a cost per instruction) is alike;',
  'with the charges each figure stays near the yardstick.',
  '',
  `| instruction | one repetition | ${METERINGS.map((m) => m.name).join(' | ')} |`,
  `|---|---|${METERINGS.map(() => '---:').join('|')}|`,
);
for (const limitCase of LIMIT_CASES) {
  const cells = METERINGS.map((metering) => {
    const f = limits.find((x) => x.limitCase === limitCase && x.metering === metering)!;
    return `${f.nsPerFuel >= 100 ? f.nsPerFuel.toFixed(0) : f.nsPerFuel.toPrecision(3)} (${(f.medianMs / limitCase.n).toPrecision(3)} ms, ${f.fuel / BigInt(limitCase.n)} fuel)`;
  });
  lines.push(`| ${limitCase.name} | ${limitCase.work} | ${cells.join(' | ')} |`);
}
lines.push('');
writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));

writeFileSync(
  join(here, 'results.svg'),
  barChart({
    title: 'M Wasm instructions per second (log scale; higher is better)',
    groups: BENCH_KERNELS.map((kernel) => kernel.title),
    series: [
      ...ENGINES.map((engine) => ({ name: engine.name, results: all.filter((r) => r.engine === engine) })),
      ...[RWASM, RWASM_COMPILED, POLYWASM].map((engine) => ({ name: `${engine.name}, --jitless`, results: jitless.filter((r) => r.engine === engine) })),
    ].map(({ name, results }) => ({
      name,
      values: BENCH_KERNELS.map((kernel) => {
        const r = results.find((x) => x.kernel === kernel);
        return r?.outcome === 'ok' ? mips(r) : undefined;
      }),
      notes: BENCH_KERNELS.map((kernel) => {
        const r = results.find((x) => x.kernel === kernel);
        return r && r.outcome !== 'ok' ? r.outcome : undefined;
      }),
    })),
  }),
);
console.log(`wrote ${join('bench', 'RESULTS.md')} and ${join('bench', 'results.svg')}`);
