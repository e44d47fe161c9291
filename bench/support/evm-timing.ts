/**
 * The Fluent EVM runtime's own calls, timed on rwasm-ts (interpreter and auto tier) and on V8
 * running the runtime's hint-section Wasm under the same host (bench/support/evm-v8-engine.ts): each
 * scenario's first round in the process (decoding, preparing, translating, V8 compiling), its
 * early rounds (what a short test run sees: rounds 2 to 31) and its steady state (after
 * STEADY_AFTER rounds: V8's optimised Wasm and host code, and the compiled tier's translations,
 * take hundreds of rounds to settle, and V8 runs twice as fast there as in the early rounds).
 * Medians per round over interleaved repetitions, one cached instance per engine. Every round
 * checks its results (evm-deploy.ts), on V8 too.
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
  /** Median per round over rounds 2 to 31. */
  readonly earlyRoundMs: number;
  /** Median per round once warm (after STEADY_AFTER rounds). */
  readonly medianRoundMs: number;
  /** The compiled tier's translations during the first round (auto tier only). */
  readonly translation: { readonly functions: number; readonly milliseconds: number } | undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Rounds each engine runs before the steady-state repetitions. */
const STEADY_AFTER = 600;

export function measureEvm(quick: boolean): EvmTiming[] {
  const earlyRepetitions = quick ? 2 : 6;
  const earlyRounds = 5;
  const steadyAfter = quick ? 20 : STEADY_AFTER;
  const rounds = quick ? 3 : 20;
  const repetitions = quick ? 3 : 9;
  const out: EvmTiming[] = [];
  for (const scenario of ['hello', 'storage'] as const) {
    const caches = EVM_ENGINES.map(() => new ModuleCache());
    const first = EVM_ENGINES.map((engine, i) => {
      const start = performance.now();
      const summary = runEvmWorkload({ scenario, rounds: 1, cache: caches[i], ...engine.options });
      return { ms: performance.now() - start, summary };
    });
    // Interleaved, so that the shared machine's slow spells fall on every engine alike.
    const repeat = (times: number, roundsEach: number): number[][] => {
      const perRound = EVM_ENGINES.map(() => [] as number[]);
      for (let r = 0; r < times; r++) {
        EVM_ENGINES.forEach((engine, i) => {
          const start = performance.now();
          runEvmWorkload({ scenario, rounds: roundsEach, cache: caches[i], ...engine.options });
          perRound[i]!.push((performance.now() - start) / roundsEach);
        });
      }
      return perRound;
    };
    const early = repeat(earlyRepetitions, earlyRounds);
    const warmUp = Math.max(0, Math.ceil((steadyAfter - 1 - earlyRepetitions * earlyRounds) / 50));
    repeat(warmUp, 50);
    const steady = repeat(repetitions, rounds);
    EVM_ENGINES.forEach((engine, i) => {
      const stats = engine.options.tier === 'auto' ? first[i]!.summary.translation : undefined;
      out.push({
        scenario,
        description: first[i]!.summary.scenario,
        engine,
        firstRoundMs: first[i]!.ms,
        earlyRoundMs: median(early[i]!),
        medianRoundMs: median(steady[i]!),
        translation: stats && { functions: stats.functions, milliseconds: stats.milliseconds },
      });
    });
  }
  return out;
}
