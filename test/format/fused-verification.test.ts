/**
 * Decoding applies verification's instruction rules while it reads the code (one pass); a
 * module built in memory is verified by the separate pass over its code. Both must fail on the
 * same rule at the same pc with the same details, and pass alike, on modules with random rule
 * breaks planted in them (branches, tables, calls, depths, segments, payloads).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstructionSet, RwasmModule, ins, isRwasmError, type Instruction } from '../../src/index.js';

const plantable: fc.Arbitrary<Instruction> = fc.oneof(
  fc.integer({ min: -40, max: 40 }).map((offset) => ins.Br(offset)),
  fc.integer({ min: -40, max: 40 }).map((offset) => ins.BrIfNez(offset)),
  fc.integer({ min: 0, max: 30 }).map((n) => ins.BrTable(n)),
  fc.integer({ min: 0, max: 60 }).map((target) => ins.CallInternal(target)),
  fc.integer({ min: 0, max: 60 }).map((target) => ins.RefFunc(target)),
  fc.integer({ min: 0, max: 3 }).map((depth) => ins.LocalGet(depth)),
  fc.integer({ min: 0, max: 3 }).map((depth) => ins.LocalTee(depth)),
  fc.constantFrom(0, 99_999, 100_000).map((segment) => ins.MemoryInit(segment)),
  fc.constantFrom(0, 100_000).map((segment) => ins.ElemDrop(segment)),
  fc.constantFrom(0, 99, 100).map((table) => ins.TableSize(table)),
  fc.tuple(fc.constantFrom(0, 100), fc.constantFrom(0, 100)).map(([d, s]) => ins.TableCopy(d, s)),
  fc.constant(ins.CallIndirect(0)),
  fc.constant(ins.TableInit(0)),
  fc.constantFrom(0, 99, 100).map((table) => ins.TableGet(table)),
  fc.constant(ins.I32Const(7)),
  fc.constant(ins.Drop()),
);

function outcome(run: () => unknown): unknown {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (!isRwasmError(error)) throw error;
    return { code: error.code, details: error.details, message: error.message };
  }
}

describe('verification while decoding', () => {
  it('fails exactly like the separate pass on modules with planted rule breaks', () => {
    fc.assert(
      fc.property(fc.array(plantable, { minLength: 1, maxLength: 60 }), fc.nat(), fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 3 }), (code, sourcePc, elem) => {
        const parts = { code: InstructionSet.from(code), sourcePc: sourcePc % (code.length + 2), elem };
        const built = new RwasmModule(parts);
        const bytes = built.encode();
        const separate = outcome(() => new RwasmModule(parts).verify());
        const fused = outcome(() => RwasmModule.decode(bytes));
        expect(fused).toEqual(separate);
        // Decoding without verifying, then verifying, gives the same answer too.
        expect(outcome(() => RwasmModule.decode(bytes, { verify: false }).verify())).toEqual(separate);
      }),
      { seed: 0xf0_5e, numRuns: 3000 },
    );
  });
});
