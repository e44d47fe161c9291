import { compileWasm } from '../../compiler/compile.js';
import type { CompilationConfig } from '../../compiler/config.js';
import { checkFlags, parseArgs, stringFlag, UsageError } from '../args.js';
import { configFromJson } from '../compile-config.js';
import { readInput, readText, writeOutput, type ExitCode, type Io } from '../io.js';

export function loadConfig(path: string | undefined): CompilationConfig | undefined {
  if (path === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readText(path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return configFromJson(json);
}

export function compile(argv: string[], io: Io): ExitCode {
  const args = parseArgs(argv, new Set());
  checkFlags(args, ['output', 'config']);
  const input = args.positionals[0];
  const output = stringFlag(args, 'output');
  if (output === undefined) throw new UsageError('missing -o <out.rwasm>');
  const config = loadConfig(stringFlag(args, 'config')) ?? {};
  const { module } = compileWasm(readInput(input), config);
  const bytes = module.encode();
  writeOutput(output, bytes);
  io.out(`${output}: ${module.code.length} instructions, ${bytes.length} bytes\n`);
  return 0;
}
