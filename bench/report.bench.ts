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
import { ENGINES, POLYWASM, RWASM, RWASM_FUEL, V8, type Engine, type Runner } from './support/engines.js';
import { BENCH_KERNELS, type BenchKernel } from './support/kernels.js';
import { formatMs, measureCompile, measureDecode, measureRuntime, type Measure } from './support/measures.js';
import { barChart } from './support/chart.js';
import { benchDir } from './support/shared.js';

const here = benchDir();

const quick = process.argv.includes('--quick');
const childInput = process.argv.includes('--jitless-child') ? process.argv[process.argv.indexOf('--jitless-child') + 1] : undefined;
/** Each engine's n is the smallest calibration size whose run takes at least this long. */
const TARGET_MS = childInput ? (quick ? 10 : 40) : quick ? 12 : 100;
const ROUNDS = childInput ? (quick ? 3 : 5) : quick ? 5 : 11;
/** The engines that run without a JIT (no host WebAssembly, so no V8; webassemblyjs is wrong anyway). */
const JITLESS_ENGINES = [RWASM, RWASM_FUEL, POLYWASM];

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
      try {
        const got = runner(n);
        const want = expect(n);
        return got === want ? undefined : { kernel, engine, outcome: 'wrong answer', detail: `run(${n}) = ${got}, V8 says ${want}`, n };
      } catch (error) {
        return { kernel, engine, outcome: 'crash', detail: `run(${n}): ${(error as Error).message}`, n };
      }
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

/** V8's answers, cached: the reference every engine is checked against. */
async function v8Answers(kernel: BenchKernel): Promise<(n: number) => number> {
  const reference = await V8.load(kernel.wasm);
  const expected = new Map<number, number>();
  return (n) => {
    if (!expected.has(n)) expected.set(n, reference(n));
    return expected.get(n)!;
  };
}

interface SerializedResult {
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
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const nsPerInstruction = (r: Result) => (r.medianMs! * 1e6) / r.kernel.instructions(r.n!);
const mips = (r: Result) => 1e3 / nsPerInstruction(r);

const all: Result[] = [];
const answerFiles: Record<string, number> = {};
for (const kernel of BENCH_KERNELS) {
  process.stderr.write(`${kernel.title}…\n`);
  const expect = await v8Answers(kernel);
  all.push(...(await benchKernel(kernel, ENGINES, expect)));
  for (const n of kernel.sizes) answerFiles[`${kernel.name}:${n}`] = expect(n);
}

process.stderr.write('without a JIT (node --jitless)…\n');
const jitless: Result[] = (() => {
  const file = join(mkdtempSync(join(tmpdir(), 'rwasm-bench-')), 'answers.json');
  writeFileSync(file, JSON.stringify(answerFiles));
  const child = spawnSync(process.execPath, ['--jitless', fileURLToPath(import.meta.url), '--jitless-child', file, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(`the --jitless run failed: ${child.stderr}`);
  return (JSON.parse(child.stdout) as SerializedResult[]).map((r) => ({
    ...r,
    kernel: BENCH_KERNELS.find((k) => k.name === r.kernel)!,
    engine: JITLESS_ENGINES.find((e) => e.name === r.engine)!,
    rwasmInstructions: r.rwasmInstructions === undefined ? undefined : BigInt(r.rwasmInstructions),
  }));
})();
process.stderr.write('decode, compile, runtime…\n');
const others: Measure[] = [...(await measureDecode(quick)), ...(await measureCompile(quick)), ...(await measureRuntime(quick))];

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
console.table(others.map((m) => ({ task: m.task, median: formatMs(m.medianMs) })));

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
lines.push('## Decode, compile, runtime', '', '| task | median |', '|---|---:|');
for (const m of others) lines.push(`| ${m.task} | ${formatMs(m.medianMs)} |`);
lines.push('');
writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));

writeFileSync(
  join(here, 'results.svg'),
  barChart({
    title: 'M Wasm instructions per second (log scale; higher is better)',
    groups: BENCH_KERNELS.map((kernel) => kernel.title),
    series: [
      ...ENGINES.map((engine) => ({ name: engine.name, results: all.filter((r) => r.engine === engine) })),
      ...[RWASM, POLYWASM].map((engine) => ({ name: `${engine.name}, --jitless`, results: jitless.filter((r) => r.engine === engine) })),
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
