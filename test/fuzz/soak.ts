/**
 * `npm run fuzz -- --campaign C --seed S --offset K --modules N --workers W`: runs cases
 * K .. K+N-1 of seed S of one campaign over W worker threads, with a progress line, and writes
 * every case that broke a rule to `--out` (default fuzz-failures/) with a one-line command that
 * reruns it alone. A long soak runs in chunks: the next chunk starts at the offset where the
 * last one ended. Exits 1 when any case failed.
 *
 * A soak longer than PROCESS_SPAN cases runs as a series of child processes of PROCESS_SPAN cases
 * each: the V8 WebAssembly memories of the reference runs are reserved per process and not all
 * given back when a worker thread ends (address space reached 152 GB and the rate fell from 25 to
 * 6 modules a second over 25,000 modules in one process).
 *
 * Campaigns: `binaryen` (differential against V8, on both tiers) and the mutation campaigns
 * `rwasm-decode`, `wasm-compile`, `execute`, `snapshot` (test/fuzz/mutation-campaigns.ts).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { MUTATION_CAMPAIGNS } from './mutation-campaigns.js';
import type { MainMessage, WorkerMessage } from './soak-worker.js';

const CAMPAIGNS = ['binaryen', ...Object.keys(MUTATION_CAMPAIGNS)];
const EXTENSION: Record<string, string> = { binaryen: 'wasm', 'rwasm-decode': 'rwasm', 'wasm-compile': 'wasm', execute: 'rwasm', snapshot: 'snapshot' };
const CHUNK = 25;

const { values } = parseArgs({
  options: {
    campaign: { type: 'string', default: 'binaryen' },
    seed: { type: 'string', default: '1' },
    offset: { type: 'string', default: '0' },
    modules: { type: 'string', default: '1000' },
    workers: { type: 'string', default: String(Math.max(1, availableParallelism())) },
    out: { type: 'string', default: 'fuzz-failures' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(`usage: npm run fuzz -- [--campaign ${CAMPAIGNS.join('|')}] [--seed S] [--offset K] [--modules N] [--workers W] [--out DIR]`);
  process.exit(0);
}
const integer = (name: string, text: string, min: number): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    console.error(`--${name} must be an integer of at least ${min}, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
};
const campaign = values.campaign;
if (!CAMPAIGNS.includes(campaign)) {
  console.error(`unknown campaign ${JSON.stringify(campaign)} (have ${CAMPAIGNS.join(', ')})`);
  process.exit(2);
}
const seed = integer('seed', values.seed, 0);
const offset = integer('offset', values.offset, 0);
const count = integer('modules', values.modules, 1);
const workerCount = Math.min(integer('workers', values.workers, 1), Math.ceil(count / CHUNK));
const outDir = values.out;

const PROCESS_SPAN = Number(process.env.RWASM_FUZZ_PROCESS_SPAN ?? 6000);

interface Summary {
  readonly cases: number;
  readonly failures: number;
  readonly peakRssMiB: number;
  readonly outcomes: Record<string, number>;
}

/** Runs cases from .. from+n-1 in a child process of this script; its output passes through. */
function childPart(from: number, n: number): Promise<Summary | undefined> {
  const args = ['--campaign', campaign, '--seed', String(seed), '--offset', String(from), '--modules', String(n), '--workers', String(workerCount), '--out', outDir];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, RWASM_FUZZ_CHILD: '1' },
    });
    let summary: Summary | undefined;
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('{"campaign"')) summary = JSON.parse(line) as Summary;
        else if (!line.startsWith('next chunk:')) process.stdout.write(`${line}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve(summary));
  });
}

if (process.env.RWASM_FUZZ_CHILD === undefined && count > PROCESS_SPAN) {
  const started = performance.now();
  const outcomes = new Map<string, number>();
  let cases = 0;
  let failed = 0;
  let peakRssMiB = 0;
  let complete = true;
  for (let from = offset; from < offset + count; from += PROCESS_SPAN) {
    const n = Math.min(PROCESS_SPAN, offset + count - from);
    console.log(`part ${from}..${from + n - 1} of ${offset}..${offset + count - 1} (${cases} cases done, ${failed} failures)`);
    const part = await childPart(from, n);
    if (part === undefined) {
      console.error(`the part from ${from} ended without a summary`);
      complete = false;
      break;
    }
    cases += part.cases;
    failed += part.failures;
    peakRssMiB = Math.max(peakRssMiB, part.peakRssMiB);
    for (const [k, v] of Object.entries(part.outcomes)) outcomes.set(k, (outcomes.get(k) ?? 0) + v);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ campaign, seed, offset, cases, seconds: Math.round(seconds), perSecond: +(cases / seconds).toFixed(1), failures: failed, peakRssMiB, outcomes: Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])) }));
  console.log(`next chunk: --offset ${offset + count}`);
  process.exit(failed === 0 && complete && cases === count ? 0 : 1);
}

const tally = new Map<string, number>();
const failures: string[] = [];
let done = 0;
let peakRss = 0;
const started = performance.now();
let nextFrom = offset;
const end = offset + count;

function rerun(index: number): string {
  return `npm run fuzz -- --campaign ${campaign} --seed ${seed} --offset ${index} --modules 1 --workers 1`;
}

function record(message: Extract<WorkerMessage, { type: 'case' }>): void {
  done++;
  tally.set(message.outcome, (tally.get(message.outcome) ?? 0) + 1);
  if (message.failure === undefined) return;
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${campaign}-${seed}-${message.index}.${EXTENSION[campaign]}`);
  if (message.input) writeFileSync(file, message.input);
  const line = `${file}: ${message.failure.split('\n')[0]}\n  rerun: ${rerun(message.index)}`;
  appendFileSync(join(outDir, 'failures.txt'), `${line}\n`);
  failures.push(line);
  process.stdout.write(`\nFAIL ${line}\n`);
}

