/**
 * The runtime layer's costs, as medians: a ready SystemRuntime for a cached code hash against
 * decoding the 1.17 MB EVM runtime fixture from bytes (beside V8 compiling its hint Wasm), and
 * interrupt + resume round trips. `npm run bench -- runtime`.
 */
import { measureDecode, measureRuntime, printMeasures } from './support/measures.js';

const quick = process.argv.includes('--quick');
printMeasures([...(await measureRuntime(quick)), ...(await measureDecode(quick))]);
