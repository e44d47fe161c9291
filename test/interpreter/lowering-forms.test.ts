/**
 * The special forms lowering picks for particular operands, each against the stepper running
 * the module's own code: i64 snippet calls on every shape of operand (in locals, constants,
 * results still in place, both halves naming one slot) with the constants that select a form
 * (shift counts around 32 and 64, zero-extensions, identities), and i32 operations with the
 * constants that make them no op at all (x + 0, x & -1, x & 0, 0 << x, …). Random programs
 * meet these rarely; here every combination runs.
 */
import { describe, expect, it } from 'vitest';
import { Machine, ins, label, to, type AsmItem, type RunOutcome } from '../../src/index.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';
import { BINARY, INLINE, SNIPPETS, stackModule, type Item, type StackProgram } from '../support/stack-programs.js';

function run(program: StackProgram, params: readonly number[], traced: boolean): unknown {
  // Untraced, the code is prepared at its first arrival, so the one run is the lowered code's
  // (by default a program this short would run on the stepper too, and agree with itself).
  setWarmArrivals(traced ? undefined : 1);
  let machine: Machine;
  try {
    machine = new Machine(stackModule(program), { trace: traced ? () => {} : undefined, maxMemoryPages: 4, fuelLimit: 10_000 });
  } finally {
    setWarmArrivals(undefined);
  }
  machine.instantiate();
  const outcome: RunOutcome = machine.run({ params, resultWords: program.resultWords });
  if (!traced) expect(machine.program.preparation.blocks).toBeGreaterThan(0);
  // Memory as a checksum of its words (stores must land where the stepper puts them).
  const words = new Int32Array(machine.memory.buffer, machine.memory.byteOffset, machine.memory.byteLength >> 2);
  let sum = 0;
  for (let i = 0; i < words.length; i++) sum = (Math.imul(sum, 31) + words[i]!) | 0;
  return { outcome: outcome.status === 'returned' ? Array.from(outcome.results) : outcome, memory: sum };
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

  it("the compiler's inline i64 sequences on every operand shape, and i64 and-not", () => {
    const aShapes: Item[][] = [...Object.values(shapes).map((shape) => shape(0)), ...A_CONSTANTS.map(([lo, hi]) => [constant(lo), constant(hi)])];
    const bShapes: Item[][] = [...Object.values(shapes).map((shape) => shape(1)), ...CONSTANT_PAIRS.map(([lo, hi]) => [constant(lo), constant(hi)])];
    const not: Item[] = [constant(-1), constant(-1), { k: 'inline', name: 'xor' }];
    for (const name of INLINE) {
      const words = name === 'eq' || name === 'ne' ? 1 : 2;
      for (const a of aShapes) {
        for (const b of bShapes) {
          const sequence: Item = { k: 'inline', name };
          for (const values of VALUES) agree([...a, ...b, sequence], values, 4 + words);
          agree([...a, ...b, sequence, { k: 'set', d: 4 }, ...(words === 2 ? [{ k: 'set', d: 4 } as Item, get(4)] : []), get(4)], VALUES[0]!, 4 + words);
        }
      }
    }
    // (~a) & b and b & (~a), with the negated pair in every shape the xor leaves it in.
    for (const a of aShapes.slice(0, 3)) {
      for (const b of bShapes.slice(0, 3)) {
        for (const values of VALUES) {
          agree([...a, ...not, ...b, { k: 'inline', name: 'and' }], values, 6);
          agree([...a, ...b, ...not, { k: 'inline', name: 'and' }], values, 6);
        }
      }
    }
  });

  it('an i64 xor rotated by a constant (one op when nothing else reads the xor)', () => {
    const xor: Item = { k: 'inline', name: 'xor' };
    let cases = 0;
    for (const name of ['rotl', 'rotr'] as const) {
      for (const k of [0, 1, 13, 31, 32, 33, 50, 63, 64, 65]) {
        const rotate: Item[] = [constant(k), constant(0), { k: 'snippet', name }];
        for (const a of Object.values(shapes).map((shape) => shape(0))) {
          for (const b of Object.values(shapes).map((shape) => shape(1))) {
            for (const values of VALUES) agree([...a, ...b, xor, ...rotate], values, 6);
            // stored and read back, as compiled code does
            agree([...a, ...b, xor, ...rotate, { k: 'set', d: 4 }, { k: 'set', d: 4 }, get(4), get(4)], VALUES[0]!, 6);
            // the xor's result also read (rotated is a copy), so it must stay
            agree([...a, ...b, xor, get(2), get(2), ...rotate], VALUES[1]!, 8);
            cases += VALUES.length + 2;
          }
        }
      }
    }
    expect(cases).toBe(2 * 10 * 3 * 3 * (VALUES.length + 2));
  });

  it('i64 xor chains and rotations xored (one op when nothing else reads the inner result)', () => {
    const xor: Item = { k: 'inline', name: 'xor' };
    const rotl = (k: number): Item[] => [constant(k), constant(0), { k: 'snippet', name: 'rotl' }];
    // At height 6 (a in slots 4, 5): b and c as p2, p3 and p0, p1, pushed as locals.
    const bc: Item[] = [get(4), get(4), get(8), get(8)];
    let cases = 0;
    for (const a of Object.values(shapes).map((shape) => shape(0))) {
      for (const b of Object.values(shapes).map((shape) => shape(1))) {
        const forms: Array<[Item[], number]> = [
          [[...a, ...b, xor, ...b, xor], 6], // (a ^ b) ^ c
          [[...a, ...bc, xor, xor], 6], // a ^ (b ^ c)
          [[...a, ...b, xor, get(2), get(2), ...b, xor], 8], // a ^ b also read
          ...[1, 31, 33, 63].flatMap((k): Array<[Item[], number]> => [
            [[...a, ...rotl(k), ...b, xor], 6], // rotl(a, k) ^ b
            [[...a, ...b, ...rotl(k), xor], 6], // a ^ rotl(b, k)
            [[...a, ...rotl(k), get(2), get(2), ...b, xor], 8], // rotl(a, k) also read
          ]),
        ];
        for (const [items, words] of forms) {
          for (const values of VALUES) agree(items, values, words);
          cases += VALUES.length;
        }
      }
    }
    expect(cases).toBe(3 * 3 * 15 * VALUES.length);
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

  it('fused pairs: an operation feeding an add, xor or multiply, on every operand arrangement', () => {
    const asm = (...code: AsmItem[]): Item => ({ k: 'asm', code });
    const inners: Record<string, AsmItem[]> = {
      xor: [ins.I32Xor()],
      mul: [ins.I32Mul()],
      add: [ins.I32Add()],
      shl3: [ins.Drop(), ins.I32Const(3), ins.I32Shl()],
      shrU31: [ins.Drop(), ins.I32Const(31), ins.I32ShrU()],
      rotl7: [ins.Drop(), ins.I32Const(7), ins.I32Rotl()],
      add5: [ins.Drop(), ins.I32Const(5), ins.I32Add()],
    };
    const outers: Record<string, AsmItem[]> = {
      add: [ins.I32Add()],
      xor: [ins.I32Xor()],
      addI: [ins.Drop(), ins.I32Const(-0x7ffffff0), ins.I32Add()],
      mulI: [ins.Drop(), ins.I32Const(0x9e3779b1 | 0), ins.I32Mul()],
      sub: [ins.I32Sub()],
    };
    for (const inner of Object.values(inners)) {
      for (const outer of Object.values(outers)) {
        // p0 op p1 (the inner result), then with p2: the inner result on the left, on the
        // right, on both sides, also kept in a local, and also read again later.
        const programs: Array<[Item[], number]> = [
          [[get(4), get(4), asm(...inner), get(3), asm(...outer)], 5],
          [[get(2), get(5), get(5), asm(...inner), asm(...outer)], 5],
          [[get(4), get(4), asm(...inner), get(1), asm(...outer)], 5],
          [[get(4), get(4), asm(...inner), { k: 'tee', d: 2 }, get(3), asm(...outer)], 5],
          [[get(4), get(4), asm(...inner), get(1), get(4), asm(...outer)], 6],
        ];
        for (const [items, words] of programs) {
          for (const values of [[0x12345678, 0x9abcdef0 | 0, 7, -1], [-1, 3, 0x7fffffff, 0]]) agree(items, values, words);
        }
      }
    }
  });

  it('fused pairs: loads and stores addressed by a sum, in bounds, at the bounds and wrapping', () => {
    const asm = (...code: AsmItem[]): Item => ({ k: 'asm', code });
    // Memory seeded near both ends of the page first.
    const seed = asm(ins.I32Const(0), ins.I32Const(0x11223344), ins.I32Store(0), ins.I32Const(65532), ins.I32Const(0x55667788 | 0), ins.I32Store(0), ins.I32Const(12), ins.I32Const(-2), ins.I32Store(0));
    const loads = [ins.I32Load, ins.I32Load8S, ins.I32Load8U, ins.I32Load16S, ins.I32Load16U];
    const stores = [ins.I32Store, ins.I32Store8, ins.I32Store16];
    const addresses: Record<string, (c: number) => AsmItem[]> = {
      plusConstant: (c) => [ins.LocalGet(4), ins.I32Const(c), ins.I32Add()],
      plusLocal: () => [ins.LocalGet(4), ins.LocalGet(4), ins.I32Add()],
      scaledPlusConstant: (c) => [ins.LocalGet(4), ins.I32Const(2), ins.I32Shl(), ins.I32Const(c), ins.I32Add()],
    };
    const bases = [[0, 4], [65528, 0], [65535, 1], [-4, 8], [0x3fffc000, -8], [16380, 65536]];
    for (const address of Object.values(addresses)) {
      for (const c of [0, 4, -8, 65532]) {
        for (const offset of [0, 4, 65535]) {
          for (const [p0, p1] of bases) {
            for (const load of loads) agree([seed, asm(...address(c), load(offset))], [p0!, p1!, 5, 6], 5);
            for (const store of stores) agree([seed, asm(...address(c), ins.LocalGet(4), store(offset), ins.I32Const(12), ins.I32Load(0))], [p0!, p1!, 0x7eadbeef, 6], 5);
          }
        }
      }
    }
  });

  it('fused pairs: a counter incremented and tested by the branch that closes its loop', () => {
    // p0 counts from its start by `step` until it reaches `end` (!=) or 0 (br_if on it); the
    // program's fuel check in every iteration bounds a wrong engine.
    for (const step of [1, -1, 3, 0x40000000]) {
      for (const start of [0, -2, 0x7ffffffe, 5]) {
        const end = (start + 4 * step) | 0;
        const loopNe: AsmItem[] = [label('top'), ins.ConsumeFuel(1), ins.LocalGet(4), ins.I32Const(step), ins.I32Add(), ins.LocalSet(4), ins.LocalGet(4), ins.I32Const(end), ins.I32Ne(), to.BrIfNez('top')];
        const loopNez: AsmItem[] = [label('top'), ins.ConsumeFuel(1), ins.LocalGet(4), ins.I32Const(step), ins.I32Add(), ins.LocalTee(5), to.BrIfNez('top')];
        agree([{ k: 'asm', code: loopNe }], [start, 1, 2, 3], 4);
        agree([{ k: 'asm', code: loopNez }], [start, 1, 2, 3], 4);
      }
    }
  });
});
