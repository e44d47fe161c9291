/**
 * Command-line arguments on node:util's parseArgs in strict mode. Every command declares its
 * options and how many positionals it takes, so an unknown option (a boolean one too, and one
 * given last), a value given to a boolean, a missing value and a stray positional are each
 * refused with a message naming them. `--help` / `-h` is every command's.
 */
import { parseArgs } from 'node:util';
import type { Io } from './io.js';

/** Bad command-line input: printed as it is, exit code 1. */
export class UsageError extends Error {}

export type OptionSpec = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

export interface CommandSpec<O extends OptionSpec> {
  /** As typed after `rwasm`, e.g. `evm deploy`: messages name it. */
  readonly name: string;
  /** Printed for `--help`, `-h` and `rwasm help <name>`. */
  readonly usage: string;
  readonly options: O;
  /** The most positionals it takes, and how to say so ("one file", "no arguments"). */
  readonly positionals: { readonly max: number; readonly described: string };
}

export type OptionValues<O extends OptionSpec> = { -readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

export interface ParsedCommand<O extends OptionSpec> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Parses a command's arguments; undefined when they ask for help (the usage is then printed,
 * whatever else they hold, so `rwasm run x.wasm --bogus --help` still helps).
 */
export function parseCommand<O extends OptionSpec>(argv: readonly string[], io: Io, spec: CommandSpec<O>): ParsedCommand<O> | undefined {
  const options = { ...spec.options, ...HELP };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) {
    io.out(spec.usage.endsWith('\n') ? spec.usage : `${spec.usage}\n`);
    return undefined;
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    throw new UsageError(`${spec.name}: ${explainFailure(tokens, options) ?? error.message.split('\n')[0]} (rwasm ${spec.name} --help lists its options)`);
  }
  const { positionals } = parsed;
  if (positionals.length > spec.positionals.max) {
    const count = `${positionals.length} argument${positionals.length === 1 ? '' : 's'}`;
    throw new UsageError(`${spec.name} takes ${spec.positionals.described}, got ${count} (${positionals.join(' ')})`);
  }
  const { help: _help, ...values } = parsed.values;
  return { values: values as OptionValues<O>, positionals };
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

type Token = ReturnType<typeof parseArgs>['tokens'] extends Array<infer T> | undefined ? T : never;

/**
 * Says what strict parsing refused, from the tokens a lenient parse made of the same
 * arguments: parseArgs' own messages suggest `--` for unknown options and name options as
 * `'-o, --output <value>'`, which reads badly on one line.
 */
function explainFailure(tokens: readonly Token[], options: OptionSpec): string | undefined {
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) return `unknown option ${token.rawName}`;
    if (option.type === 'boolean' && token.inlineValue) return `${token.rawName} takes no value`;
    if (option.type === 'string' && token.value === undefined) return `${token.rawName} needs a value`;
    // Strict parsing reads `--args -1` as a forgotten value followed by an option.
    if (option.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
      return `${token.rawName} needs a value (one starting with '-' is written ${token.rawName}=${token.value})`;
    }
  }
  return undefined;
}
