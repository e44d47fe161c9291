import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { formatFileLine, formatTotals, runSuite, type SuiteFile } from '../../spec/suite.js';
import { parseCommand, UsageError } from '../args.js';
import type { ExitCode, Io } from '../io.js';
import { listWastFiles, readSuiteFiles } from '../spec-files.js';
import { isTextParserChoice, specTextParser, TEXT_PARSERS } from '../spec-text-parser.js';

export const SPEC_USAGE = `usage: rwasm spec [paths…] [--text-parser auto|wasm-tools|wabt] [--verbose]
  runs WebAssembly spec-test scripts (.wast files, or folders of them) and prints per-file
  counts and the totals; default: $RWASM_SPEC_TESTSUITE, else ../shared/spec-testsuite.
  The skips (rWasm's differences from Wasm by design) apply in any copy of the testsuite.
  A script that does not parse is reported as failing and the run goes on.
  Exit code 0 when nothing failed.
  --text-parser   what turns module text into binaries: wasm-tools (npm install
                  @bytecodealliance/jco-transpile; reads the current text format) or wabt
                  (npm install wabt); default auto: wasm-tools where installed, else wabt
  --verbose       also list the skipped cases, and name the text parser first`;

const SPEC = {
  name: 'spec',
  usage: SPEC_USAGE,
  options: { verbose: { type: 'boolean' }, 'text-parser': { type: 'string' } },
  positionals: { max: Infinity, described: 'paths' },
} as const;

function suiteRoot(): string {
  return process.env.RWASM_SPEC_TESTSUITE ? resolve(process.env.RWASM_SPEC_TESTSUITE) : resolve('..', 'shared', 'spec-testsuite');
}

const isInside = (folder: string, path: string) => {
  const inside = relative(folder, path);
  return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep);
};

/**
 * The scripts to run, each named for the results: relative to the default testsuite when inside
 * it, else relative to the folder given, and a file given outside it by its base name.
 */
function suiteFiles(positionals: readonly string[]): SuiteFile[] {
  const root = suiteRoot();
  if (positionals.length === 0) {
    if (!existsSync(root)) throw new UsageError(`no testsuite at ${root}: pass .wast paths or set RWASM_SPEC_TESTSUITE`);
    return readSuiteFiles(root);
  }
  return positionals.flatMap((given) => {
    const full = resolve(given);
    if (!existsSync(full)) throw new UsageError(`no such file or folder ${given}`);
    const folder = statSync(full).isDirectory() ? full : undefined;
    const paths = folder !== undefined ? listWastFiles(folder) : [full];
    return paths.flatMap((path) => readSuiteFiles(isInside(root, path) ? root : (folder ?? dirname(path)), [path]));
  });
}

export async function spec(argv: string[], io: Io): Promise<ExitCode> {
  const args = parseCommand(argv, io, SPEC);
  if (!args) return 0;
  const choice = args.values['text-parser'] ?? 'auto';
  if (!isTextParserChoice(choice)) throw new UsageError(`spec: --text-parser is one of ${TEXT_PARSERS.join(', ')}, not ${choice}`);
  const files = suiteFiles(args.positionals);
  const parser = await specTextParser(choice, io);
  if (args.values.verbose) io.out(`text parser: ${parser.name}\n`);
  const result = await runSuite(files, parser.parse, (file) => {
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
