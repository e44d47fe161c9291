/** A loop the compiled tier translates, and its result by a formula: the interpreter benchmark's i32 arithmetic kernel. */
import { KERNELS } from '../../../bench/programs.js';

const kernel = KERNELS.find((k) => k.name === 'i32 arithmetic loop')!;

export const loopModule = () => kernel.module;
/** As the unsigned word the kernel returns. */
export const loopResult = (n: number): number => kernel.expected(n);
