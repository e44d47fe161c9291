import { formatInstruction } from '../../format/disassemble.js';
import type { TraceEvent } from '../../interpreter/machine.js';
import { instruction } from '../../format/instructions.js';
import { UsageError } from '../args.js';
import type { ExitCode, Io } from '../io.js';
import { runFile } from './run.js';

/** Thrown by the hook once enough instructions are printed: it aborts the run. */
class Enough extends Error {}

/**
 * `rwasm trace <file> [--limit N] [run options]`: the first N executed instructions (default
 * 100), each with its pc, disassembly, stack height, call depth and fuel consumed so far.
 */
export function trace(argv: string[], io: Io): ExitCode {
  const limitText = argv.includes('--limit') ? argv[argv.indexOf('--limit') + 1] : argv.find((a) => a.startsWith('--limit='))?.slice(8);
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit: ${limitText} is not a positive count`);
  let printed = 0;
  const hook = (event: TraceEvent) => {
    if (printed === limit) throw new Enough();
    printed++;
    const text = formatInstruction(instruction(event.opcode, event.immediate));
    io.out(`${String(event.pc).padStart(7)}  ${text.padEnd(30)} stack ${String(event.stackHeight).padStart(4)}  depth ${String(event.callDepth).padStart(3)}  fuel ${event.fuelConsumed}\n`);
  };
  try {
    const { summary } = runFile(argv, io, ['limit'], hook);
    io.out(`-- ended after ${printed} instructions --\n${summary.text}`);
    return summary.failed ? 2 : 0;
  } catch (error) {
    if (!(error instanceof Enough)) throw error;
    io.out(`-- stopped after ${printed} instructions (--limit ${limit}) --\n`);
    return 0;
  }

}
