/**
 * The special forms lowering picks for particular operands, each against the stepper running
 * the module's own code: i64 snippet calls on every shape of operand (in locals, constants,
 * results still in place, both halves naming one slot) with the constants that select a form
 * (shift counts around 32 and 64, zero-extensions, identities), and i32 operations with the
 * constants that make them no op at all (x + 0, x & -1, x & 0, 0 << x, …). Random programs
 * meet these rarely; here every combination runs.
 */
import { describe, expect, it } from 'vitest';
import { Machine, type RunOutcome } from '../../src/index.js';
import { BINARY, SNIPPETS, stackModule, type Item, type StackProgram } from '../support/stack-programs.js';

function run(program: StackProgram, params: readonly number[], traced: boolean): unknown {
  const machine = new Machine(stackModule(program), { trace: traced ? () => {} : undefined, maxMemoryPages: 4 });
  machine.instantiate();
  const outcome: RunOutcome = machine.run({ params, resultWords: program.resultWords });
  return outcome.status === 'returned' ? Array.from(outcome.results) : outcome;
}

function agree(items: Item[], params: readonly number[], resultWords: number): void {
  const program = { params: params.length, items, resultWords };
  let expected: unknown;
  try { expected = run(program, params, true); } catch (e) { throw new Error(JSON.stringify(items) + String(e)); }
  expect(run(program, params, false), JSON.stringify(items)).toEqual(expected);
}

const get = (d: number): Item => ({ k: 'get', d });
const constant = (v: number): Item => ({ k: 'const', v });

// Four parameters p0…p3 in slots 0…3. An operand's two words are pushed at height 4 (a) or 6
// (b); `get(4)` there reads p0, p1 (a) or p2, p3 (b) in turn.
const shapes: Record<string, (which: 0 | 1) => Item[]> = {
  locals: () => [get(4), get(4)],
  // computed just now, so still in their own slots: a = (p0 ^ p1, p1 | p2), b = (p2 ^ p3, p3 | p0)
  inPlace: (which) => [get(4), get(4), { k: 'bin', op: 'I32Xor' }, get(4), get(which === 0 ? 4 : 8), { k: 'bin', op: 'I32Or' }],
  // both halves the same value, the high one naming the low one's slot
  sameSlot: () => [get(4), get(1)],
};
const CONSTANT_PAIRS: Array<[number, number]> = [
  [0, 0], [1, 0], [2, 0], [31, 0], [32, 0], [33, 0], [63, 0], [64, 0], [96, 0], [0, 1], [0, -1], [1, -1], [-1, -1], [-1, 0], [5, -1], [0x7fffffff, -0x80000000],
];
const A_CONSTANTS: Array<[number, number]> = [[0, 0], [1, 0], [-1, -1], [0x7fffffff, -0x80000000]];
const VALUES: Array<readonly number[]> = [
  [-8, 7, 3, 0],
  [0x80000001 | 0, -1, -5, -1],
];

function resultWords(name: string): number {
  return ['add', 'sub', 'mul', 'shl', 'shrS', 'shrU', 'rotl', 'rotr', 'divS', 'divU', 'remS', 'remU'].includes(name) ? 2 : 1;
}

describe('lowering special forms agree with the stepper', () => {
  it('i64 snippet calls on every operand shape and selecting constant', () => {
    let cases = 0;
    for (const name of SNIPPETS) {
      const words = resultWords(name);
      const aShapes: Item[][] = [
        ...Object.values(shapes).map((shape) => shape(0)),
        ...A_CONSTANTS.map(([lo, hi]) => [constant(lo), constant(hi)]),
      ];
      const bShapes: Item[][] = [
        ...Object.values(shapes).map((shape) => shape(1)),
        ...CONSTANT_PAIRS.map(([lo, hi]) => [constant(lo), constant(hi)]),
      ];
      for (const a of aShapes) {
        for (const b of bShapes) {
          const call: Item = { k: 'snippet', name };
          // Left on the stack, and also stored into p0 (p1) and read back, as compiled code does.
          const stored: Item[] = words === 2 ? [{ k: 'set', d: 4 }, { k: 'set', d: 4 }, get(4), get(4)] : [{ k: 'set', d: 4 }, get(4)];
          for (const values of VALUES) agree([...a, ...b, call], values, 4 + words);
          agree([...a, ...b, call, ...stored], VALUES[0]!, 4 + words);
          cases += VALUES.length + 1;
        }
      }
    }
    expect(cases).toBe(SNIPPETS.length * (3 + A_CONSTANTS.length) * (3 + CONSTANT_PAIRS.length) * (VALUES.length + 1));
  });

  it('i32 operations with constants that need no op, on either side', () => {
    const operands: Record<string, Item[]> = {
      local: [get(2)],
      inPlace: [get(2), get(2), { k: 'bin', op: 'I32Add' }],
      pushedDeep: [get(1), get(3), { k: 'drop' }],
    };
    for (const op of BINARY) {
      for (const c of [0, 1, -1, 2, 31, 32, 33, -0x80000000]) {
        for (const x of Object.values(operands)) {
          for (const values of [[5, -3], [-0x80000000, 1]]) {
            agree([...x, constant(c), { k: 'bin', op }], values, 3);
            agree([constant(c), ...x, { k: 'bin', op }], values, 3);
            // the result consumed by a local.set right away, and by a later operation
            agree([constant(c), ...x, { k: 'bin', op }, { k: 'set', d: 2 }, get(1), get(2), { k: 'bin', op: 'I32Sub' }], values, 3);
          }
        }
      }
    }
  });
});
