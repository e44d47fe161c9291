import { defineBinaryenBatch } from './binaryen-batch.js';

defineBinaryenBatch(1000, 1000);
