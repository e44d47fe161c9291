/**
 * What the block engine needs of the compiled tier (src/compiled): a translator that turns a
 * chain of prepared code into a function, and the function's shape. The interpreter calls such
 * code through its Compiled op and goes on at the ip it returns.
 */

/**
 * Runs prepared code on the interpreter's state from `entry` (the ip of one of its Compiled
 * ops); returns the ip the interpreter goes on at.
 */
export type CompiledCode = (stack: Int32Array, sp: number, memory: Uint8Array, view: DataView, memLen: number, globals: Int32Array, fuelBox: Float64Array, entry: number) => number;

/**
 * A function running the ops in `ranges` of `code` (each [from, to)), or undefined when they are
 * not worth it. `opsPerExit` > 0 asks for a loop and at least that many ops per call or return
 * (where compiled code leaves for the interpreter); 0 takes anything.
 */
export type ChainTranslator = (code: Int32Array, pcOfIp: Int32Array, ranges: ReadonlyArray<readonly [number, number]>, opsPerExit: number) => CompiledCode | undefined;
