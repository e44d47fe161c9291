/**
 * Work per unit of fuel for the instructions whose work varies (bench/support/limits.ts):
 * `npm run bench -- limits` (`--quick`: fewer runs). The report includes the same table.
 */
import { limitRows, measureLimits } from './support/limits.js';

console.table(limitRows(await measureLimits(process.argv.includes('--quick'))));
