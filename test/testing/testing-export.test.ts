/**
 * rwasm-ts/testing: the expression generator's results are checked against V8 (an oracle
 * independent of its model) and then ours against the model, on both tiers; the coverage corpus
 * is the README's example, a coverage-guided property that finds a bug behind a 3-byte password.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, Machine, ModuleCache, RuntimeContext, SystemRuntime, compileWasm, fluentSystemConfig, trapName } from '../../src/index.js';
import { CoverageCorpus, rwasmExpressionProgram, wasmExpressionModule } from '../../src/testing/index.js';
import { HOST_HAS_WEBASSEMBLY, describeWithHostWasm, hostWasm } from '../support/host-wasm.js';
import { repositoryRoot } from '../support/shared.js';

const RUNS = HOST_HAS_WEBASSEMBLY ? 300 : 40;

describeWithHostWasm('wasmExpressionModule', () => {
  it('gives what V8 computes for the same module and arguments (value or trap)', () => {
    const api = hostWasm() as unknown as { Module: new (b: Uint8Array) => object; Instance: new (m: object) => { exports: { run: (a: number, b: bigint) => number | bigint } }; RuntimeError: abstract new () => Error };
    fc.assert(
      fc.property(wasmExpressionModule(), (m) => {
        const run = new api.Instance(new api.Module(m.bytes)).exports.run;
        let got: string;
        try {
          got = `value ${BigInt(run(m.args[0], m.args[1]))}`;
        } catch (error) {
          if (!(error instanceof api.RuntimeError)) throw error;
          got = /divide by zero|remainder by zero/.test(error.message) ? 'trap IntegerDivisionByZero' : /unrepresentable/.test(error.message) ? 'trap IntegerOverflow' : `trap ${error.message}`;
        }
        expect(got, m.text).toBe(m.expected.kind === 'value' ? `value ${m.expected.value}` : `trap ${m.expected.trap}`);
      }),
      { seed: 11, numRuns: RUNS },
    );
  });
});

describe('rwasmExpressionProgram', () => {
  it('runs on both tiers to the words (or the trap) the model gives', () => {
    fc.assert(
      fc.property(rwasmExpressionProgram(), (p) => {
        for (const tier of ['interpreter', 'compiled'] as const) {
          const machine = new Machine(p.module, { tier, fuelLimit: 1_000_000n });
          machine.instantiate();
          const outcome = machine.run({ params: [...p.params], resultWords: p.resultWords });
          const got = outcome.status === 'returned' ? `words ${Array.from(outcome.results)}` : outcome.status === 'trapped' ? `trap ${trapName(outcome.trap)}` : outcome.status;
          expect(got, `${tier}: ${p.text}`).toBe(p.expected.kind === 'value' ? `words ${p.expectedWords}` : `trap ${p.expected.trap}`);
        }
      }),
      { seed: 12, numRuns: RUNS },
    );
  });
});

describe('CoverageCorpus (the README example)', () => {
  it('guides a fast-check property over a contract\'s input to a bug behind a three-byte password', () => {
    const wasm = new Uint8Array(readFileSync(join(repositoryRoot(), 'test', 'runtime', 'programs', 'fuzz-target.wasm')));
    // --- README example ---
    const { module } = compileWasm(wasm, fluentSystemConfig()); // a contract: main reads its input
    const cache = new ModuleCache();
    const corpus = new CoverageCorpus();
    const result = fc.check(
      fc.property(corpus.arbitrary(fc.uint8Array({ minLength: 3, maxLength: 8 })), (input) => {
        const runtime = SystemRuntime.create({ module, cache, coverage: corpus.map, context: new RuntimeContext({ input, fuelLimit: 1_000_000n }) });
        const { exitCode } = runtime.execute();
        corpus.observe(input); // keeps inputs that reached new edges, clears the map
        return exitCode === ExitCode.Ok; // the property: the contract never fails
      }),
      { seed: 42, numRuns: 50_000, endOnFailure: true },
    );
    // result.failed, and result.counterexample holds the input that broke it
    // --- end of example ---
    expect(result.failed).toBe(true);
    const found = result.counterexample![0] as Uint8Array;
    expect(new TextDecoder().decode(found.subarray(0, 3))).toBe('FUZ');
    expect(corpus.inputs.length).toBeGreaterThanOrEqual(3); // one input per byte of the password matched
    expect(corpus.edges).toBeGreaterThan(0);
  });
});
