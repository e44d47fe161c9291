import { defineBinaryenBatch } from './binaryen-batch.js';

defineBinaryenBatch(0, 1000);
