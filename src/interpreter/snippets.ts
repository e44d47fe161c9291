/**
 * The reference compiler's i64 snippet functions: `StackCheck(msh) <sequence> Return`, called
 * with the operands [a_lo, a_hi, b_lo, b_hi] on top of the stack. A call whose target is exactly
 * such a body can run as one native operation, provided it raises every trap the body would
 * raise, where the body raises it: the call's own StackOverflow (call depth), the StackCheck's
 * (at the snippet's first pc) and the division traps (at the snippet's Trap instructions).
 */
import { Opcode } from '../format/opcodes.js';
import { i64Sequence, type I64SequenceName } from '../format/i64-sequences.js';
import { TrapCode } from '../format/trap-codes.js';
import { I64_KIND_BY_SNIPPET, I64Kind } from './i64.js';

export interface Snippet {
  readonly kind: I64Kind;
  readonly maxStackHeight: number;
  /** Words left in place of the four operands: 2, or 1 for comparisons. */
  readonly resultWords: number;
  /** Offset from the snippet's first pc of its `Trap(IntegerDivisionByZero)`, or -1. */
  readonly divideByZeroAt: number;
  /** Offset of its `Trap(IntegerOverflow)`, or -1. */
  readonly overflowAt: number;
}

const SNIPPETS = Object.entries(I64_KIND_BY_SNIPPET).map(([name, kind]) => {
  const sequence = i64Sequence(name as I64SequenceName);
  const trapAt = (code: TrapCode) => {
    for (let i = 0; i < sequence.codes.length; i++) {
      if (sequence.codes[i] === Opcode.Trap && sequence.bits[i] === code) return i + 1; // past the StackCheck
    }
    return -1;
  };
  const snippet: Snippet = {
    kind,
    maxStackHeight: sequence.maxStackHeight,
    resultWords: kind >= I64Kind.Eq && kind <= I64Kind.GeU ? 1 : 2,
    divideByZeroAt: trapAt(TrapCode.IntegerDivisionByZero),
    overflowAt: trapAt(TrapCode.IntegerOverflow),
  };
  return { snippet, sequence };
});

/** The snippet whose body starts at `target`, if one does. */
export function snippetAt(codes: Uint16Array, bits: Uint32Array, length: number, target: number): Snippet | undefined {
  if (codes[target] !== Opcode.StackCheck) return undefined;
  search: for (const { snippet, sequence } of SNIPPETS) {
    const size = sequence.codes.length;
    if (bits[target] !== sequence.maxStackHeight || target + size + 1 >= length) continue;
    for (let i = 0; i < size; i++) {
      if (codes[target + 1 + i] !== sequence.codes[i] || bits[target + 1 + i] !== sequence.bits[i]) continue search;
    }
    if (codes[target + 1 + size] === Opcode.Return) return snippet;
  }
  return undefined;
}

const BY_KIND = new Map<I64Kind, Snippet>(SNIPPETS.map(({ snippet }) => [snippet.kind, snippet]));

/** The pc of the Trap instruction that raises `trap` in the snippet of `kind` starting at `snippetPc`. */
export function snippetTrapPc(kind: I64Kind, snippetPc: number, trap: TrapCode): number {
  const snippet = BY_KIND.get(kind)!;
  return snippetPc + (trap === TrapCode.IntegerOverflow ? snippet.overflowAt : snippet.divideByZeroAt);
}
