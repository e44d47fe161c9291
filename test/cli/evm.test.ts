/**
 * `rwasm evm deploy|call|replay`: transactions over a world file on the genesis EVM runtime, the
 * replay of the recorded transactions in ../shared/fixtures/evm (checked against the library's
 * replayStateTests and, for HelloWorld, against the fixture itself), the README's examples,
 * and bad input as one line on stderr.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { World, replayStateTests, worldFromJson, worldToJson } from '../../src/index.js';
import { runCli, type CliResult } from '../support/cli.js';
import { rwasmErrorOf } from '../support/errors.js';
import { genesisFixtures, repositoryRoot, sharedDir } from '../support/shared.js';

const evmDir = join(sharedDir(), 'fixtures', 'evm');
const runtime = genesisFixtures().find((f) => f.kind === 'evm-runtime' && f.file.endsWith('.rwasm'))!;
const runtimePath = join(sharedDir(), 'fixtures', 'genesis', runtime.file);
const helloWorldBin = join(evmDir, 'contracts', 'HelloWorld.bin');
const FIXTURES = ['testnet_22882338_hello_world.json', 'mainnet_3087860_usdnr_swap.json', 'testnet_20986140_legacy_ust20_params.json'];
const DEFAULT_SENDER = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const SAY_HELLO_WORLD = '0x45773e4e';

const cli = (...argv: string[]) => runCli({}, ...argv);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
const bytecode = (name: string) => new Uint8Array(readFileSync(join(evmDir, 'reusable-bytecode', name)));

/** An ABI-encoded `string` return value. */
function abiString(hex: string): string {
  const bytes = Buffer.from(hex.replace(/^0x/, ''), 'hex');
  const offset = Number(BigInt(`0x${bytes.subarray(0, 32).toString('hex')}`));
  const length = Number(BigInt(`0x${bytes.subarray(offset, offset + 32).toString('hex')}`));
  return bytes.subarray(offset + 32, offset + 32 + length).toString('utf8');
}

/** What every failure must look like: exit code 1, nothing on stdout, one `rwasm:` line on stderr, no stack trace. */
function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.err).toBe(1);
  expect(result.out).toBe('');
  expect(result.err.trimEnd().split('\n')).toHaveLength(1);
  expect(result.err).toMatch(/^rwasm: /);
  expect(result.err).not.toMatch(/\bat\s.+:\d+:\d+/);
  expect(result.err).toMatch(pattern);
}

