/**
 * The Fluent EVM runtime on every tier against V8 running the program it was compiled from (the
 * Wasm in its hint section) under the same host (bench/support/evm-v8-engine.ts): frame by frame the
 * same exit code, the same outcome bytes and the same fuel (the runtime meters itself, so fuel is
 * the program's own count, not an engine's), through HelloWorld's deploy and call and Storage's
 * deploy, reads and writes with their interruptions.
 */
import { expect, it } from 'vitest';
import { runEvmWorkload } from '../../bench/support/evm-deploy.js';
import { describeWithHostWasm } from '../support/host-wasm.js';

describeWithHostWasm('the EVM runtime against its own Wasm on V8', () => {
  for (const scenario of ['hello', 'storage'] as const) {
    it(`${scenario}: every frame's exit code, outcome and fuel, on the interpreter, auto and compiled tiers`, () => {
      const frames = (engine: 'rwasm' | 'v8', tier?: 'interpreter' | 'auto' | 'compiled') =>
        runEvmWorkload({ scenario, rounds: 2, engine, tier, record: true }).record.map((f) => ({ exitCode: f.exitCode, output: Buffer.from(f.output).toString('hex'), fuel: f.fuel, interruptions: f.interruptions }));
      const v8 = frames('v8');
      expect(v8.length).toBe(scenario === 'hello' ? 4 : 8);
      for (const tier of ['interpreter', 'auto', 'compiled'] as const) expect(frames('rwasm', tier), tier).toEqual(v8);
    });
  }
});
