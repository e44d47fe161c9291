/**
 * EVM transactions through EvmTestHost (the world, revm's gas, nested frames): HelloWorld's
 * deploy and `sayHelloWorld()`, Storage's deploy and getValue/setValue(42)/getValue, on
 * rwasm-ts's interpreter and auto tier and on V8 running the EVM runtime's hint Wasm under the
 * same host (bench/support/evm-v8-engine.ts). Every round checks gas and output against the
 * chain's figures and across engines. `npm run bench -- evm-host [--quick]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvmTestHost, ModuleCache, type FrameEngine, type Tier } from '../src/index.js';
import { v8FrameEngine } from './support/evm-v8-engine.js';
import { genesisFixtures, sharedDir } from '../test/support/shared.js';

const quick = process.argv.includes('--quick');
const evm = genesisFixtures().find((f) => f.kind === 'evm-runtime' && f.file.endsWith('.rwasm'))!;
const initCode = (name: string) => Uint8Array.from(Buffer.from(readFileSync(join(sharedDir(), 'fixtures', 'evm', 'contracts', `${name}.bin`), 'utf8').trim().replace(/^0x/, ''), 'hex'));
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const alice = hex('390a4cedbb65be7511d9e1a35b115376f39dbdf3');
const HELLO = initCode('HelloWorld');
const STORAGE = initCode('Storage');

interface Engine {
  readonly name: string;
  readonly tier?: Tier;
  readonly engine?: FrameEngine;
}
const engines: Engine[] = [
  { name: 'rwasm-ts interpreter', tier: 'interpreter' },
  { name: 'rwasm-ts auto tier', tier: 'auto' },
  { name: 'V8 (hint Wasm), same host', engine: v8FrameEngine(evm.bytes) },
];

type Step = (host: EvmTestHost) => bigint;
/** One round of a scenario: its transactions' gas, in order (checked across engines). */
const scenarios: Record<string, Step> = {
  hello: (host) => {
    const deployed = host.deploy(HELLO, { from: alice });
    if (deployed.gasUsed !== 359_938n) throw new Error(`HelloWorld deploy used ${deployed.gasUsed} gas, the chain 359,938`);
    const said = host.call({ from: alice, to: deployed.address!, data: hex('45773e4e') });
    if (said.gasUsed !== 21_000n + 64n + 637n) throw new Error(`sayHelloWorld() used ${said.gasUsed}`);
    return deployed.gasUsed + said.gasUsed;
  },
  storage: (host) => {
    const deployed = host.deploy(STORAGE, { from: alice });
    const get = () => host.call({ from: alice, to: deployed.address!, data: hex('20965255') });
    const before = get();
    const set = host.call({ from: alice, to: deployed.address!, data: Uint8Array.of(...hex('55241077'), ...new Uint8Array(31), 42) });
    const after = get();
    if (before.output[31] !== 100 || after.output[31] !== 42 || set.logs.length !== 1) throw new Error('Storage did not answer 100, log, 42');
    return deployed.gasUsed + before.gasUsed + set.gasUsed + after.gasUsed;
  },
};

function round(engine: Engine, cache: ModuleCache, step: Step): bigint {
  const host = new EvmTestHost({ evmRuntime: evm.bytes, codeHash: evm.hash, cache, tier: engine.tier, evmEngine: engine.engine });
  host.fund(alice, 10n ** 24n);
  return step(host);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const rounds = quick ? 3 : 10;
const repetitions = quick ? 3 : 9;
for (const [scenario, step] of Object.entries(scenarios)) {
  const caches = engines.map(() => new ModuleCache());
  const first = engines.map((engine, i) => {
    const start = performance.now();
    const gas = round(engine, caches[i]!, step);
    return { ms: performance.now() - start, gas };
  });
  if (first.some((f) => f.gas !== first[0]!.gas)) throw new Error(`${scenario}: engines disagree on gas (${first.map((f) => f.gas).join(', ')})`);
  engines.forEach((engine, i) => {
    for (let r = 0; r < rounds * 2; r++) round(engine, caches[i]!, step);
  });
  const times = engines.map(() => [] as number[]);
  for (let rep = 0; rep < repetitions; rep++) {
    engines.forEach((engine, i) => {
      const start = performance.now();
      for (let r = 0; r < rounds; r++) round(engine, caches[i]!, step);
      times[i]!.push((performance.now() - start) / rounds);
    });
  }
  const v8 = median(times[engines.length - 1]!);
  engines.forEach((engine, i) => {
    const steady = median(times[i]!);
    console.log(`${scenario.padEnd(8)} ${engine.name.padEnd(28)} first round ${first[i]!.ms.toFixed(1).padStart(7)} ms  steady ${steady.toFixed(2).padStart(7)} ms/round  ${(steady / v8).toFixed(2)}x V8  (gas ${first[i]!.gas})`);
  });
}
