/**
 * fast-check generated programs (fixed seeds, bounded runs), each run on V8 and on our compiler
 * + interpreter for several random argument vectors: results, trap kinds and exported memory
 * must agree. A failure reports the shrunk program's .wat and the disagreeing vectors.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { BOTH_CONFIGS, DiffProgram, loadWabt, watToWasm, type Arg } from './harness.js';
import { printStraightLine, printStructured, runArgs, straightLineProgram, structuredProgram } from './wasm-gen.js';
import type { CompilationConfig } from '../../src/index.js';

type Wabt = Awaited<ReturnType<typeof loadWabt>>;

interface Tally {
  programs: number;
  values: number;
  traps: Map<string, number>;
}

/** Assembles and compares one generated program; throws (with the .wat) on any disagreement. */
function check(wabt: Wabt, wat: string, argSets: readonly (readonly Arg[])[], tally: Tally, configs?: Record<string, CompilationConfig>): void {
  let bytes: Uint8Array;
  let program: DiffProgram;
  try {
    bytes = watToWasm(wabt, wat);
    program = new DiffProgram(bytes, configs);
  } catch (error) {
    throw new Error(`generated program did not assemble/compile: ${String(error)}\n${wat}`);
  }
  tally.programs++;
  const mismatches: string[] = [];
  for (const args of argSets) {
    const comparison = program.compare(args);
    mismatches.push(...comparison.mismatches);
    const outcome = comparison.v8.outcome;
    if (outcome.kind === 'values') tally.values++;
    else tally.traps.set(outcome.trap, (tally.traps.get(outcome.trap) ?? 0) + 1);
  }
  // Then all vectors in turn on one instance per engine: memory, globals and the table carry over.
  mismatches.push(...program.compareSequence(argSets));
  if (mismatches.length > 0) throw new Error(`${mismatches.join('\n')}\n${wat}`);
}

const newTally = (): Tally => ({ programs: 0, values: 0, traps: new Map() });
const argVectors = fc.array(runArgs, { minLength: 4, maxLength: 4 });

describeWithHostWasm('differential: generated programs', () => {
  let wabt: Wabt;
  beforeAll(async () => {
    wabt = await loadWabt();
  });

  it('straight-line i32/i64 programs (400 programs x 4 argument vectors)', () => {
    const tally = newTally();
    fc.assert(
      fc.property(straightLineProgram(), argVectors, (program, argSets) => {
        check(wabt, printStraightLine(program), argSets, tally);
      }),
      { seed: 0x5eed_0001, numRuns: 400 },
    );
    // The generator must produce both normal results and traps (division, float conversions).
    expect(tally.values).toBeGreaterThan(tally.programs);
    expect([...tally.traps.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('straight-line programs without i64 comparisons, also with i64 sequences inlined (200 x 4)', () => {
    const tally = newTally();
    fc.assert(
      fc.property(straightLineProgram(true), argVectors, (program, argSets) => {
        check(wabt, printStraightLine(program), argSets, tally, BOTH_CONFIGS);
      }),
      { seed: 0x5eed_0002, numRuns: 200 },
    );
    expect(tally.values).toBeGreaterThan(tally.programs);
  });

  it('structured programs: blocks, bounded loops, ifs, branches, calls, memory, globals (400 x 4)', () => {
    const tally = newTally();
    fc.assert(
      fc.property(structuredProgram(), argVectors, (program, argSets) => {
        check(wabt, printStructured(program), argSets, tally);
      }),
      { seed: 0x5eed_0003, numRuns: 400 },
    );
    expect(tally.values).toBeGreaterThan(tally.programs / 2);
    // Every kind of trap the generator can provoke shows up.
    expect([...tally.traps.keys()].sort()).toEqual([
      'BadConversionToInteger|IntegerOverflow',
      'IndirectCallToNull|BadSignature',
      'IntegerDivisionByZero',
      'MemoryOutOfBounds',
      'TableOutOfBounds',
      'UnreachableCodeReached',
    ]);
  });

  it('larger structured programs: deeper nesting, longer bodies (200 x 4)', () => {
    const tally = newTally();
    fc.assert(
      fc.property(structuredProgram({ depth: 5, length: 10 }), argVectors, (program, argSets) => {
        check(wabt, printStructured(program), argSets, tally);
      }),
      { seed: 0x5eed_0004, numRuns: 200 },
    );
    expect(tally.values).toBeGreaterThan(tally.programs / 2);
  });
});

