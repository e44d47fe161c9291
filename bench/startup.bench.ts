/**
 * Cold start, each figure from fresh Node processes (the median of several): loading the
 * library, decoding the 1.17 MB EVM runtime, hashing it, `SystemRuntime.create` with its code
 * hash given and the first `execute()`, beside V8 compiling and instantiating the same program's
 * Wasm (its hint section). Then the same without a JIT (`node --jitless`, no V8 Wasm there).
 * `npm run bench -- startup` (`--quick`: fewer processes).
 */
import { fileURLToPath } from 'node:url';
import { measureStartupScenario } from './support/startup.js';
import { printStartup, startupFigures } from './support/startup-runs.js';

const at = process.argv.indexOf('--startup-child');
if (at >= 0) {
  process.stdout.write(JSON.stringify(await measureStartupScenario(process.argv[at + 1]!)));
  process.exit(0);
}

const quick = process.argv.includes('--quick');
const self = fileURLToPath(import.meta.url);
printStartup([
  { mode: 'JIT', figures: startupFigures(self, [], quick ? 3 : 7) },
  { mode: '--jitless', figures: startupFigures(self, ['--jitless'], quick ? 1 : 3) },
]);
