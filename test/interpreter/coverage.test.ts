/**
 * Edge coverage for fuzzing: a map the caller owns, bumped once per jump, call, return and
 * not-taken branch at the byte the documented formula gives, saturating at 255. The expected
 * maps are built here from the program's own layout (labels) and the formula, written out again.
 */
import { describe, expect, it } from 'vitest';
import { Machine, ModuleCache, RuntimeContext, RwasmModule, SystemRuntime, assemble, coverageIndex, ins, label, to } from '../../src/index.js';
import { rwasmErrorOf } from '../support/errors.js';
import { compileProgram } from '../runtime/support/exec-host.js';

/** The formula of MachineOptions.coverage, restated. */
const edge = (from: number, to: number, length: number) => ((Math.imul(from + 1, 0x9e3779b1) ^ Math.imul(to, 0x85ebca6b)) >>> 0) % length;

// A countdown loop: n iterations of the back edge, then the loop's exit falls through its BrIfNez.
const { code, labels } = assemble([
  label('loop'),
  ins.LocalGet(1),
  ins.I32Const(1),
  ins.I32Sub(),
  ins.LocalTee(2),
  label('branch'),
  to.BrIfNez('loop'),
  ins.Return(),
]);
const module = new RwasmModule({ code });

function mapOf(n: number, length = 1 << 12): Uint8Array {
  const map = new Uint8Array(length);
  const machine = new Machine(module, { coverage: map, tier: 'compiled', fuelLimit: 1_000_000 });
  expect(machine.run({ params: [n], resultWords: 1 })).toMatchObject({ status: 'returned' });
  return map;
}

describe('coverage maps', () => {
  it('count the back edge once per repetition and the fall-through once, at the formula\'s bytes', () => {
    const branch = labels.get('branch')!;
    const loop = labels.get('loop')!;
    for (const n of [1, 2, 10, 300]) {
      const map = mapOf(n);
      const expected = new Uint8Array(map.length);
      expected[edge(branch, loop, map.length)] += Math.min(n - 1, 255);
      expected[edge(branch, branch + 1, map.length)] += 1;
      expect(Array.from(map), `n = ${n}`).toEqual(Array.from(expected));
      expect(coverageIndex(branch, loop, map.length)).toBe(edge(branch, loop, map.length));
    }
  });

  it('are the same run after run, accumulate when the caller keeps them, and cost nothing when off', () => {
    expect(mapOf(7)).toEqual(mapOf(7));
    const map = new Uint8Array(64);
    const machine = new Machine(module, { coverage: map });
    machine.run({ params: [3], resultWords: 1 });
    const once = map.slice();
    machine.run({ params: [3], resultWords: 1 });
    expect(Array.from(map)).toEqual(Array.from(once, (v) => v * 2));
    expect(machine.traced).toBe(true);
    expect(new Machine(module).traced).toBe(false);
    expect(rwasmErrorOf(() => new Machine(module, { coverage: new Uint8Array(0) }))?.code).toBe('InvalidArgument');
  });

  it('of a SystemRuntime frame: its own execution only (not the cached instance\'s init), different inputs, different maps', () => {
    const system = compileProgram('system', true);
    const cache = new ModuleCache();
    const run = (input: number) => {
      const map = new Uint8Array(1 << 12);
      const runtime = SystemRuntime.create({ module: system, cache, coverage: map, context: new RuntimeContext({ fuelLimit: 1_000_000n, callDepth: 1, input: Uint8Array.of(input) }) });
      runtime.execute();
      return map;
    };
    const first = run(0); // this frame instantiates the module
    const again = run(0); // this one finds the instance cached
    expect(again).toEqual(first);
    expect(first.some((v) => v > 0)).toBe(true);
    expect(run(1)).not.toEqual(first);
  });
});
