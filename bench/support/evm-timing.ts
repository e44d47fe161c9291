/**
 * The Fluent EVM runtime's own calls, timed on rwasm-ts (interpreter and auto tier) and on V8
 * running the runtime's hint-section Wasm under the same host (bench/support/evm-v8-engine.ts): each
 * scenario's first round in the process (decoding, preparing, translating, V8 compiling) and
 * its steady state (median per round over interleaved repetitions, one cached instance per
 * engine). Every round checks its results (evm-deploy.ts), on V8 too.
 */
import { ModuleCache } from '../../src/index.js';
import { runEvmWorkload, type EvmWorkloadOptions } from './evm-deploy.js';

export interface EvmEngine {
  readonly name: string;
  readonly options: Pick<EvmWorkloadOptions, 'engine' | 'tier'>;
}

export const EVM_ENGINES: readonly EvmEngine[] = [
  { name: 'rwasm-ts', options: { tier: 'interpreter' } },
  { name: 'rwasm-ts auto tier', options: { tier: 'auto' } },
  { name: 'V8 WebAssembly (hint Wasm)', options: { engine: 'v8' } },
];

export interface EvmTiming {
  readonly scenario: 'hello' | 'storage';
  readonly description: string;
  readonly engine: EvmEngine;
  readonly firstRoundMs: number;
  readonly medianRoundMs: number;
  /** The compiled tier's translations during the first round (auto tier only). */
  readonly translation: { readonly functions: number; readonly milliseconds: number } | undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

export function measureEvm(quick: boolean): EvmTiming[] {
  const rounds = quick ? 3 : 10;
  const repetitions = quick ? 3 : 9;
  const out: EvmTiming[] = [];
  for (const scenario of ['hello', 'storage'] as const) {
    const caches = EVM_ENGINES.map(() => new ModuleCache());
    const first = EVM_ENGINES.map((engine, i) => {
      const start = performance.now();
      const summary = runEvmWorkload({ scenario, rounds: 1, cache: caches[i], ...engine.options });
      const ms = performance.now() - start;
      return { ms, summary };
    });
    // Warm-up, then interleaved repetitions of `rounds` rounds each.
    EVM_ENGINES.forEach((engine, i) => runEvmWorkload({ scenario, rounds: rounds * 2, cache: caches[i], ...engine.options }));
    const times = EVM_ENGINES.map(() => [] as number[]);
    for (let r = 0; r < repetitions; r++) {
      EVM_ENGINES.forEach((engine, i) => {
        const start = performance.now();
        runEvmWorkload({ scenario, rounds, cache: caches[i], ...engine.options });
        times[i]!.push((performance.now() - start) / rounds);
      });
    }
    EVM_ENGINES.forEach((engine, i) => {
      const stats = engine.options.tier === 'auto' ? first[i]!.summary.translation : undefined;
      out.push({
        scenario,
        description: first[i]!.summary.scenario,
        engine,
        firstRoundMs: first[i]!.ms,
        medianRoundMs: median(times[i]!),
        translation: stats && { functions: stats.functions, milliseconds: stats.milliseconds },
      });
    });
  }
  return out;
}