describe('rwasm evm replay', () => {
  for (const file of FIXTURES) {
    it(`${file}: --json prints the library's verdict per transaction, exit 0 only when all match`, async () => {
      const fixture = readJson(join(evmDir, file));
      const expected = replayStateTests(fixture, bytecode);
      const { code, out, err } = await cli('evm', 'replay', join(evmDir, file), '--json');
      expect(err).toBe('');
      const lines = out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(expected.length);
      lines.forEach((line, i) => {
        expect(Object.keys(line)).toEqual(['name', 'status', 'gasUsed', 'match', 'differences']);
        expect(line).toEqual({ name: expected[i]!.name, status: expected[i]!.status, gasUsed: expected[i]!.gasUsed.toString(), match: expected[i]!.match, differences: expected[i]!.differences });
        for (const d of line.differences as Array<Record<string, unknown>>) expect(Object.keys(d).sort()).toEqual(['account', 'expected', 'field', 'got']);
      });
      expect(code).toBe(expected.every((r) => r.match) ? 0 : 1);
      if (file.includes('hello_world')) {
        // Independent of the library: the chain's own gas for testnet tx 0x13fd273f.
        expect(lines).toEqual([{ name: 'tx_13fd273f/Prague/0', status: 'success', gasUsed: '359938', match: true, differences: [] }]);
        expect(code).toBe(0);
      }
    });
  }

  it('--dump writes the post state, logs hash and logs: for HelloWorld exactly the fixture’s; the text form is a line per transaction', async () => {
    const dump = mkdtempSync(join(tmpdir(), 'rwasm-evm-dump-'));
    const path = join(evmDir, 'testnet_22882338_hello_world.json');
    const { code, out } = await cli('evm', 'replay', path, '--dump', join(dump, 'out'), '--bytecode', join(evmDir, 'reusable-bytecode'));
    expect(code).toBe(0);
    expect(out).toBe('tx_13fd273f/Prague/0  success (exit code 0)  gas 359938  match\n');
    const post = readJson(path).tx_13fd273f.post.Prague[0];
    const written = readJson(join(dump, 'out', 'tx_13fd273f_Prague_0.json'));
    expect(Object.keys(written)).toEqual(['state', 'logs', 'logList']);
    expect(written.state).toEqual(post.state);
    expect(written.logs).toBe(post.logs);
    expect(written.logList).toEqual([]); // the fixture's logs hash is that of the empty list
  });

  it('a malformed fixture, a missing bytecode file and an empty fixture are one-line errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-evm-bad-'));
    const good = readJson(join(evmDir, 'testnet_22882338_hello_world.json'));
    const write = (name: string, value: unknown) => {
      writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
      return join(dir, name);
    };
    const replay = (path: string) => cli('evm', 'replay', path, '--bytecode', join(evmDir, 'reusable-bytecode'));
    const noSender = structuredClone(good);
    noSender.tx_13fd273f.transaction.sender = '0x1234';
    expectOneLineError(await replay(write('sender.json', noSender)), /MalformedEnvelope: .*sender\.json: state test: .*20-byte address/);
    expectOneLineError(await replay(write('pre.json', { t: { pre: 7 } })), /MalformedEnvelope/);
    expectOneLineError(await replay(write('syntax.json', '{"t": ')), /not valid JSON/);
    expectOneLineError(await replay(write('empty.json', {})), /holds no transactions/);
    // The default bytecode folder is the one beside the fixture: none here.
    expectOneLineError(await cli('evm', 'replay', write('hello.json', good)), /cannot read .*reusable-bytecode.*ENOENT/);
    expectOneLineError(await cli('evm', 'replay'), /missing fixture file/);
    expectOneLineError(await cli('evm', 'replay', join(dir, 'a.json'), join(dir, 'b.json')), /one fixture file/);
    expectOneLineError(await cli('evm', 'replay', join(dir, 'hello.json'), '--bogus', '1'), /unknown option --bogus/);
  });
});

