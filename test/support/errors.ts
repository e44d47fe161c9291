import { RwasmError } from '../../src/index.js';

/** Runs `run`, expecting it to throw an RwasmError, and returns that error. */
export function rwasmErrorOf(run: () => unknown): RwasmError {
  try {
    run();
  } catch (error) {
    if (error instanceof RwasmError) return error;
    throw error;
  }
  throw new Error('expected an RwasmError');
}
