/**
 * Hand-assembled rWasm kernels for the interpreter benchmark, each with the exact number of
 * rWasm instructions one run executes (derived below, and checked against a JS model of the
 * kernel's result so a wrong program cannot pass as fast).
 */
import { RwasmModule, assemble, ins, label, to, type AsmItem } from '../src/index.js';

export interface Kernel {
  readonly name: string;
  readonly module: RwasmModule;
  /** The same program with a ConsumeFuel(1) before every instruction: fuel = instructions run. */
  readonly counted: RwasmModule;
  /** rWasm instructions one run with parameter n executes. */
  instructions(n: number): number;
  /** The kernel's result, computed in plain JS. */
  expected(n: number): number;
}

// init (pc 0): one page of memory, then Return. Every kernel's entry starts at pc 4.
const INIT = [ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.Return()];

// stack [n, acc]: acc = (acc + n*n) ^ 0x5bd1e995 for n = N..1
// per iteration: 2 (test) + 8 (update acc) + 4 (n -= 1) + 1 (Br) = 15
// plus I32Const(acc) + final test (2) + LocalSet + Return = 5
const arithmetic: AsmItem[] = [
  ...INIT,
  label('main'),
  ins.I32Const(0),
  label('loop'),
  ins.LocalGet(2), to.BrIfEqz('end'),
  ins.LocalGet(1), ins.LocalGet(3), ins.LocalGet(4), ins.I32Mul(), ins.I32Add(), ins.I32Const(0x5bd1e995), ins.I32Xor(), ins.LocalSet(1),
  ins.LocalGet(2), ins.I32Const(1), ins.I32Sub(), ins.LocalSet(2),
  to.Br('loop'),
  label('end'),
  ins.LocalSet(1), ins.Return(),
];

// fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), recursively.
// A leaf call runs 6 instructions (StackCheck, 4 for the test, Return), an inner one 16
// (StackCheck, 4, two calls of 4, I32Add, LocalSet, Return); main adds CallInternal + Return.
const fib: AsmItem[] = [
  ...INIT,
  label('main'),
  to.CallInternal('fib'), ins.Return(),
  label('fib'),
  ins.StackCheck(4),
  ins.LocalGet(1), ins.I32Const(2), ins.I32LtU(), to.BrIfEqz('recurse'),
  ins.Return(),
  label('recurse'),
  ins.LocalGet(1), ins.I32Const(1), ins.I32Sub(), to.CallInternal('fib'),
  ins.LocalGet(2), ins.I32Const(2), ins.I32Sub(), to.CallInternal('fib'),
  ins.I32Add(), ins.LocalSet(1), ins.Return(),
];

function fibValue(n: number): number {
  let a = 0;
  let b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, (a + b) | 0];
  return a;
}

// store then reload a word at ((n & 0x3fff) << 2), accumulating the loads.
// per iteration: 2 + 5 (address) + 3 (value) + 1 (store) + 6 (reload) + 3 (acc) + 4 + 1 = 25
const memory: AsmItem[] = [
  ...INIT,
  label('main'),
  ins.I32Const(0),
  label('loop'),
  ins.LocalGet(2), to.BrIfEqz('end'),
  ins.LocalGet(2), ins.I32Const(0x3fff), ins.I32And(), ins.I32Const(2), ins.I32Shl(),
  ins.LocalGet(3), ins.I32Const(0x9e3779b1), ins.I32Mul(),
  ins.I32Store(0),
  ins.LocalGet(2), ins.I32Const(0x3fff), ins.I32And(), ins.I32Const(2), ins.I32Shl(), ins.I32Load(0),
  ins.LocalGet(2), ins.I32Add(), ins.LocalSet(1),
  ins.LocalGet(2), ins.I32Const(1), ins.I32Sub(), ins.LocalSet(2),
  to.Br('loop'),
  label('end'),
  ins.LocalSet(1), ins.Return(),
];

function build(items: AsmItem[]): RwasmModule {
  const { code, labels } = assemble(items);
  return new RwasmModule({ code, sourcePc: labels.get('main')! });
}

function counted(items: AsmItem[]): RwasmModule {
  return build(items.flatMap((item): AsmItem[] => ('defines' in item ? [item] : [ins.ConsumeFuel(1), item])));
}

export const KERNELS: Kernel[] = [
  {
    name: 'i32 arithmetic loop',
    module: build(arithmetic),
    counted: counted(arithmetic),
    instructions: (n) => 15 * n + 5,
    expected: (n) => {
      let acc = 0;
      for (let i = n; i > 0; i--) acc = ((acc + Math.imul(i, i)) ^ 0x5bd1e995) | 0;
      return acc >>> 0;
    },
  },
  {
    name: 'recursive fib',
    module: build(fib),
    counted: counted(fib),
    instructions: (n) => {
      const leaves = fibValue(n + 1);
      return 6 * leaves + 16 * (leaves - 1) + 2;
    },
    expected: (n) => fibValue(n) >>> 0,
  },
  {
    name: 'memory load/store loop',
    module: build(memory),
    counted: counted(memory),
    instructions: (n) => 25 * n + 5,
    expected: (n) => {
      let acc = 0;
      for (let i = n; i > 0; i--) acc = (acc + Math.imul(i, 0x9e3779b1)) | 0;
      return acc >>> 0;
    },
  },
];
