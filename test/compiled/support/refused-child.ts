/**
 * Run by tier.test.ts in a Node started with --disallow-code-generation-from-strings (what a
 * Content-Security-Policy without 'unsafe-eval' does to `new Function`): prints the tier a
 * default machine gets and what the loop program returns.
 */
import { Machine, codeGenerationAllowed } from '../../../src/index.js';
import { loopModule } from './loop-module.js';

const machine = new Machine(loopModule());
machine.instantiate();
const outcome = machine.run({ params: [1000], resultWords: 1 });
process.stdout.write(JSON.stringify({ allowed: codeGenerationAllowed(), tier: machine.tier, status: outcome.status, result: outcome.status === 'returned' ? outcome.results[0] : null }));
