/**
 * Loops the compiled tier writes as JavaScript loops (src/compiled/loops.ts): nested three deep,
 * a call in the outermost, a jump from the innermost out to the outermost, and stops by fuel all
 * over them: the interpreter then continues inside a loop body and enters compiled code
 * again at a loop header, the nested ones included (through the loops around them). Oracles: V8
 * for results, the interpreter for fuel and every stop.
 */
import { expect, it } from 'vitest';
import { Machine, compileWasm, type RunOutcome, type Tier } from '../../src/index.js';
import { loadWabt, watToWasm } from '../differential/harness.js';
import { describeWithHostWasm, hostWasm } from '../support/host-wasm.js';
import { transplant } from '../support/transplant.js';

// run(n): for each i < n, a call, then j < i + 3 rounds of k < 5 steps; an inner step now and
// then jumps straight on to the next i.
const PROGRAM = `(module
  (func $mix (param $a i32) (param $b i32) (result i32)
    (i32.xor (i32.mul (local.get $a) (i32.const 31)) (local.get $b)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $acc i32)
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call $mix (local.get $acc) (local.get $i)))
        (local.set $j (i32.const 0))
        (block $next_i
          (loop $middle
            (local.set $k (i32.const 0))
            (loop $inner
              (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 7)) (i32.add (local.get $k) (local.get $j))))
              (br_if $next_i (i32.eq (i32.and (local.get $acc) (i32.const 255)) (i32.const 42)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $inner (i32.lt_u (local.get $k) (i32.const 5))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $middle (i32.lt_u (local.get $j) (i32.add (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $acc)))`;

interface Run {
  results: number[];
  stops: number;
  fuel: bigint;
}

async function programs(): Promise<{ wasm: Uint8Array; v8: (n: number) => number }> {
  const wasm = watToWasm(await loadWabt(), PROGRAM);
  const host = hostWasm();
  return { wasm, v8: new host.Instance(new host.Module(wasm), {}).exports.run as (n: number) => number };
}

/** A run stopped every `step` fuel: resumed on the same machine, or (with `across`) on a copy on the next tier in turn. */
function stopped(wasm: Uint8Array, tiers: readonly Tier[], n: number, step: bigint | undefined, across = false): Run {
  const { module } = compileWasm(wasm, { entrypointName: 'run', consumeFuel: true });
  let machine = new Machine(module, { tier: tiers[0], fuelLimit: step });
  machine.instantiate();
  let outcome: RunOutcome = machine.run({ params: [n], resultWords: 1 });
  let stops = 0;
  for (; outcome.status === 'outOfFuel'; stops++) {
    if (across) machine = transplant(machine, (copy) => new Machine(copy, { tier: tiers[(stops + 1) % tiers.length] }));
    machine.addFuel(step!);
    outcome = machine.resume();
  }
  if (outcome.status !== 'returned') throw new Error(`run ended ${outcome.status}`);
  return { results: Array.from(outcome.results, (v) => v | 0), stops, fuel: machine.fuelConsumed() };
}

describeWithHostWasm('loops as JavaScript loops', () => {
  it('nested loops with a call and a jump out of two of them: V8 results, the interpreter fuel, on every tier', async () => {
    const { wasm, v8 } = await programs();
    for (const n of [0, 1, 2, 7, 60]) {
      const interpreted = stopped(wasm, ['interpreter'], n, undefined);
      expect(interpreted.results, `n = ${n}`).toEqual([v8(n)]);
      for (const tier of ['compiled', 'auto'] as const) {
        // The same machine several times: auto translates once loops have gone round a few times.
        for (let round = 0; round < 3; round++) expect(stopped(wasm, [tier], n, undefined), `${tier} n = ${n}`).toEqual(interpreted);
      }
    }
  });

  it('stopped by fuel inside the loops and resumed: compiled code entered again at the loop headers, nested ones too', async () => {
    const { wasm, v8 } = await programs();
    const whole = stopped(wasm, ['interpreter'], 40, undefined);
    expect(whole.results).toEqual([v8(40)]);
    for (const step of [13n, 101n, 997n]) {
      const interpreted = stopped(wasm, ['interpreter'], 40, step);
      expect({ ...interpreted, stops: 0 }).toEqual({ ...whole, stops: 0 });
      for (const tier of ['compiled', 'auto'] as const) expect(stopped(wasm, [tier], 40, step), `${tier} every ${step}`).toEqual(interpreted);
      for (const tiers of [['compiled', 'interpreter'], ['interpreter', 'auto', 'compiled']] as const) {
        expect(stopped(wasm, tiers, 40, step, true), `${tiers.join('/')} every ${step}`).toEqual(interpreted);
      }
    }
  });
});
