#!/usr/bin/env node
/**
 * Checks the C benchmark programs: each .wasm must have no imports and export run, and
 * run(n) on rwasm-ts (compileWasm + Machine, from the built dist/) must return what V8's
 * own WebAssembly returns, for every n in the program's check list. Then prints, for
 * information only, V8's time at the program's bench n (and the n where V8 needs
 * 20-50 ms), and rwasm-ts's time at the largest checked n with a linear estimate for
 * the bench n.
 *
 *   node bench/programs/c/check.mjs            # from the repo root, after npm run build
 *   node bench/programs/c/check.mjs --full     # also n that span several chunks (slower)
 *   node bench/programs/c/check.mjs --no-time  # correctness only
 *   node bench/programs/c/check.mjs --configs  # also with fuel metering on, and with i64
 *                                              # sequences inlined (codeSnippets: false)
 *   node bench/programs/c/check.mjs sort lz    # only these programs
 *
 * Exits with status 1 if any program fails.
 */
import { readFileSync } from 'node:fs';
import { compileWasm, Machine } from '../../../dist/index.js';

/**
 * check: the n compared on both engines (the store carries over between runs on both,
 * in the same order; every program re-initialises whatever it uses).
 * full: extra n for --full, crossing the programs' chunk sizes.
 * bench: the suggested bench n (V8 takes about 10-50 ms), as in README.md.
 */
const PROGRAMS = [
  { name: 'sha256', check: [0, 1, 2, 3, 17, 100], full: [1000], bench: 4096 },
  { name: 'keccak', check: [0, 1, 2, 3, 17, 100], full: [500], bench: 4096 },
  { name: 'blake2b', check: [0, 1, 2, 3, 17, 100], full: [1000], bench: 8192 },
  { name: 'bigint', check: [0, 1, 2, 3, 10], full: [64], bench: 512 },
  { name: 'sort', check: [0, 1, 2, 3, 10], full: [129], bench: 128 },
  { name: 'bytecode-vm', check: [0, 1, 2, 3, 10], full: [257], bench: 256 },
  { name: 'lz', check: [0, 1, 2, 3, 17, 129], full: [300], bench: 2048 },
  { name: 'graph', check: [0, 1, 2, 3, 10], full: [129], bench: 256 },
  { name: 'hashmap', check: [0, 1, 2, 3, 10, 129], full: [300], bench: 256 },
  { name: 'matmul', check: [0, 1, 2, 5], full: [20], bench: 128 },
];

const args = process.argv.slice(2);
const full = args.includes('--full');
const timing = !args.includes('--no-time');
const allConfigs = args.includes('--configs');
const only = args.filter((a) => !a.startsWith('--'));
const unknown = only.filter((name) => !PROGRAMS.some((p) => p.name === name));
if (unknown.length > 0) {
  console.error(`unknown program(s): ${unknown.join(', ')}`);
  process.exit(2);
}

const dir = new URL('./', import.meta.url);

function loadV8(wasm) {
  const module = new WebAssembly.Module(wasm);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 0) {
    throw new Error(`has imports: ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}`);
  }
  if (!WebAssembly.Module.exports(module).some((e) => e.name === 'run' && e.kind === 'function')) {
    throw new Error('does not export a function run');
  }
  const run = new WebAssembly.Instance(module, {}).exports.run;
  return (n) => run(n) | 0;
}

/** The configuration the benchmarks use first; --configs adds the others. */
const CONFIGS = [
  { label: 'default', compile: { consumeFuel: false }, machine: {} },
  { label: 'fuel metered', compile: { consumeFuel: true }, machine: { fuelLimit: 1n << 62n } },
  { label: 'codeSnippets off', compile: { consumeFuel: false, codeSnippets: false }, machine: {} },
];

function loadRwasm(wasm, config = CONFIGS[0]) {
  const { module } = compileWasm(wasm, { entrypointName: 'run', ...config.compile });
  const machine = new Machine(module, config.machine);
  const init = machine.instantiate();
  if (init.status !== 'returned') throw new Error(`rwasm-ts instantiate: ${init.status}`);
  return (n) => {
    const out = machine.run({ params: [n], resultWords: 1 });
    if (out.status !== 'returned') throw new Error(`rwasm-ts run(${n}): ${out.status}`);
    return out.results[0] | 0;
  };
}

function millis(run, n) {
  const start = performance.now();
  run(n);
  return performance.now() - start;
}

function median(run, n, times) {
  const samples = [];
  for (let i = 0; i < times; i++) samples.push(millis(run, n));
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** Doubling n from 1 until V8 takes at least 20 ms (informative). */
function v8Window(run) {
  let n = 1;
  for (;;) {
    const t = median(run, n, 3);
    if (t >= 20 || n >= 1 << 20) return { n, t };
    n *= 2;
  }
}

const hex = (v) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const ms = (t) => (t >= 100 ? t.toFixed(0) : t.toFixed(1)) + ' ms';

let failed = 0;
for (const program of PROGRAMS) {
  if (only.length > 0 && !only.includes(program.name)) continue;
  const label = program.name.padEnd(12);
  try {
    const wasm = readFileSync(new URL(`${program.name}.wasm`, dir));
    const v8 = loadV8(wasm);
    const rwasm = loadRwasm(wasm);
    const ns = full ? [...program.check, ...program.full] : program.check;
    const expected = ns.map((n) => v8(n));
    const mismatches = [];
    for (const config of allConfigs ? CONFIGS : CONFIGS.slice(0, 1)) {
      const engine = config === CONFIGS[0] ? rwasm : loadRwasm(wasm, config);
      const suffix = config === CONFIGS[0] ? '' : ` (${config.label})`;
      ns.forEach((n, i) => {
        let got;
        try {
          got = engine(n);
        } catch (error) {
          mismatches.push(`run(${n})${suffix}: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        if (got !== expected[i]) {
          mismatches.push(`run(${n})${suffix}: V8 ${hex(expected[i])}, rwasm-ts ${hex(got)}`);
        }
      });
    }
    if (mismatches.length > 0) {
      failed++;
      console.log(`${label} FAIL  ${mismatches.join('; ')}`);
      continue;
    }
    let line = `${label} ok    n = ${ns.join(', ')}${allConfigs ? ` (${CONFIGS.length} configs)` : ''}`;
    if (timing) {
      for (let i = 0; i < 3; i++) v8(Math.max(1, program.bench >> 4)); // let V8 tier up
      const atBench = median(v8, program.bench, 5);
      const window = v8Window(v8);
      const small = ns[ns.length - 1];
      const rw = median(rwasm, small, 3);
      const estimate = (rw / small) * program.bench;
      line +=
        `\n${''.padEnd(18)}V8: bench n ${program.bench} ${ms(atBench)} (20+ ms from n ${window.n}: ${ms(window.t)})` +
        ` | rwasm-ts: n ${small} ${ms(rw)}, bench n ~${ms(estimate)} (${(estimate / atBench).toFixed(0)}x V8)`;
    }
    console.log(line);
  } catch (error) {
    failed++;
    console.log(`${label} FAIL  ${error instanceof Error ? error.message : String(error)}`);
  }
}

if (failed > 0) {
  console.log(`\n${failed} program(s) failed`);
  process.exit(1);
}
console.log('\nall programs agree on V8 and rwasm-ts');
