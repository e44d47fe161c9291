/**
 * The `rwasm` command: a Node-only shell over the public API. Every failure is one line on
 * stderr and exit code 1 (2 when a run traps or runs out of fuel, or an EVM transaction does not
 * succeed).
 */
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

const USAGE = `usage: rwasm <command> [options]

commands:
  inspect <file.rwasm> [--json]         code hash, sizes, hint type, source_pc
  disasm <file.rwasm>                   one instruction per line, with functions and branch targets
  compile <in.wasm> -o <out.rwasm> [--config file.json]
                                        Wasm -> rWasm ({"preset":"fluent", ...} for Fluent's builds)
  run <file.wasm|file.rwasm> [--invoke NAME] [--args 1,2] [--fuel N] [--tier T] [--json]
                                        compile (Wasm) and run; rWasm input takes --results N and --fpu;
                                        --tier auto|interpreter|compiled (default: $RWASM_TIER, else auto)
  run <file> --state N | --input HEX | --consume-fuel [--fuel N] [--debug-log] [--json]
                                        run as a Fluent system runtime (main or deploy, Fluent's host):
                                        prints the exit code, output (hex) and fuel
  trace <file> [--limit N] [run options]
                                        the first N executed instructions (default 100)
  spec [paths...] [--verbose]           the WebAssembly spec testsuite (needs the wabt package)
  evm deploy <0xINITCODE | file> [--world world.json] [--runtime FILE] [--json]
  evm call --to ADDR [--data HEX] [--world world.json] [--runtime FILE] [--json]
                                        EVM transactions on Fluent's EVM runtime over a world file
  evm replay <fixture.json> [--bytecode DIR] [--dump DIR] [--json]
                                        replay a state-test fixture (rwasm evm <command> --help: options)`;

const COMMANDS: Record<string, (argv: string[], io: Io) => ExitCode | Promise<ExitCode>> = { inspect, disasm, compile, run, trace, spec, evm };

export async function main(argv: string[], io: Io = processIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE + '\n');
    return command === undefined ? 1 : 0;
  }
  try {
    const handler = COMMANDS[command];
    if (!handler) throw new UsageError(`unknown command ${command} (try rwasm --help)`);
    return await handler(rest, io);
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
