/**
 * The Fluent EVM runtime's calls (HelloWorld deploy + sayHelloWorld(), Storage deploy + get/set/get)
 * on rwasm-ts's tiers and on V8 running the same program's Wasm under the same host:
 * `npm run bench -- evm`.
 */
import { measureEvm } from './support/evm-timing.js';

const quick = process.argv.includes('--quick');
const timings = measureEvm(quick);
for (const t of timings) {
  const v8 = timings.find((x) => x.scenario === t.scenario && x.engine.options.engine === 'v8')!;
  const translated = t.translation ? `  (first round: ${t.translation.functions} functions translated in ${t.translation.milliseconds.toFixed(1)} ms)` : '';
  console.log(
    `${t.scenario.padEnd(8)} ${t.engine.name.padEnd(28)} first round ${t.firstRoundMs.toFixed(1).padStart(7)} ms  early ${t.earlyRoundMs.toFixed(2).padStart(6)} ms/round ${(t.earlyRoundMs / v8.earlyRoundMs).toFixed(1)}x V8  steady ${t.medianRoundMs.toFixed(2).padStart(6)} ms/round ${(t.medianRoundMs / v8.medianRoundMs).toFixed(1)}x V8${translated}`,
  );
}
