/**
 * The compiled tier's selection and safety: which tier a machine gets, the fallback where code
 * generation is refused, and hostile modules through translation (huge immediates, huge blocks,
 * a great many blocks), each against the stepper or a formula. Agreement on random programs,
 * with every stop continued on the other tiers, is in test/interpreter/engines.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Machine, RwasmModule, assemble, codeGenerationAllowed, ins, label, prepareProgram, to, type AsmItem, type RunOutcome } from '../../src/index.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';
import { rwasmErrorOf } from '../support/errors.js';
import { loopModule, loopResult } from './support/loop-module.js';

const childScript = fileURLToPath(new URL('./support/refused-child.ts', import.meta.url));

function build(items: AsmItem[]): RwasmModule {
  const { code, labels } = assemble(items);
  return new RwasmModule({ code, sourcePc: labels.get('main')! });
}

/** The outcome and fuel on a tier, or on the stepper (a traced machine). */
function runOn(module: RwasmModule, engine: 'stepper' | 'interpreter' | 'compiled' | 'auto', params: number[], resultWords: number, fuelLimit?: bigint): { outcome: unknown; fuel: bigint; compiled: number } {
  const machine = new Machine(module, { tier: engine === 'stepper' ? 'interpreter' : engine, trace: engine === 'stepper' ? () => {} : undefined, fuelLimit, maxMemoryPages: 2 });
  machine.instantiate();
  const outcome: RunOutcome = machine.run({ params, resultWords });
  return { outcome: outcome.status === 'returned' ? Array.from(outcome.results) : outcome, fuel: machine.fuelConsumed(), compiled: machine.program.compiled.length };
}

describe('tier selection', () => {
  it('auto is compiled where code may be generated; interpreter when asked; a traced machine interprets', () => {
    expect(codeGenerationAllowed()).toBe(true);
    const module = loopModule();
    const compiled = new Machine(module, { tier: 'auto' });
    expect(compiled.tier).toBe('compiled');
    compiled.instantiate();
    const outcome = compiled.run({ params: [5000], resultWords: 1 });
    expect(outcome).toMatchObject({ status: 'returned' });
    expect(outcome.status === 'returned' && outcome.results[0]! >>> 0).toBe(loopResult(5000));
    expect(compiled.program.compiled.length).toBeGreaterThan(0);
    const interpreted = new Machine(module, { tier: 'interpreter' });
    expect(interpreted.tier).toBe('interpreter');
    interpreted.instantiate();
    interpreted.run({ params: [5000], resultWords: 1 });
    expect(interpreted.program.compiled.length).toBe(0);
    expect(new Machine(module, { tier: 'compiled', trace: () => {} }).tier).toBe('interpreter');
  });

  it('auto translates a chain once it has run a few times, in the middle of a run, and stops where the stepper stops', () => {
    // A new module each time: programs (and what they translated) are shared by every machine of a module.
    const loop = () => build([
      ins.Return(),
      label('main'),
      label('loop'),
      ins.ConsumeFuel(3),
      ins.LocalGet(1), to.BrIfEqz('end'),
      ins.LocalGet(2), ins.LocalGet(2), ins.LocalGet(3), ins.I32Mul(), ins.I32Add(), ins.LocalSet(2),
      ins.LocalGet(1), ins.I32Const(1), ins.I32Sub(), ins.LocalSet(1),
      to.Br('loop'),
      label('end'),
      ins.Return(),
    ]);
    // Prepared at the loop's second pass (no cold phase), so what is timed is the translation's countdown.
    setWarmArrivals(2);
    try {
      for (const limit of [undefined, 0n, 40n, 777n, 1501n]) {
        const stepped = runOn(loop(), 'stepper', [3, 500], 2, limit);
        const auto = runOn(loop(), 'auto', [3, 500], 2, limit);
        expect({ ...auto, compiled: 0 }).toEqual({ ...stepped, compiled: 0 });
        // translated once the loop has run more than a few times (3 fuel an iteration)
        expect([limit, auto.compiled > 0]).toEqual([limit, stepped.fuel > 3n * 20n]);
      }
    } finally {
      setWarmArrivals(undefined);
    }
  });

  it('a program prepared for one tier is refused for the other; a tier that does not exist is refused', () => {
    const module = loopModule();
    const program = prepareProgram(module);
    expect(rwasmErrorOf(() => new Machine(program, { tier: 'compiled' })).code).toBe('InvalidArgument');
    expect(new Machine(program).tier).toBe('interpreter');
    expect(rwasmErrorOf(() => new Machine(module, { tier: 'fast' as never })).code).toBe('InvalidArgument');
  });

  it('where code generation is refused (--disallow-code-generation-from-strings), auto falls back to the interpreter without an error', () => {
    const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', childScript], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ allowed: false, tier: 'interpreter', status: 'returned', result: loopResult(1000) });
  });
});

