/**
 * The `rwasm` command: a Node-only shell over the public API. Every failure is one line on
 * stderr and exit code 1.
 */
import { readFileSync } from 'node:fs';
import { isRwasmError } from '../errors.js';
import { codeHashHex } from '../format/code-hash.js';
import { RwasmModule } from '../format/module.js';
import { Machine } from '../interpreter/machine.js';
import { trapMessage, trapName } from '../format/trap-codes.js';
import { UsageError, checkFlags, parseArgs, stringFlag } from './args.js';

const USAGE = `usage: rwasm <command> [options]

commands:
  inspect <file.rwasm> [--json]        code hash, sizes, hint type, source_pc
  disasm <file.rwasm>                  one instruction per line, with functions and branch targets
  run <file.rwasm> [--args 1,2] [--results N] [--fuel N] [--fpu] [--json]
                                       instantiate, run from source_pc, print the outcome`;

/** Where the command writes; the real process by default, a buffer in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

let io: Io = processIo;
let exitCode = 0;

function readInput(path: string | undefined): Uint8Array {
  if (path === undefined) throw new UsageError('missing input file');
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function inspect(argv: string[]): void {
  const args = parseArgs(argv, new Set(['json']));
  checkFlags(args, ['json']);
  const bytes = readInput(args.positionals[0]);
  const module = RwasmModule.decode(bytes);
  const facts = {
    codeHash: codeHashHex(bytes),
    instructions: module.code.length,
    dataBytes: module.data.length,
    elemCount: module.elem.length,
    hintBytes: module.hint.length,
    hintType: module.hintType,
    sourcePc: module.sourcePc,
  };
  if (args.flags.has('json')) {
    io.out(JSON.stringify(facts) + '\n');
    return;
  }
  io.out(
    [
      `code hash     0x${facts.codeHash}`,
      `instructions  ${facts.instructions}`,
      `data          ${facts.dataBytes} bytes`,
      `elem          ${facts.elemCount} entries`,
      `hint          ${facts.hintBytes} bytes (${facts.hintType})`,
      `source_pc     ${facts.sourcePc}`,
    ].join('\n') + '\n',
  );
}

function disasm(argv: string[]): void {
  const args = parseArgs(argv, new Set());
  checkFlags(args, []);
  io.out(RwasmModule.decode(readInput(args.positionals[0])).disassemble());
}

function parseWords(text: string | undefined): number[] {
  if (text === undefined || text === '') return [];
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) throw new UsageError(`--args: ${part} is not a 32-bit word`);
    return value >>> 0;
  });
}

function parseCount(text: string | undefined, what: string): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${what}: ${text} is not a non-negative integer`);
  return BigInt(text);
}

function run(argv: string[]): void {
  const args = parseArgs(argv, new Set(['json', 'fpu']));
  checkFlags(args, ['json', 'fpu', 'args', 'results', 'fuel']);
  const module = RwasmModule.decode(readInput(args.positionals[0]));
  const fuelLimit = parseCount(stringFlag(args, 'fuel'), '--fuel');
  const resultWords = Number(parseCount(stringFlag(args, 'results'), '--results') ?? 0n);
  const machine = new Machine(module, { fpu: args.flags.has('fpu'), fuelLimit });
  let outcome = machine.instantiate();
  if (outcome.status === 'returned') outcome = machine.run({ params: parseWords(stringFlag(args, 'args')), resultWords });
  const trap = outcome.status === 'trapped' ? trapName(outcome.trap) : outcome.status === 'outOfFuel' ? 'OutOfFuel' : null;
  const results = outcome.status === 'returned' ? Array.from(outcome.results) : [];
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ status: outcome.status, results, fuelConsumed: machine.fuelConsumed().toString(), trap }) + '\n');
  } else {
    const detail = outcome.status === 'trapped' ? ` ${trapName(outcome.trap)} (${trapMessage(outcome.trap)}) at pc ${outcome.pc}` : '';
    io.out(`${outcome.status}${detail}\nresults ${results.join(', ') || '(none)'}\nfuel consumed ${machine.fuelConsumed()}\n`);
  }
  if (outcome.status === 'trapped') exitCode = 2;
}

const COMMANDS: Record<string, (argv: string[]) => void> = { inspect, disasm, run };

export function main(argv: string[], output: Io = processIo): number {
  io = output;
  exitCode = 0;
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE + '\n');
    return command === undefined ? 1 : 0;
  }
  const handler = COMMANDS[command];
  try {
    if (!handler) throw new UsageError(`unknown command ${command} (try rwasm --help)`);
    handler(rest);
    return exitCode;
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

