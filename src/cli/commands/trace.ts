import { formatInstruction } from '../../format/disassemble.js';
import type { TraceEvent } from '../../interpreter/machine.js';
import { instruction } from '../../format/instructions.js';
import { parseCommand, UsageError } from '../args.js';
import type { ExitCode, Io } from '../io.js';
import { RUN_OPTIONS, RUN_OPTIONS_USAGE, runProgram } from './run.js';

/** Thrown by the hook once enough instructions are printed: it aborts the run. */
class Enough extends Error {}

export const TRACE_USAGE = `usage: rwasm trace <file.wasm | file.wat | file.rwasm> [--limit N] [--json] [run options]
  runs like rwasm run and prints the first N executed instructions (default 100): pc,
  instruction, value stack height, call depth, fuel consumed so far; then the run's outcome
  --limit N         how many instructions to print before stopping the run
  --json            JSON lines: one {pc, instruction, stackHeight, callDepth, fuelConsumed} per
                    instruction, then {instructions, stoppedAtLimit, outcome} (outcome: what
                    rwasm run --json prints, null when the limit stopped the run)
run options:
${RUN_OPTIONS_USAGE}`;

const TRACE = {
  name: 'trace',
  usage: TRACE_USAGE,
  options: { ...RUN_OPTIONS, limit: { type: 'string' } },
  positionals: { max: 1, described: 'one program file' },
} as const;

/**
 * `rwasm trace <file> [--limit N] [run options]`: the first N executed instructions (default
 * 100), each with its pc, disassembly, stack height, call depth and fuel consumed so far.
 */
export async function trace(argv: string[], io: Io): Promise<ExitCode> {
  const args = parseCommand(argv, io, TRACE);
  if (!args) return 0;
  const { limit: limitText, ...runValues } = args.values;
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '100') || !Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit: ${limitText} is not a positive count`);
  const json = runValues.json === true;
  let printed = 0;
  const hook = (event: TraceEvent) => {
    if (printed === limit) throw new Enough();
    printed++;
    const text = formatInstruction(instruction(event.opcode, event.immediate));
    if (json) {
      const line = { pc: event.pc, instruction: text, stackHeight: event.stackHeight, callDepth: event.callDepth, fuelConsumed: event.fuelConsumed.toString() };
      io.out(JSON.stringify(line) + '\n');
    } else {
      io.out(`${String(event.pc).padStart(7)}  ${text.padEnd(30)} stack ${String(event.stackHeight).padStart(4)}  depth ${String(event.callDepth).padStart(3)}  fuel ${event.fuelConsumed}\n`);
    }
  };
  try {
    const summary = await runProgram(args.positionals[0], runValues, io, hook);
    io.out(json ? JSON.stringify({ instructions: printed, stoppedAtLimit: false, outcome: summary.json }) + '\n' : `-- ended after ${printed} instructions --\n${summary.text}`);
    return summary.failed ? 2 : 0;
  } catch (error) {
    if (!(error instanceof Enough)) throw error;
    io.out(json ? JSON.stringify({ instructions: printed, stoppedAtLimit: true, outcome: null }) + '\n' : `-- stopped after ${printed} instructions (--limit ${limit}) --\n`);
    return 0;
  }
}