describe('rwasm evm deploy and call over a world file', () => {
  it('deploys HelloWorld, answers sayHelloWorld() with "Hello, World", keeps the world (a revert too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-evm-world-'));
    const world = join(dir, 'world.json');
    const deployed = await cli('evm', 'deploy', helloWorldBin, '--world', world, '--runtime', runtimePath, '--json');
    expect(deployed.code, deployed.err).toBe(0);
    const deploy = JSON.parse(deployed.out) as Record<string, unknown>;
    expect(deploy).toMatchObject({ status: 'success', exitCode: 0, gasUsed: '359938', output: '0x', logs: [] });
    const address = deploy.address as string;
    expect(address).toMatch(/^0x[0-9a-f]{40}$/);

    // The runtime from the environment this time.
    const called = await runCli({ RWASM_EVM_RUNTIME: runtimePath }, 'evm', 'call', '--to', address, '--data', SAY_HELLO_WORLD, '--world', world, '--json');
    expect(called.code, called.err).toBe(0);
    const call = JSON.parse(called.out) as Record<string, unknown>;
    expect(Object.keys(call)).toEqual(['status', 'exitCode', 'gasUsed', 'output', 'logs']);
    expect(call).toMatchObject({ status: 'success', gasUsed: String(21_000 + 4 * 16 + 637) });
    expect(abiString(call.output as string)).toBe('Hello, World');

    const accounts = readJson(world);
    expect(accounts[address].code).toMatch(/^0xef4400/);
    expect(accounts[address].nonce).toBe('0x1');
    expect(accounts[DEFAULT_SENDER].nonce).toBe('0x2');
    expect(BigInt(accounts[DEFAULT_SENDER].balance)).toBe(10n ** 24n);

    // An unknown selector reverts: exit code 2, and the world file still takes the nonce.
    const reverted = await runCli({ RWASM_EVM_RUNTIME: runtimePath }, 'evm', 'call', '--to', address, '--data', 'deadbeef', '--world', world);
    expect(reverted.code).toBe(2);
    expect(reverted.out).toMatch(/^status revert \(exit code -?\d+\)\ngas used \d+\noutput 0x[0-9a-f]*\nlogs 0\n$/);
    expect(readJson(world)[DEFAULT_SENDER].nonce).toBe('0x3');
  });

  it('a missing runtime is a usage error naming both ways to give it, and nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-evm-none-'));
    const world = join(dir, 'world.json');
    const result = await cli('evm', 'deploy', helloWorldBin, '--world', world);
    expectOneLineError(result, /--runtime FILE.*RWASM_EVM_RUNTIME/);
    expect(existsSync(world)).toBe(false);
    expectOneLineError(await cli('evm', 'deploy', '0x00', '--world', world, '--runtime', helloWorldBin), /BadMagic: .*HelloWorld\.bin/);
  });

  it('a malformed world file and bad hex, addresses or amounts are one-line errors that leave the world file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-evm-badworld-'));
    const world = join(dir, 'world.json');
    const run = (...argv: string[]) => runCli({ RWASM_EVM_RUNTIME: runtimePath }, 'evm', ...argv, '--world', world);
    const worlds: Array<[string, RegExp]> = [
      ['{not json', /not valid JSON/],
      ['[]', /MalformedEnvelope: .*world\.json: world: not an object of accounts/],
      [JSON.stringify({ '0x12': {} }), /is not a 0x 20-byte address/],
      [JSON.stringify({ [DEFAULT_SENDER]: { balance: '100' } }), /balance "100" is not a 0x hex quantity/],
      [JSON.stringify({ [DEFAULT_SENDER]: { balanse: '0x1' } }), /unknown field "balanse"/],
      [JSON.stringify({ [DEFAULT_SENDER]: { code: '0x123' } }), /code is not 0x hex bytes/],
    ];
    for (const [text, pattern] of worlds) {
      writeFileSync(world, text);
      expectOneLineError(await run('deploy', helloWorldBin), pattern);
      expect(readFileSync(world, 'utf8')).toBe(text);
    }
    writeFileSync(world, '{}');
    expectOneLineError(await run('deploy', '0xzz'), /init code: "0xzz" is not hex bytes/);
    expectOneLineError(await run('call', '--to', DEFAULT_SENDER, '--data', '0x123'), /--data: "0x123" is not hex bytes/);
    expectOneLineError(await run('call', '--to', '0x1234', '--data', SAY_HELLO_WORLD), /--to: "0x1234" is not a 20-byte address/);
    expectOneLineError(await run('call', '--data', SAY_HELLO_WORLD), /missing --to/);
    expectOneLineError(await run('deploy', helloWorldBin, '--value=-1'), /--value: "-1" is not a decimal or 0x-hex amount/);
    expectOneLineError(await run('deploy', helloWorldBin, '--gas-limit', String(2n ** 64n)), /more than a u64/);
    expectOneLineError(await run('deploy', helloWorldBin, '--gas', '1'), /unknown option --gas/);
    expectOneLineError(await run('deploy', join(dir, 'missing.bin')), /cannot read .*missing\.bin: ENOENT/);
    expect(readFileSync(world, 'utf8')).toBe('{}');
  });

  it('--help prints each command’s usage; an unknown subcommand is a usage error', async () => {
    for (const argv of [['evm', '--help'], ['evm', 'deploy', '--help'], ['evm', 'call', '--help'], ['evm', 'replay', '--help']]) {
      const { code, out } = await cli(...argv);
      expect(code).toBe(0);
      expect(out).toMatch(/^usage: rwasm evm/);
    }
    expect((await cli('evm', 'call', '--help')).out).toContain('RWASM_EVM_RUNTIME');
    expectOneLineError(await cli('evm', 'frobnicate'), /unknown command evm frobnicate/);
  });
});

