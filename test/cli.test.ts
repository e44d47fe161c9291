import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RwasmModule, ins } from '../src/index.js';
import { main } from '../src/cli/main.js';
import { genesisFixtures, rwasmFixtures, sharedDir } from './support/shared.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
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
    expect(JSON.parse(out)).toEqual({ codeHash: ut.hash, instructions: 53795, dataBytes: 972, elemCount: 26, hintBytes: 75327, hintType: 'wasm', sourcePc: 26 });
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
    expect(JSON.parse(out)).toEqual({ status: 'returned', results: [42], fuelConsumed: '3', trap: null });
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
    expect(JSON.parse(ok.stdout).codeHash).toBe(ut.hash);
    const bad = spawnSync(process.execPath, ['bin/rwasm.js', 'inspect', blobPath], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).not.toMatch(/\bat\s.+:\d+:\d+/);
  });
});