const interactive = process.stdout.isTTY === true;
let lastLine = 0;
function progress(final = false): void {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const now = performance.now();
  if (!final && now - lastLine < (interactive ? 1000 : 15000)) return;
  lastLine = now;
  const seconds = (now - started) / 1000;
  const rate = done / Math.max(seconds, 1e-3);
  const eta = rate > 0 ? (count - done) / rate : 0;
  const kinds = [...tally].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `${k} ${n}`).join(', ');
  const text = `${campaign} seed ${seed}: ${done}/${count} in ${seconds.toFixed(0)} s (${rate.toFixed(1)}/s, ETA ${eta.toFixed(0)} s), failures ${failures.length}; ${kinds}`;
  process.stdout.write(interactive && !final ? `\r${text.slice(0, (process.stdout.columns || 200) - 1)}` : `${text}\n`);
}

const workerFile = new URL('./soak-worker.mjs', import.meta.url);
/**
 * A worker is replaced after this many cases: wasm-opt reloads and the engines' garbage build up
 * in a long-lived worker (a soak slowed from 43 to 6 modules a second over 25,000 modules).
 */
const CASES_PER_WORKER = Number(process.env.RWASM_FUZZ_CASES_PER_WORKER ?? 1500);

/** Runs workers one after another in one slot until the cases run out. */
function workerSlot(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: { campaign, seed } });
    let handled = 0;
    const send = (message: MainMessage) => worker.postMessage(message);
    const next = () => {
      if (nextFrom >= end || handled >= CASES_PER_WORKER) {
        send({ type: 'stop' });
        return;
      }
      const from = nextFrom;
      nextFrom = Math.min(end, from + CHUNK);
      handled += nextFrom - from;
      send({ type: 'chunk', from, to: nextFrom });
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'case') {
        record(message);
        progress();
      } else next(); // ready, or a chunk done
    });
    worker.on('error', reject);
    worker.on('exit', () => (nextFrom < end ? workerSlot().then(resolve, reject) : resolve()));
  });
}
await Promise.all(Array.from({ length: workerCount }, () => workerSlot()));
progress(true);
const seconds = (performance.now() - started) / 1000;
const summary = { campaign, seed, offset, cases: done, seconds: Math.round(seconds), perSecond: +(done / seconds).toFixed(1), failures: failures.length, peakRssMiB: Math.round(peakRss / 2 ** 20), outcomes: Object.fromEntries([...tally].sort((a, b) => b[1] - a[1])) };
console.log(JSON.stringify(summary));
console.log(`next chunk: --offset ${end}`);
process.exit(failures.length === 0 && done === count ? 0 : 1);
