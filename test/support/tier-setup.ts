/**
 * Vitest setup: `RWASM_TIER=interpreter|compiled|auto` makes that the default tier of every
 * machine and runtime the tests create (`npm run test:interpreter` runs the suite on the
 * interpreter; the default is the compiled tier where code generation works).
 */
import { setDefaultTier, type Tier } from '../../src/index.js';

const tier = process.env.RWASM_TIER;
if (tier !== undefined && tier !== '') setDefaultTier(tier as Tier);
