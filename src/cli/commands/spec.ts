import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { listWastFiles, readSuiteFiles } from '../../../spec-tests/files.js';
import { formatFileLine, formatTotals, runSuite } from '../../../spec-tests/suite.js';
import { parseCommand, UsageError } from '../args.js';
import type { ExitCode, Io } from '../io.js';
import { watParser } from '../program-input.js';

export const SPEC_USAGE = `usage: rwasm spec [paths…] [--verbose]
  runs WebAssembly spec-test scripts (.wast files, or folders of them) and prints per-file
  counts and the totals; default: $RWASM_SPEC_TESTSUITE, else ../shared/spec-testsuite.
  Needs the optional wabt package (npm install wabt). Exit code 0 when nothing failed.
  --verbose   also list the skipped cases`;

const SPEC = { name: 'spec', usage: SPEC_USAGE, options: { verbose: { type: 'boolean' } }, positionals: { max: Infinity, described: 'paths' } } as const;

function suiteRoot(): string {
  const root = process.env.RWASM_SPEC_TESTSUITE ? resolve(process.env.RWASM_SPEC_TESTSUITE) : resolve('..', 'shared', 'spec-testsuite');
  return root;
}

export async function spec(argv: string[], io: Io): Promise<ExitCode> {
  const args = parseCommand(argv, io, SPEC);
  if (!args) return 0;
  const root = suiteRoot();
  let paths: string[];
  if (args.positionals.length === 0) {
    if (!existsSync(root)) throw new UsageError(`no testsuite at ${root}: pass .wast paths or set RWASM_SPEC_TESTSUITE`);
    paths = listWastFiles(root);
  } else {
    paths = args.positionals.flatMap((p) => {
      const full = resolve(p);
      if (!existsSync(full)) throw new UsageError(`no such file or folder ${p}`);
      return statSync(full).isDirectory() ? listWastFiles(full) : [full];
    });
  }
  // Names relative to the testsuite root keep the skip table's keys; others use their own folder.
  const files = paths.flatMap((path) => {
    const inside = relative(root, path);
    const base = !inside.startsWith('..') && !inside.startsWith(sep) ? root : dirname(path);
    return readSuiteFiles(base, [path]);
  });
  const wat2wasm = await watParser(io);
  const result = runSuite(files, wat2wasm, (file) => {
    io.out(formatFileLine(file) + '\n');
    for (const c of file.cases) {
      if (c.status === 'failed' || (args.values.verbose && c.status === 'skipped')) {
        io.out(`  ${c.status === 'failed' ? 'FAIL' : 'skip'} line ${c.line} ${c.kind}: ${c.detail ?? ''}\n`);
      }
    }
  });
  io.out(formatTotals(result) + '\n');
  return result.failed === 0 ? 0 : 1;
}
