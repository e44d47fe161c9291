/**
 * Vitest setup: `RWASM_TIER=interpreter|compiled|auto` makes that the default tier of every
 * machine and runtime the tests create (`npm run test:interpreter` runs the suite on the
 * interpreter; the default is the compiled tier where code generation works), and
 * `RWASM_PREPARE=eager` has code prepared the first time it runs instead of stepped until it
 * runs again (so that pass runs everything on the block engine).
 */
import { setDefaultTier, type Tier } from '../../src/index.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';

const tier = process.env.RWASM_TIER;
if (tier !== undefined && tier !== '') setDefaultTier(tier as Tier);
if (process.env.RWASM_PREPARE === 'eager') setWarmArrivals(1);
