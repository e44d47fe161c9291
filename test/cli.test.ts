import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RwasmModule, ins } from '../src/index.js';
import { main } from '../src/cli/main.js';
import { describeWithHostWasm } from './support/host-wasm.js';
import { genesisFixtures, rwasmFixtures, sharedDir, specTestsuiteDir } from './support/shared.js';
import { T, buildWasm, op } from './support/wasm-builder.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return cliWith({}, ...argv);
}

async function cliWith(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env });
  return { code, out, err };
}

const ut = rwasmFixtures().find((f) => f.kind === 'universal-token')!;
const utPath = join(sharedDir(), 'fixtures', 'genesis', ut.file);
const blobPath = join(sharedDir(), 'fixtures', 'genesis', genesisFixtures().find((f) => f.file.startsWith('not-rwasm'))!.file);

describe('rwasm inspect', () => {
  it('prints the code hash and sizes', async () => {
    const { code, out } = await cli('inspect', utPath);
    expect(code).toBe(0);
    expect(out).toContain(`0x${ut.hash}`);
    expect(out).toMatch(/instructions\s+53795/);
    expect(out).toMatch(/source_pc\s+26/);
  });

  it('--json has exactly the documented keys', async () => {
    const { code, out } = await cli('inspect', utPath, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ codeHash: `0x${ut.hash}`, instructions: 53795, dataBytes: 972, elemCount: 26, hintBytes: 75327, hintType: 'wasm', sourcePc: 26 });
  });

  it('bad input is one line naming the problem, exit code 1', async () => {
    for (const argv of [['inspect', blobPath], ['inspect', '/no/such/file'], ['inspect'], ['frobnicate'], ['inspect', utPath, '--bogus']]) {
      const { code, out, err } = await cli(...argv);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err.trimEnd().split('\n')).toHaveLength(1);
      expect(err).toMatch(/^rwasm: /);
    }
    expect((await cli('inspect', blobPath)).err).toContain('BadMagic');
  });
});

describe('rwasm disasm', () => {
  it('prints every instruction with its pc, labels functions and resolves targets', async () => {
    const { code, out } = await cli('disasm', utPath);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.filter((l) => /^\s+\d{5}\s/.test(l))).toHaveLength(53795);
    expect(out).toContain('func_0:  ; entrypoint (init code)');
    expect(out).toContain('func_26:  ; source_pc (main entry)');
    expect(out).toMatch(/00030 {2}BrIfEqz 3\s+; -> 33/);
    expect(out).toMatch(/00032 {2}ReturnCallInternal 40839\s+; -> func_40839/);
    expect(out).toContain('func_40839:');
  });
});

describe('rwasm run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rwasm-cli-'));
  const add = join(dir, 'add.rwasm');
  writeFileSync(add, new RwasmModule({ code: [ins.I32Add(), ins.ConsumeFuel(3), ins.Return()] }).encode());
  const trap = join(dir, 'trap.rwasm');
  writeFileSync(trap, new RwasmModule({ code: [ins.I32DivU(), ins.Return()] }).encode());

  it('runs with parameter words and prints results and fuel', async () => {
    const { code, out } = await cli('run', add, '--args', '2,40', '--results', '1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ status: 'returned', results: [42], fuelConsumed: '3', trap: null, tier: 'compiled' });
  });

  it('runs on the tier --tier or RWASM_TIER names, the flag first; another name is a usage error', async () => {
    const tierOf = async (env: Record<string, string>, ...flags: string[]) => {
      const { code, out, err } = await cliWith(env, 'run', add, '--args', '2,40', '--results', '1', '--json', ...flags);
      return code === 0 ? (JSON.parse(out) as { results: number[]; tier: string }) : { code, err };
    };
    expect(await tierOf({}, '--tier', 'interpreter')).toMatchObject({ results: [42], tier: 'interpreter' });
    expect(await tierOf({ RWASM_TIER: 'interpreter' })).toMatchObject({ results: [42], tier: 'interpreter' });
    expect(await tierOf({ RWASM_TIER: 'interpreter' }, '--tier', 'compiled')).toMatchObject({ results: [42], tier: 'compiled' });
    expect(await tierOf({}, '--tier', 'fast')).toEqual({ code: 1, err: 'rwasm: --tier: fast is not one of auto, interpreter, compiled\n' });
    expect(await tierOf({ RWASM_TIER: 'slow' })).toEqual({ code: 1, err: 'rwasm: RWASM_TIER: slow is not one of auto, interpreter, compiled\n' });
  });

  it('reports a trap by name', async () => {
    const { code, out } = await cli('run', trap, '--args', '1,0', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ status: 'trapped', trap: 'IntegerDivisionByZero' });
    expect((await cli('run', add, '--args', '1,x')).err).toContain('not a 32-bit word');
  });
});

