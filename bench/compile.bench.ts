/**
 * Compile time of the largest genesis hint Wasm (the EVM runtime, ~187 KB) with its genesis
 * configuration, beside `new WebAssembly.Module()` on the same bytes in the same run.
 * `npm run bench -- compile`.
 */
import { measureCompile, printMeasures } from './support/measures.js';

printMeasures(await measureCompile(process.argv.includes('--quick')));
