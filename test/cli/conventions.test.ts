/**
 * The command line's conventions: --version, --help / -h / `rwasm help <command>` for every
 * command, strict arguments (unknown options wherever they stand, values, positionals),
 * `compile`'s default entry, .wat input and wabt's absence, rWasm-only commands pointing Wasm
 * at `compile`, the input size cap, one hex format, and `trace --json`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RwasmModule, ins } from '../../src/index.js';
import { readInput } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { runCli, type CliResult } from '../support/cli.js';
import { HOST_HAS_WEBASSEMBLY, describeWithHostWasm } from '../support/host-wasm.js';
import { repositoryRoot, rwasmFixtures, sharedDir } from '../support/shared.js';
import { T, buildWasm, op } from '../support/wasm-builder.js';

const cli = (...argv: string[]) => runCli({}, ...argv);
const dir = mkdtempSync(join(tmpdir(), 'rwasm-cli-conventions-'));

function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.err).toBe(1);
  expect(result.out).toBe('');
  expect(result.err.trimEnd().split('\n'), result.err).toHaveLength(1);
  expect(result.err).toMatch(/^rwasm: /);
  expect(result.err).not.toMatch(/internal error/);
  expect(result.err).toMatch(pattern);
}

// (func (export "main") (result i32) i32.const 42) (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 i32.add)
const programWasm = buildWasm({
  types: [[[], [T.i32]], [[T.i32], [T.i32]]],
  funcs: [
    { type: 0, body: [op.i32Const(42)] },
    { type: 1, body: [op.localGet(0), op.localGet(0), op.i32Add] },
  ],
  exports: [{ name: 'main', kind: 'func', index: 0 }, { name: 'twice', kind: 'func', index: 1 }],
});
const programPath = join(dir, 'program.wasm');
writeFileSync(programPath, programWasm);
const noMainPath = join(dir, 'no-main.wasm');
writeFileSync(noMainPath, buildWasm({ types: [[[T.i32], [T.i32]]], funcs: [{ type: 0, body: [op.localGet(0), op.localGet(0), op.i32Add] }], exports: [{ name: 'twice', kind: 'func', index: 0 }] }));
const rwasmPath = join(dir, 'add.rwasm');
writeFileSync(rwasmPath, new RwasmModule({ code: [ins.I32Add(), ins.Return()] }).encode());

const PROGRAM_WAT = `(module
  (func (export "main") (result i32) i32.const 42)
  (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 i32.add))`;
const watPath = join(dir, 'program.wat');
writeFileSync(watPath, PROGRAM_WAT);

const COMMANDS = [['inspect'], ['disasm'], ['compile'], ['run'], ['trace'], ['spec'], ['evm'], ['evm', 'deploy'], ['evm', 'call'], ['evm', 'replay']];

describe('--version and help', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(repositoryRoot(), 'package.json'), 'utf8')) as { version: string };
    expect(await cli('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expectOneLineError(await cli('--version', 'x'), /--version takes no arguments/);
  });

  it('every command prints its usage for --help, -h and rwasm help <command>, the same each way', async () => {
    for (const command of COMMANDS) {
      const help = await cli(...command, '--help');
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.err).toBe('');
      expect(help.out, command.join(' ')).toMatch(new RegExp(`^usage: rwasm ${command.join(' ')}\\b`));
      expect(help.out).not.toMatch(/\x1b\[/); // no colour anywhere, so nothing for NO_COLOR to turn off
      expect(await cli(...command, '-h')).toEqual(help);
      expect(await cli('help', ...command)).toEqual(help);
      // Help wins over anything else given, as it usually does.
      expect(await cli(...command, '--bogus', 'x', '-h')).toEqual(help);
    }
    expect(await cli('evm', 'help', 'deploy')).toEqual(await cli('evm', 'deploy', '--help'));
    expect((await cli('help')).out).toMatch(/^usage: rwasm <command>/);
    expectOneLineError(await cli('help', 'frobnicate'), /unknown command frobnicate/);
  });
});

describe('strict arguments', () => {
  it('an unknown option is reported as unknown, first or last, long or short, in every command', async () => {
    for (const command of COMMANDS.filter((c) => c[0] !== 'evm' || c.length > 1)) {
      for (const argv of [[...command, programPath, '--bogus'], [...command, '--bogus', programPath], [...command, programPath, '--bogus', '1'], [...command, '-x']]) {
        expectOneLineError(await cli(...argv), new RegExp(`^rwasm: ${command.join(' ')}: unknown option ${argv.includes('-x') ? '-x' : '--bogus'} \\(rwasm ${command.join(' ')} --help lists its options\\)`));
      }
    }
    expectOneLineError(await cli('--bogus'), /unknown option --bogus/);
    expectOneLineError(await cli('evm', '--bogus'), /unknown option --bogus/);
  });

  it('options a command does not take, values for booleans, missing values and extra positionals are refused', async () => {
    expectOneLineError(await cli('disasm', rwasmPath, '--json'), /disasm: unknown option --json/);
    expectOneLineError(await cli('compile', programPath, '-o', join(dir, 'x.rwasm'), '--fuel', '1'), /compile: unknown option --fuel/);
    expectOneLineError(await cli('inspect', rwasmPath, '--json=yes'), /inspect: --json takes no value/);
    expectOneLineError(await cli('run', rwasmPath, '--fuel'), /run: --fuel needs a value/);
    expectOneLineError(await cli('compile', programPath, '-o'), /compile: -o needs a value/);
    expectOneLineError(await cli('run', programPath, '--invoke', 'twice', '--args', '-1'), /--args needs a value \(one starting with '-' is written --args=-1\)/);
    expectOneLineError(await cli('inspect', rwasmPath, rwasmPath), /inspect takes one file, got 2 arguments/);
    expectOneLineError(await cli('run', programPath, 'extra'), /run takes one program file, got 2 arguments/);
    expectOneLineError(await cli('evm', 'call', 'extra'), /evm call takes no arguments/);
    // What comes after -- is positional, even when it looks like an option.
    expectOneLineError(await cli('inspect', '--', '--json'), /cannot read --json: ENOENT/);
  });

  it('a negative argument is written --args=…', async () => {
    const { code, out } = await cli('run', programPath, '--invoke', 'twice', '--args=-21', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ status: 'returned', results: [-42] });
  });
});

describe('rwasm compile', () => {
  it('compiles with the entry main by default, as run does (the README example)', async () => {
    const out = join(dir, 'program.rwasm');
    const compiled = await cli('compile', programPath, '-o', out);
    expect(compiled.code, compiled.err).toBe(0);
    const ran = await cli('run', out, '--results', '1', '--json');
    expect(JSON.parse(ran.out)).toMatchObject({ status: 'returned', results: [42] });
  });

  it('--invoke names another entry; a missing one names the exports and how to choose', async () => {
    const out = join(dir, 'twice.rwasm');
    expect((await cli('compile', noMainPath, '-o', out, '--invoke', 'twice')).code).toBe(0);
    expect(JSON.parse((await cli('run', out, '--args', '21', '--results', '1', '--json')).out)).toMatchObject({ results: [42] });
    expectOneLineError(await cli('compile', noMainPath, '-o', out), /no exported function main \(exports: twice\); name the entry with --invoke NAME/);
  });
});

describe('rWasm-only commands given Wasm', () => {
  it('inspect and disasm point a .wasm or .wat at compile', async () => {
    for (const command of ['inspect', 'disasm']) {
      expectOneLineError(await cli(command, programPath), new RegExp(`is a Wasm module, not rWasm: compile it first \\(rwasm compile ${programPath} -o .*program\\.rwasm\\)`));
      expectOneLineError(await cli(command, watPath), /is WebAssembly text, not rWasm: compile it first/);
    }
  });
});

describeWithHostWasm('.wat input (through wabt)', () => {
  it('compile, run and trace take .wat where they take .wasm', async () => {
    const out = join(dir, 'from-text.rwasm');
    expect((await cli('compile', watPath, '-o', out)).code).toBe(0);
    const fromBinary = join(dir, 'from-binary.rwasm');
    await cli('compile', programPath, '-o', fromBinary);
    expect(Buffer.from(readFileSync(out)).equals(readFileSync(fromBinary))).toBe(true);
    expect(JSON.parse((await cli('run', watPath, '--invoke', 'twice', '--args', '4', '--json')).out)).toMatchObject({ status: 'returned', results: [8] });
    expect((await cli('trace', watPath, '--limit', '2')).out).toMatch(/-- stopped after 2 instructions/);
  });

  it('text that does not parse is one line naming the file, line and column', async () => {
    const bad = join(dir, 'bad.wat');
    writeFileSync(bad, '(module\n  (func (export "main") (result i32) i32.const x))');
    expectOneLineError(await cli('run', bad), /bad\.wat is not valid WebAssembly text: bad\.wat:2:48: error: unexpected token "x"/);
  });
});

describe('without wabt', () => {
  const missing = async () => {
    throw Object.assign(new Error("Cannot find package 'wabt' imported from rwasm"), { code: 'ERR_MODULE_NOT_FOUND' });
  };
  const withoutWabt = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, importWabt: missing });
    return { code, out, err };
  };
  const withoutTextParsers = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, importWabt: missing, importWasmTools: missing });
    return { code, out, err };
  };
  const facWast = () => join(sharedDir(), 'spec-testsuite', 'fac.wast');

  it('.wat input and rwasm spec say how to install it, in one line', async () => {
    for (const argv of [['run', watPath], ['compile', watPath, '-o', join(dir, 'x.rwasm')], ['trace', watPath], ['spec', facWast(), '--text-parser', 'wabt']]) {
      expectOneLineError(await withoutWabt(...argv), /^rwasm: reading WebAssembly text \(\.wat\) needs the wabt package, which is not installed: npm install wabt\n$/);
    }
    // rwasm spec prefers wasm-tools, and names both packages when neither is there (under
    // --jitless wasm-tools says it has no WebAssembly to run on, before it is imported).
    const wasmToolsMissing = HOST_HAS_WEBASSEMBLY ? 'wasm-tools is not installed: npm install @bytecodealliance/jco-transpile' : 'wasm-tools .*this process has none \\(--jitless\\?\\)';
    expectOneLineError(
      await withoutTextParsers('spec', facWast()),
      new RegExp(`^rwasm: rwasm spec reads module text with wasm-tools or wabt, and neither loads: ${wasmToolsMissing}; .*npm install wabt\n$`),
    );
    expectOneLineError(await withoutTextParsers('spec', facWast(), '--text-parser', 'wasm-tools'), new RegExp(`^rwasm: ${wasmToolsMissing}\n$`));
    // Binary input never needs it.
    expect(JSON.parse((await withoutWabt('run', programPath, '--json')).out)).toMatchObject({ results: [42] });
  });

  it.skipIf(HOST_HAS_WEBASSEMBLY)('under --jitless the installed wabt cannot start, and that is said in one line', async () => {
    expectOneLineError(await cli('run', watPath), /^rwasm: reading WebAssembly text \(\.wat\) needs the wabt package, which runs on the host's WebAssembly, and this process has none \(--jitless\?\)\n$/);
  });
});

describe('the input size cap', () => {
  const KIB = 1024;

  it('a regular file over the cap is refused from its size; one at the cap is read', () => {
    const file = join(dir, 'two-kib.bin');
    writeFileSync(file, new Uint8Array(2 * KIB).fill(7));
    expect(() => readInput(file, 2 * KIB - 1)).toThrow(/two-kib\.bin is larger than 2047 bytes/);
    expect(readInput(file, 2 * KIB)).toEqual(new Uint8Array(2 * KIB).fill(7));
  });

  it('a device without an end is read only up to the cap', () => {
    expect(() => readInput('/dev/zero', 100 * KIB)).toThrow(/\/dev\/zero is larger than 102400 bytes/);
  });

  it.skipIf(process.platform === 'win32')('a pipe is read to its end, or refused once it passes the cap', async () => {
    for (const [length, limit] of [[300 * KIB, 400 * KIB], [300 * KIB, 200 * KIB]] as const) {
      const fifo = join(mkdtempSync(join(tmpdir(), 'rwasm-fifo-')), 'fifo');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const writer = spawn('sh', ['-c', `head -c ${length} /dev/zero > ${fifo}`], { stdio: 'ignore' });
      const ended = new Promise((resolve) => writer.on('close', resolve));
      if (length <= limit) expect(readInput(fifo, limit)).toHaveLength(length);
      else expect(() => readInput(fifo, limit)).toThrow(/is larger than 204800 bytes/);
      await ended;
    }
  });

  it('rwasm inspect /dev/zero ends with one line at the 256 MiB cap', async () => {
    expectOneLineError(await cli('inspect', '/dev/zero'), /^rwasm: \/dev\/zero is larger than 268435456 bytes \(256 MiB\), the most rwasm reads from one input\n$/);
  }, 60_000);
});

describe('output formats', () => {
  it('hashes and bytes are 0x and lower-case hex in text and JSON alike', async () => {
    const ut = rwasmFixtures().find((f) => f.kind === 'universal-token')!;
    const path = join(sharedDir(), 'fixtures', 'genesis', ut.file);
    expect(JSON.parse((await cli('inspect', path, '--json')).out).codeHash).toBe(`0x${ut.hash}`);
    expect((await cli('inspect', path)).out).toContain(`code hash     0x${ut.hash}\n`);
    const system = join(repositoryRoot(), 'test', 'runtime', 'programs', 'system.wasm');
    expect(JSON.parse((await cli('run', system, '--input', '0x00', '--json')).out).output).toBe('0x6d61696e');
    expect((await cli('run', system, '--input', '00')).out).toContain('output 0x6d61696e\n');
  });

  it('trace --json prints a JSON line per instruction, then the end of the run', async () => {
    const limited = await cli('trace', programPath, '--limit', '2', '--json');
    expect(limited.code).toBe(0);
    const lines = limited.out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(0, 2)) expect(Object.keys(line)).toEqual(['pc', 'instruction', 'stackHeight', 'callDepth', 'fuelConsumed']);
    expect(lines[2]).toEqual({ instructions: 2, stoppedAtLimit: true, outcome: null });

    const whole = await cli('trace', programPath, '--json');
    const all = whole.out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const end = all.at(-1)!;
    expect(end).toMatchObject({ instructions: all.length - 1, stoppedAtLimit: false });
    expect(end.outcome).toEqual(JSON.parse((await cli('run', programPath, '--json', '--tier', 'interpreter')).out));
    // The text form is the same run.
    const text = (await cli('trace', programPath)).out.split('\n').filter((line) => /^\s+\d+  /.test(line));
    expect(text.map((line) => Number(line.trim().split(/\s+/)[0]))).toEqual(all.slice(0, -1).map((line) => line.pc));
  });
});
