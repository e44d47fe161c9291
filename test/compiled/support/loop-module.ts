/** A loop the compiled tier translates: acc = (acc + i * i) ^ 0x5bd1e995 for i = n..1, and the formula it computes. */
import { RwasmModule, assemble, ins, label, to } from '../../../src/index.js';

export function loopModule(): RwasmModule {
  const { code, labels } = assemble([
    ins.Return(),
    label('main'),
    ins.I32Const(0), // acc, below n
    label('loop'),
    ins.LocalGet(2), to.BrIfEqz('end'),
    ins.LocalGet(1), ins.LocalGet(3), ins.LocalGet(4), ins.I32Mul(), ins.I32Add(), ins.I32Const(0x5bd1e995), ins.I32Xor(), ins.LocalSet(1),
    ins.LocalGet(2), ins.I32Const(1), ins.I32Sub(), ins.LocalSet(2),
    to.Br('loop'),
    label('end'),
    ins.LocalSet(1), ins.Return(),
  ]);
  return new RwasmModule({ code, sourcePc: labels.get('main')! });
}

export function loopResult(n: number): number {
  let acc = 0;
  for (let i = n; i > 0; i--) acc = ((acc + Math.imul(i, i)) ^ 0x5bd1e995) | 0;
  return acc;
}