describe('worldFromJson / worldToJson', () => {
  const alice = Uint8Array.from({ length: 20 }, (_, i) => i + 1);

  it('round-trips every account in lower-case hex, addresses and slots in order', () => {
    const world = new World();
    world.setBalance(alice, 0xabcn);
    world.setNonce(alice, 7n);
    world.setCode(alice, Uint8Array.of(0x60, 0xff));
    world.setStorage(alice, 10n, 1n);
    world.setStorage(alice, 2n, (1n << 256n) - 1n);
    world.endTransaction();
    const json = worldToJson(world);
    const key = `0x${Buffer.from(alice).toString('hex')}`;
    expect(json).toEqual({ [key]: { balance: '0xabc', nonce: '0x7', code: '0x60ff', storage: { '0x2': `0x${'f'.repeat(64)}`, '0xa': '0x1' } } });
    expect(Object.keys(json[key]!.storage)).toEqual(['0x2', '0xa']);
    expect(worldToJson(worldFromJson(JSON.parse(JSON.stringify(json))))).toEqual(json);
    // Upper case and leading zeros read; missing fields are empty.
    const read = worldFromJson({ [key.toUpperCase().replace('0X', '0x')]: { balance: '0x00FF', storage: { '0x01': '0x0A' } } });
    expect(worldToJson(read)).toEqual({ [key]: { balance: '0xff', nonce: '0x0', code: '0x', storage: { '0x1': '0xa' } } });
  });

  it('refuses malformed values with MalformedEnvelope before changing the world', () => {
    const key = `0x${Buffer.from(alice).toString('hex')}`;
    const world = new World();
    const cases: Array<[unknown, RegExp]> = [
      [{ [key]: [] }, /is not an object/],
      [{ [key]: {}, [key.toUpperCase().replace('0X', '0x')]: {} }, /listed twice/],
      [{ [key]: { nonce: `0x${(1n << 64n).toString(16)}` } }, /nonce .* out of range/],
      [{ [key]: { balance: `0x1${'0'.repeat(64)}` } }, /balance .* out of range/],
      [{ [key]: { storage: { '0x1': '0x1', '0x01': '0x2' } } }, /slot 0x01 twice/],
      [{ [key]: { storage: [] } }, /storage is not an object/],
      [{ [key]: { storage: { slot: '0x1' } } }, /storage slot "slot"/],
    ];
    for (const [json, pattern] of cases) {
      const error = rwasmErrorOf(() => worldFromJson({ '0x0000000000000000000000000000000000000099': { balance: '0x1' }, ...(json as object) }, world));
      expect(error.code).toBe('MalformedEnvelope');
      expect(error.message).toMatch(pattern);
    }
    expect(rwasmErrorOf(() => worldFromJson(null, world)).code).toBe('MalformedEnvelope');
    expect(world.allAccounts().size).toBe(0);
  });
});

describe('the README’s rwasm evm examples', () => {
  it('run as written (../shared is the shared folder, the world file lands in a temporary folder)', async () => {
    const readme = readFileSync(join(repositoryRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### EVM transactions (`rwasm evm`)'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    const lines = block.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const shared = (token: string) => (token.startsWith('../shared/') ? join(sharedDir(), token.slice('../shared/'.length)) : token);
    const env: Record<string, string> = {};
    const cwd = process.cwd();
    process.chdir(mkdtempSync(join(tmpdir(), 'rwasm-evm-readme-')));
    try {
      for (const line of lines) {
        const [command, comment] = line.split(/\s+# /);
        const tokens = command!.trim().split(/\s+/);
        if (tokens[0] === 'export') {
          const [name, value] = tokens[1]!.split('=');
          env[name!] = shared(value!);
          continue;
        }
        expect(tokens.slice(0, 2)).toEqual(['npx', 'rwasm']);
        const result = await runCli(env, ...tokens.slice(2).map(shared));
        expect(result.code, `${line}\n${result.err}`).toBe(0);
        // A comment that is JSON is the exact output; the others name facts the output shows.
        if (comment!.startsWith('{')) expect(JSON.parse(result.out)).toEqual(JSON.parse(comment!));
        else if (comment!.includes('Hello, World')) expect(abiString(/^output (0x[0-9a-f]*)$/m.exec(result.out)![1]!)).toBe('Hello, World');
        else for (const fact of comment!.split(', ')) expect(result.out).toContain(fact);
      }
    } finally {
      process.chdir(cwd);
    }
  });
});