describe('the installed bin', () => {
  it('runs from dist/ and fails without a stack trace', async () => {
    expect(existsSync('dist/cli.js'), 'dist/ is missing: run `npm ci` or `npm run build`').toBe(true);
    const ok = spawnSync(process.execPath, ['bin/rwasm.js', 'inspect', utPath, '--json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).codeHash).toBe(`0x${ut.hash}`);
    const bad = spawnSync(process.execPath, ['bin/rwasm.js', 'inspect', blobPath], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).not.toMatch(/\bat\s.+:\d+:\d+/);
  });
});

describe('rwasm compile and run on Wasm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rwasm-cli-wasm-'));
  const fixture = rwasmFixtures().find((f) => f.kind === 'evm-runtime')!;

  it('compile with the fluent preset reproduces the EVM runtime fixture byte for byte', async () => {
    const hint = join(dir, 'evm.wasm');
    writeFileSync(hint, RwasmModule.decode(fixture.bytes).hint);
    const config = join(dir, 'evm.json');
    writeFileSync(config, JSON.stringify({ preset: 'fluent', consumeFuel: false }));
    const out = join(dir, 'evm.rwasm');
    const { code, out: text } = await cli('compile', hint, '-o', out, '--config', config);
    expect(code).toBe(0);
    expect(text).toContain('133277 instructions');
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(fixture.bytes))).toBe(true);
  });

  it('bad configs are one-line errors', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ preset: 'fluent', consumFuel: false }));
    const hint = join(dir, 'evm.wasm');
    const result = await cli('compile', hint, '-o', join(dir, 'x.rwasm'), '--config', bad);
    expect(result.code).toBe(1);
    expect(result.err).toContain('unknown field consumFuel');
    writeFileSync(bad, '{nope');
    expect((await cli('compile', hint, '-o', join(dir, 'x.rwasm'), '--config', bad)).err).toContain('not valid JSON');
    expect((await cli('compile', hint)).err).toContain('missing -o');
  });

  it('run compiles with entrypointName, passes typed arguments and reports results, fuel and traps', async () => {
    // (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
    // (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    const wasm = buildWasm({
      types: [[[T.i64, T.i64], [T.i64]], [[T.i32, T.i32], [T.i32]]],
      funcs: [
        { type: 0, body: [op.localGet(0), op.localGet(1), op.i64Add] },
        { type: 1, body: [op.localGet(0), op.localGet(1), [0x6d]] },
      ],
      exports: [{ name: 'add64', kind: 'func', index: 0 }, { name: 'div', kind: 'func', index: 1 }],
    });
    const file = join(dir, 'math.wasm');
    writeFileSync(file, wasm);
    const sum = await cli('run', file, '--invoke', 'add64', '--args', '0x7fffffffffffffff,2', '--json');
    expect(sum.code).toBe(0);
    expect(JSON.parse(sum.out)).toMatchObject({ status: 'returned', results: ['-9223372036854775807'], trap: null });
    expect(Number(JSON.parse(sum.out).fuelConsumed)).toBeGreaterThan(0);
    const trap = await cli('run', file, '--invoke', 'div', '--args', '1,0', '--json');
    expect(trap.code).toBe(2);
    expect(JSON.parse(trap.out)).toMatchObject({ status: 'trapped', results: [], trap: 'IntegerDivisionByZero' });
    const fuel = await cli('run', file, '--invoke', 'div', '--args', '7,2', '--fuel', '1', '--json');
    expect(JSON.parse(fuel.out)).toMatchObject({ status: 'outOfFuel', trap: 'OutOfFuel', fuelConsumed: '0' });
    expect((await cli('run', file, '--invoke', 'nope')).err).toContain('no exported function nope');
    expect((await cli('run', file, '--invoke', 'div', '--args', '1')).err).toContain('takes 2 argument(s)');
  });
});

