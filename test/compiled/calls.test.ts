/**
 * Calls inside compiled code: compiled functions call each other as JavaScript functions on the
 * interpreter's call stack, nest at most a few dozen deep in JavaScript (deeper calls go through
 * the interpreter, which enters the callee's code afresh), and a stop anywhere in a callee leaves
 * the interpreter in that frame. Oracles: V8 for results, the interpreter tier for traps, fuel
 * and every stop (each run is stopped by fuel at many limits and finished on another tier).
 */
import { expect, it } from 'vitest';
import { Machine, compileWasm, type RunOutcome, type Tier, type TrapCode } from '../../src/index.js';
import { loadWabt, watToWasm } from '../differential/harness.js';
import { describeWithHostWasm, hostWasm } from '../support/host-wasm.js';
import { transplant } from '../support/transplant.js';

// Non-tail recursion (its depth is the argument), calls through a table, and a loop around calls.
const PROGRAM = `(module
  (type $unary (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $double $depth)
  (func $depth (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get $n) (i32.const 1)))))))
  (func $double (param $x i32) (result i32)
    (i32.add (local.get $x) (local.get $x)))
  (func $mix (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $next
      (local.set $acc (i32.add (local.get $acc)
        (call_indirect (type $unary) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (local.set $acc (i32.xor (local.get $acc) (call $depth (i32.and (local.get $i) (i32.const 7)))))
      (br_if $next (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc))
  (func (export "run") (param $mode i32) (param $n i32) (result i32)
    (if (result i32) (local.get $mode)
      (then (call $mix (local.get $n)))
      (else (call $depth (local.get $n))))))`;

interface Run {
  outcome: RunOutcome['status'];
  results: number[];
  trap: TrapCode | undefined;
  fuel: bigint;
}

async function programs(): Promise<{ wasm: Uint8Array; v8: (mode: number, n: number) => number }> {
  const wasm = watToWasm(await loadWabt(), PROGRAM);
  const host = hostWasm();
  const instance = new host.Instance(new host.Module(wasm), {});
  return { wasm, v8: instance.exports.run as (mode: number, n: number) => number };
}

/** A run on `tiers[0]`, stopped every `step` fuel and continued on the next tier in turn (on a copy of the machine). */
function runAcross(wasm: Uint8Array, tiers: readonly Tier[], params: number[], step?: bigint): Run {
  const { module } = compileWasm(wasm, { entrypointName: 'run', consumeFuel: true });
  let machine = new Machine(module, { tier: tiers[0], fuelLimit: step });
  machine.instantiate();
  let outcome = machine.run({ params, resultWords: 1 });
  for (let turn = 1; outcome.status === 'outOfFuel'; turn++) {
    machine = transplant(machine, (copy) => new Machine(copy, { tier: tiers[turn % tiers.length] }));
    machine.addFuel(step!);
    outcome = machine.resume();
  }
  return {
    outcome: outcome.status,
    results: outcome.status === 'returned' ? Array.from(outcome.results, (v) => v | 0) : [],
    trap: outcome.status === 'trapped' ? outcome.trap : undefined,
    fuel: machine.fuelConsumed(),
  };
}

describeWithHostWasm('calls in compiled code', () => {
  it('recursion within and beyond the JavaScript nesting limit, and past the call depth limit: V8 results, the interpreter trap and fuel', async () => {
    const { wasm, v8 } = await programs();
    for (const n of [0, 1, 20, 47, 48, 49, 200, 1000]) {
      const interpreted = runAcross(wasm, ['interpreter'], [0, n]);
      expect(interpreted.results, `depth ${n}`).toEqual([v8(0, n)]);
      for (const tier of ['compiled', 'auto'] as const) {
        // Several runs: auto translates once a function has run a few times.
        for (let round = 0; round < 3; round++) expect(runAcross(wasm, [tier], [0, n]), `${tier} depth ${n}`).toEqual(interpreted);
      }
    }
    // Deeper than the reference's 1024 frames: a stack overflow trap, at the same fuel.
    const overflow = runAcross(wasm, ['interpreter'], [0, 5000]);
    expect(overflow.outcome).toBe('trapped');
    for (const tier of ['compiled', 'auto'] as const) expect(runAcross(wasm, [tier], [0, 5000])).toEqual(overflow);
  });

  it('direct and indirect calls in a loop: V8 results; stopped by fuel at many limits and finished on another tier, the interpreter fuel', async () => {
    const { wasm, v8 } = await programs();
    const whole = runAcross(wasm, ['interpreter'], [1, 300]);
    expect(whole.results).toEqual([v8(1, 300)]);
    for (const tier of ['compiled', 'auto'] as const) expect(runAcross(wasm, [tier], [1, 300])).toEqual(whole);
    // Stopped about every 100 to 5000 fuel (odd amounts: stops fall all over the calls), each piece on a fresh copy.
    const short = runAcross(wasm, ['interpreter'], [1, 40]);
    expect(short.results).toEqual([v8(1, 40)]);
    for (const step of [97n, 1009n, 4999n]) {
      for (const tiers of [['compiled'], ['auto'], ['compiled', 'interpreter'], ['interpreter', 'auto', 'compiled']] as const) {
        expect(runAcross(wasm, tiers, [1, 40], step), `${tiers.join('/')} every ${step}`).toEqual(short);
      }
    }
  });
});
