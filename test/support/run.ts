import { Machine, RwasmModule, type HostFunction, type Instruction, type MachineOptions, type RunOutcome } from '../../src/index.js';

export interface ExecOptions extends MachineOptions {
  /** Words on the stack before the first instruction (bottom first). */
  stack?: number[];
  resultWords?: number;
  data?: Uint8Array;
  elem?: number[];
  sourcePc?: number;
  hostFunctions?: HostFunction[];
}

/** Builds a module from `code` and runs it from `sourcePc` like the reference's `engine.execute`. */
export function exec(code: Instruction[], options: ExecOptions = {}): { outcome: RunOutcome; machine: Machine } {
  const module = new RwasmModule({ code, data: options.data, elem: options.elem, sourcePc: options.sourcePc ?? 0 });
  const machine = new Machine(module, options);
  const outcome = machine.run({ params: options.stack ?? [], resultWords: options.resultWords ?? 0 });
  return { outcome, machine };
}

/** Results of a run that must return, as unsigned words. */
export function resultsOf(outcome: RunOutcome): number[] {
  if (outcome.status !== 'returned') throw new Error(`expected the run to return, got ${JSON.stringify(outcome, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return Array.from(outcome.results);
}

export const u32 = (x: number) => x >>> 0;