describeWithHostWasm('rwasm spec', () => {
  it('prints per-file counts and the totals line, exit 0 without failures', async () => {
    const file = join(specTestsuiteDir(), 'fac.wast');
    const { code, out } = await cli('spec', file);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^fac\.wast: \d+ passed, 0 failed, 0 skipped$/);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed, 0 skipped$/);
  });
});

describe('rwasm run as a Fluent system runtime, and rwasm trace', () => {
  const system = join(__dirname, 'runtime', 'programs', 'system.wasm');
  const evm = rwasmFixtures().find((f) => f.kind === 'evm-runtime')!;
  const evmPath = join(sharedDir(), 'fixtures', 'genesis', evm.file);

  it('--state/--input run main or deploy and print exitCode, output (hex) and fuelConsumed', async () => {
    const main = await cli('run', system, '--input', '00', '--json');
    expect(main.code).toBe(0);
    expect(JSON.parse(main.out)).toEqual({ status: 'finished', exitCode: 0, exitCodeName: 'Ok', output: '0x6d61696e', fuelConsumed: '0' });
    const deploy = await cli('run', system, '--state', '1', '--json');
    expect(JSON.parse(deploy.out)).toMatchObject({ exitCode: 7, output: '0x6d61696e' });
    expect(deploy.code).toBe(2); // a non-zero exit code
    const text = await cli('run', system, '--input', '0x01');
    expect(text.out).toBe('finished\nexit code -1 (Panic)\noutput 0x\nfuel consumed 0\n');
  });

  it('--consume-fuel meters the engine; --fuel is the frame’s limit', async () => {
    const { code, out } = await cli('run', system, '--input', '09', '--consume-fuel', '--fuel', '500', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ status: 'outOfFuel', exitCode: -2010, exitCodeName: 'OutOfFuel', fuelConsumed: '500' });
    // Built like the EVM runtime (no fuel instructions), the program meters itself with _charge_fuel.
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-cli-'));
    const config = join(dir, 'self-metered.json');
    writeFileSync(config, JSON.stringify({ preset: 'fluent', consumeFuel: false }));
    const charged = await cli('run', system, '--config', config, '--input', '05', '--fuel', '95', '--json');
    expect(JSON.parse(charged.out)).toMatchObject({ status: 'finished', exitCode: -2010, fuelConsumed: '90' });
  });

  it('runs a genesis runtime: the EVM runtime panics on an input that is no frame envelope', async () => {
    const { out } = await cli('run', evmPath, '--input', '00', '--json');
    expect(JSON.parse(out)).toMatchObject({ status: 'finished', exitCode: -1, exitCodeName: 'Panic' });
  });

  it('bad system options are one-line errors', async () => {
    for (const argv of [['run', system, '--state', '2'], ['run', system, '--input', 'xyz'], ['run', system, '--input', '0', '--results', '1']]) {
      const { code, err } = await cli(...argv);
      expect(code).toBe(1);
      expect(err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('trace prints the first N executed instructions with pc, stack height, depth and fuel', async () => {
    const { code, out } = await cli('trace', evmPath, '--state', '0', '--limit', '3');
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 4)).toEqual([
      '      0  StackCheck 5                   stack    0  depth   0  fuel 0',
      '      1  RefFunc 0                      stack    0  depth   0  fuel 0',
      '      2  I32Const 196                   stack    1  depth   0  fuel 0',
      '-- stopped after 3 instructions (--limit 3) --',
    ]);
    const whole = await cli('trace', system, '--input', '00', '--consume-fuel', '--limit', '100000');
    expect(whole.out).toMatch(/-- ended after \d+ instructions --\nfinished\nexit code 0 \(Ok\)/);
    const lines = whole.out.split('\n').filter((line) => /^\s+\d+  /.test(line));
    const fuel = lines.map((line) => BigInt(/fuel (\d+)$/.exec(line)![1]!));
    // Engine fuel only grows, except once: the frame's limit is set after instantiation.
    const drops = fuel.filter((f, i) => i > 0 && f < fuel[i - 1]!);
    expect(drops).toHaveLength(1);
    expect(fuel.at(-1)).toBeGreaterThan(100n);
  });
});
