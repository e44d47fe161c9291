/**
 * `rwasm evm replay <fixture.json>`: replays every transaction of a state-test fixture (the
 * layout fluentbase's evm-e2e writes) and compares each listed account's post state and the
 * logs hash with the fixture's.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { replayStateTests, type ReplayResult } from '../../fluent/state-test.js';
import { parseCommand, UsageError } from '../args.js';
import { logJson, readingFile, readJsonFile, writeTextFile } from '../evm-options.js';
import { readInput, type ExitCode, type Io } from '../io.js';
import { tierOf } from './run.js';

export const REPLAY_USAGE = `usage: rwasm evm replay <fixture.json> [--bytecode DIR] [--dump DIR] [--json] [--tier T]
  replays every transaction of a state-test fixture and compares the post state of every account
  it lists, and the logs hash, with the fixture's
  --bytecode DIR   where codes named file://…/NAME are read from (DIR/NAME); default the folder
                   reusable-bytecode beside the fixture
  --dump DIR       also writes DIR/<name>.json per transaction (characters of the name other than
                   letters, digits, '.', '-' and '_' become '_'): {"state", "logs", "logList"}
  --json           one JSON object per transaction and line: name, status, gasUsed (a decimal
                   string), match, differences [{account, field, expected, got}]
  --tier T         auto|interpreter|compiled (default $RWASM_TIER, else auto)
exit code 0 when every transaction matches, 1 when one does not or on bad input`;

const REPLAY = {
  name: 'evm replay',
  usage: REPLAY_USAGE,
  options: { bytecode: { type: 'string' }, dump: { type: 'string' }, json: { type: 'boolean' }, tier: { type: 'string' } },
  positionals: { max: 1, described: 'one fixture file' },
} as const;

/** A fixture's code names are file names inside the bytecode folder, never paths out of it. */
function bytecodeReader(dir: string): (name: string) => Uint8Array {
  const read = new Map<string, Uint8Array>(); // one read per file: runtimes are a megabyte and named per account and transaction
  return (name) => {
    if (name === '.' || name === '..' || name.includes('\\')) throw new UsageError(`bytecode name ${JSON.stringify(name)} is not a file name`);
    let bytes = read.get(name);
    if (bytes === undefined) read.set(name, (bytes = readInput(join(dir, name))));
    return bytes;
  };
}

/** `tx/Prague/0` → `tx_Prague_0.json`: one flat file per transaction. */
export const dumpFileName = (name: string) => `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

const line = (r: ReplayResult) => ({ name: r.name, status: r.status, gasUsed: r.gasUsed.toString(), match: r.match, differences: r.differences });

function textLines(r: ReplayResult): string[] {
  const head = `${r.name}  ${r.status}${r.exitCode !== undefined ? ` (exit code ${r.exitCode})` : ''}  gas ${r.gasUsed}  ${r.match ? 'match' : `${r.differences.length} difference(s)`}`;
  return [head, ...r.differences.map((d) => `  ${d.account || '(logs)'} ${d.field}: expected ${d.expected}, got ${d.got}`)];
}

export function replay(argv: string[], io: Io): ExitCode {
  const args = parseCommand(argv, io, REPLAY);
  if (!args) return 0;
  const fixturePath = args.positionals[0];
  if (fixturePath === undefined) throw new UsageError('missing fixture file (rwasm evm replay <fixture.json>)');
  const tier = tierOf(args.values.tier, io);
  const bytecodeDir = args.values.bytecode ?? join(dirname(fixturePath), 'reusable-bytecode');
  const dumpDir = args.values.dump;

  const fixture = readJsonFile(fixturePath);
  const results = readingFile(fixturePath, () => replayStateTests(fixture, bytecodeReader(bytecodeDir), { tier }));
  if (results.length === 0) throw new UsageError(`${fixturePath} holds no transactions`);

  if (dumpDir !== undefined) {
    const files = new Map<string, string>();
    for (const r of results) {
      const file = dumpFileName(r.name);
      const other = files.get(file);
      if (other !== undefined) throw new UsageError(`--dump: transactions ${other} and ${r.name} would both be written to ${file}`);
      files.set(file, r.name);
    }
    try {
      mkdirSync(dumpDir, { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create ${dumpDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    for (const r of results) {
      const dump = { state: r.state, logs: r.logsHash, logList: r.logList.map(logJson) };
      writeTextFile(join(dumpDir, dumpFileName(r.name)), JSON.stringify(dump, null, 2) + '\n');
    }
  }

  const json = args.values.json === true;
  for (const r of results) io.out((json ? [JSON.stringify(line(r))] : textLines(r)).join('\n') + '\n');
  return results.every((r) => r.match) ? 0 : 1;
}
