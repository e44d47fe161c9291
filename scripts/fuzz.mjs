// Bundles the fuzz soak (test/fuzz/soak.ts and its worker) with esbuild, as users get the
// library (enums inlined: the engines run at full speed), and runs it in a fresh Node process.
// `npm run fuzz -- --campaign binaryen --seed 1 --modules 100000 --workers 2`; `-- --help` lists the options.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const outDir = join('node_modules', '.cache', 'rwasm-fuzz');
mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: { soak: 'test/fuzz/soak.ts', 'soak-worker': 'test/fuzz/soak-worker.ts' },
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  logLevel: 'warning',
  packages: 'external',
});
const run = spawnSync(process.execPath, [join(outDir, 'soak.mjs'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