describe('hostile modules through translation', () => {
  it('huge immediates: extreme constants, shifts and memory offsets, in and out of bounds', () => {
    const extremes = [0, 1, -1, 0x7fffffff, -0x80000000, 0xffff, 65535, 65536, 0x10000 * 2 - 4];
    const items: AsmItem[] = [ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.Return(), label('main')];
    for (const v of extremes) {
      items.push(ins.LocalGet(1), ins.I32Const(v), ins.I32Add(), ins.I32Const(v), ins.I32Xor(), ins.I32Const(v), ins.I32Shl(), ins.LocalSet(1));
      items.push(ins.I32Const(v & 0xfffc), ins.LocalGet(2), ins.I32Store(v < 0 ? 0 : Math.min(v, 0xfff0) & ~3), ins.LocalGet(1), ins.I32Const(0), ins.I32Load(v & 0xfffc), ins.I32Add(), ins.LocalSet(1));
    }
    // then a load far out of bounds by its offset: the trap and its pc are the stepper's
    items.push(ins.LocalGet(1), ins.I32Load(0xffffffff), ins.LocalSet(1), ins.Return());
    const module = build(items);
    const stepped = runOn(module, 'stepper', [3, 7], 2);
    expect(stepped.outcome).toMatchObject({ status: 'trapped' });
    for (const engine of ['interpreter', 'compiled'] as const) expect({ ...runOn(module, engine, [3, 7], 2), compiled: 0 }).toEqual({ ...stepped, compiled: 0 });
    expect(runOn(module, 'compiled', [3, 7], 2).compiled).toBeGreaterThan(0);
  });

  it('a block longer than any generated function may be: cut or left to the interpreter, same result', () => {
    const items: AsmItem[] = [ins.Return(), label('main')];
    const adds = 30_000;
    for (let k = 0; k < adds; k++) items.push(ins.LocalGet(1), ins.I32Const(k), ins.I32Add(), ins.LocalSet(1));
    items.push(ins.Return());
    const module = build(items);
    const expected = (adds * (adds - 1)) / 2 + 5;
    const run = runOn(module, 'compiled', [5], 1);
    expect(run.outcome).toEqual([expected | 0]);
    expect(run).toEqual({ ...runOn(module, 'stepper', [5], 1), compiled: run.compiled });
  });

  it('a great many blocks: a long chain of conditional branches, stopped by fuel like the stepper', () => {
    const blocks = 40_000;
    const items: AsmItem[] = [ins.Return(), label('main')];
    for (let k = 0; k < blocks; k++) {
      items.push(ins.ConsumeFuel(1), ins.LocalGet(1), ins.I32Const(k), ins.I32Xor(), ins.LocalSet(1), ins.LocalGet(1), to.BrIfEqz(`b${k}`), label(`b${k}`));
    }
    items.push(ins.Return());
    const module = build(items);
    for (const limit of [undefined, 12_345n]) {
      const stepped = runOn(module, 'stepper', [9], 1, limit);
      const compiled = runOn(module, 'compiled', [9], 1, limit);
      expect({ ...compiled, compiled: 0 }).toEqual({ ...stepped, compiled: 0 });
      expect(compiled.compiled).toBeGreaterThan(0);
    }
  });
});
