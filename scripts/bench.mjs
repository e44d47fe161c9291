// Bundles bench/<name>.bench.ts with esbuild (the way users get the library: enums inlined)
// and runs it in a fresh Node process. `npm run bench` runs the report (bench/report.bench.ts:
// every kernel on every engine, RESULTS.md and the chart); `npm run bench -- interpreter` runs
// one file. Arguments starting with -- (e.g. --quick) are passed to the bench.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));
const all = readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, ''));
const selected = names.length > 0 ? names : ['report'];
const outDir = join('node_modules', '.cache', 'rwasm-bench');
mkdirSync(outDir, { recursive: true });
// The start-up figures load the library as users get it (dist/): build it from these sources first.
if (selected.some((name) => name === 'report' || name === 'startup')) {
  const built = spawnSync(process.execPath, [join('scripts', 'build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
let failed = false;
for (const name of selected) {
  if (!all.includes(name)) {
    console.error(`no bench/${name}.bench.ts (have: ${all.join(', ')})`);
    process.exit(1);
  }
  const outfile = join(outDir, `${name}.mjs`);
  await build({ entryPoints: [join('bench', `${name}.bench.ts`)], outfile, bundle: true, format: 'esm', platform: 'node', target: 'es2022', logLevel: 'warning', packages: 'external' });
  console.log(`\n== ${name} ==`);
  const run = spawnSync(process.execPath, [outfile, ...passThrough], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
