/**
 * The `rwasm` command: a Node-only shell over the public API. Every failure is one line on
 * stderr and exit code 1 (2 when a run traps or runs out of fuel, or an EVM transaction does not
 * succeed).
 */
import packageJson from '../../package.json' with { type: 'json' };
import { isRwasmError } from '../errors.js';
import { UsageError } from './args.js';
import { compile } from './commands/compile.js';
import { evm } from './commands/evm.js';
import { disasm, inspect } from './commands/inspect.js';
import { run } from './commands/run.js';
import { spec } from './commands/spec.js';
import { trace } from './commands/trace.js';
import { processIo, type ExitCode, type Io } from './io.js';

export type { Io } from './io.js';

const USAGE = `usage: rwasm <command> [options]   (rwasm help <command>, or rwasm <command> --help: its options)

commands:
  inspect <file.rwasm> [--json]         code hash, sizes, hint type, source_pc
  disasm <file.rwasm>                   one instruction per line, with functions and branch targets
  compile <in.wasm|in.wat> -o <out.rwasm> [--invoke NAME] [--config file.json]
                                        Wasm -> rWasm, entry main by default
                                        ({"preset":"fluent", ...} for Fluent's builds)
  run <file.wasm|file.wat|file.rwasm> [--invoke NAME] [--args 1,2] [--fuel N] [--tier T] [--json]
                                        compile (Wasm) and run; rWasm input takes --results N and --fpu;
                                        --tier auto|interpreter|compiled (default: $RWASM_TIER, else auto)
  run <file> --state N | --input HEX | --consume-fuel [--fuel N] [--debug-log] [--json]
                                        run as a Fluent system runtime (main or deploy, Fluent's host):
                                        prints the exit code, output (hex) and fuel
  trace <file> [--limit N] [--json] [run options]
                                        the first N executed instructions (default 100)
  spec [paths...] [--verbose]           the WebAssembly spec testsuite (needs wasm-tools or wabt)
  evm deploy <0xINITCODE | file> [--world world.json] [--runtime FILE] [--json]
  evm call --to ADDR [--data HEX] [--world world.json] [--runtime FILE] [--json]
                                        EVM transactions on Fluent's EVM runtime over a world file
  evm replay <fixture.json> [--bytecode DIR] [--dump DIR] [--json]
                                        replay a state-test fixture

.wat input needs the optional wabt package (npm install wabt); an input file is read up to 256 MiB.
rwasm --version prints the version.`;

type Command = (argv: string[], io: Io) => ExitCode | Promise<ExitCode>;

const COMMANDS: Readonly<Record<string, Command>> = { inspect, disasm, compile, run, trace, spec, evm };

function commandNamed(name: string): Command {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command) return command;
  throw new UsageError(name.startsWith('-') ? `unknown option ${name} (try rwasm --help)` : `unknown command ${name} (try rwasm --help)`);
}

export async function main(argv: string[], io: Io = processIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || (command === 'help' && rest.length === 0)) {
    io.out(USAGE + '\n');
    return command === undefined ? 1 : 0;
  }
  try {
    if (command === '--version') {
      if (rest.length > 0) throw new UsageError(`--version takes no arguments, got ${rest.join(' ')}`);
      io.out(`${packageJson.version}\n`);
      return 0;
    }
    // `rwasm help run` is `rwasm run --help`; `rwasm help evm deploy` is `rwasm evm deploy --help`.
    if (command === 'help') return await commandNamed(rest[0]!)([...rest.slice(1), '--help'], io);
    return await commandNamed(command)(rest, io);
  } catch (error) {
    io.err(`rwasm: ${describe(error)}\n`);
    return 1;
  }
}

function describe(error: unknown): string {
  if (isRwasmError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof UsageError) return error.message;
  if (error instanceof Error) return `internal error: ${error.message}`;
  return `internal error: ${String(error)}`;
}
