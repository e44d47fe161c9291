/**
 * Random rWasm programs for property tests: main(n) keeps [n, acc] on the stack and runs its
 * statements n times; every statement leaves the stack as it found it. Statements cover ALU
 * ops, memory, globals, direct and indirect calls, forward branches, program fuel charges and
 * a division that traps when n % 4 == 0.
 */
import fc from 'fast-check';
import { ins, label, to, type AsmItem } from '../../src/index.js';

export type Stmt =
  | { kind: 'arith'; op: 'I32Add' | 'I32Sub' | 'I32Mul' | 'I32Xor' | 'I32Rotl' | 'I32ShrU'; c: number }
  | { kind: 'mixN'; op: 'I32Add' | 'I32Xor' | 'I32Mul' }
  | { kind: 'store' }
  | { kind: 'load' }
  | { kind: 'global' }
  | { kind: 'call' }
  | { kind: 'callIndirect' }
  | { kind: 'div' }
  | { kind: 'programFuel'; c: number }
  | { kind: 'skip'; mask: number; body: Stmt[] };

const leaf: fc.Arbitrary<Stmt> = fc.oneof(
  fc.record({ kind: fc.constant('arith' as const), op: fc.constantFrom('I32Add', 'I32Sub', 'I32Mul', 'I32Xor', 'I32Rotl', 'I32ShrU' as const), c: fc.integer() }),
  fc.record({ kind: fc.constant('mixN' as const), op: fc.constantFrom('I32Add', 'I32Xor', 'I32Mul' as const) }),
  fc.constant({ kind: 'store' as const }),
  fc.constant({ kind: 'load' as const }),
  fc.constant({ kind: 'global' as const }),
  fc.constant({ kind: 'call' as const }),
  fc.constant({ kind: 'callIndirect' as const }),
  fc.constant({ kind: 'programFuel' as const, c: 3 }),
);
export const statement: fc.Arbitrary<Stmt> = fc.oneof(
  { weight: 8, arbitrary: leaf },
  { weight: 1, arbitrary: fc.constant({ kind: 'div' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('skip' as const), mask: fc.integer({ min: 1, max: 7 }), body: fc.array(leaf, { maxLength: 4 }) }) },
);

let labelCounter = 0;
function emit(s: Stmt, out: AsmItem[]): void {
  const address = [ins.LocalGet(2), ins.I32Const(255), ins.I32And(), ins.I32Const(2), ins.I32Shl()];
  switch (s.kind) {
    case 'arith':
      out.push(ins.LocalGet(1), ins.I32Const(s.c), ins[s.op](), ins.LocalSet(1));
      break;
    case 'mixN':
      out.push(ins.LocalGet(1), ins.LocalGet(3), ins[s.op](), ins.LocalSet(1));
      break;
    case 'store':
      out.push(...address, ins.LocalGet(2), ins.I32Store(0));
      break;
    case 'load':
      out.push(...address, ins.I32Load(0), ins.LocalGet(2), ins.I32Xor(), ins.LocalSet(1));
      break;
    case 'global':
      out.push(ins.GlobalGet(0), ins.LocalGet(2), ins.I32Add(), ins.GlobalSet(0));
      break;
    case 'call':
      out.push(ins.LocalGet(1), to.CallInternal('helper'), ins.LocalSet(1));
      break;
    case 'callIndirect':
      out.push(ins.LocalGet(1), ins.I32Const(0), ins.CallIndirect(0), ins.TableGet(0), ins.LocalSet(1));
      break;
    case 'div':
      out.push(ins.LocalGet(1), ins.LocalGet(3), ins.I32Const(3), ins.I32And(), ins.I32DivU(), ins.LocalSet(1));
      break;
    case 'programFuel':
      out.push(ins.ConsumeFuel(s.c));
      break;
    case 'skip': {
      const end = `skip${labelCounter++}`;
      out.push(ins.LocalGet(1), ins.I32Const(s.mask), ins.I32And(), to.BrIfNez(end));
      for (const inner of s.body) emit(inner, out);
      out.push(label(end));
      break;
    }
  }
}

/**
 * The program: init code (a page, the helper in table 0) at pc 0, and at label `main` a loop
 * over the statements with [n, acc] on the stack. `entry` runs first at `main` (e.g. to turn a
 * system runtime's [0, 0] parameters into [0, n]); main returns acc.
 */
export function program(statements: Stmt[], seed: number, entry: AsmItem[] = []): AsmItem[] {
  const out: AsmItem[] = [
    // init: a page of memory and the helper in table 0
    ins.I32Const(1), ins.MemoryGrow(), ins.Drop(),
    to.RefFunc('helper'), ins.I32Const(1), ins.TableGrow(0), ins.Drop(),
    ins.Return(),
    label('main'),
    ...entry,
    ins.I32Const(seed),
    label('loop'),
    ins.LocalGet(2), to.BrIfEqz('end'),
  ];
  for (const s of statements) emit(s, out);
  out.push(
    ins.LocalGet(2), ins.I32Const(1), ins.I32Sub(), ins.LocalSet(2),
    to.Br('loop'),
    label('end'),
    ins.LocalSet(1), ins.Return(),
    label('helper'),
    ins.SignatureCheck(0), ins.ConsumeFuel(2), ins.StackCheck(4),
    ins.LocalGet(1), ins.I32Const(0x01000193), ins.I32Mul(), ins.I32Const(7), ins.I32Add(), ins.LocalSet(1),
    ins.Return(),
  );
  return out;
}

