/**
 * The reference compiler's i64 snippet functions: `StackCheck(msh) <sequence> Return`, called
 * with the operands [a_lo, a_hi, b_lo, b_hi] on top of the stack. A call whose target is exactly
 * such a body can run as one native operation, provided it raises every trap the body would
 * raise, where the body raises it: the call's own StackOverflow (call depth), the StackCheck's
 * (at the snippet's first pc) and the division traps (at the snippet's Trap instructions).
 */
import { Opcode } from '../format/opcodes.js';
import { i64Sequence, type I64SequenceName, type RawSequence } from '../format/i64-sequences.js';
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

// Built on first use: a program without i64 snippets (or a process that only decodes) never pays for parsing them.
let snippets: ReadonlyArray<{ readonly snippet: Snippet; readonly sequence: RawSequence }> | undefined;
let byKind: ReadonlyMap<I64Kind, Snippet> | undefined;

function knownSnippets(): ReadonlyArray<{ readonly snippet: Snippet; readonly sequence: RawSequence }> {
  snippets ??= Object.entries(I64_KIND_BY_SNIPPET).map(([name, kind]) => snippetOf(name as I64SequenceName, kind));
  return snippets;
}

function snippetOf(name: I64SequenceName, kind: I64Kind): { snippet: Snippet; sequence: RawSequence } {
  const sequence = i64Sequence(name);
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
}

/** The snippet whose body starts at `target`, if one does. */
export function snippetAt(codes: Uint16Array, bits: Uint32Array, length: number, target: number): Snippet | undefined {
  if (codes[target] !== Opcode.StackCheck) return undefined;
  search: for (const { snippet, sequence } of knownSnippets()) {
    const size = sequence.codes.length;
    if (bits[target] !== sequence.maxStackHeight || target + size + 1 >= length) continue;
    for (let i = 0; i < size; i++) {
      if (codes[target + 1 + i] !== sequence.codes[i] || bits[target + 1 + i] !== sequence.bits[i]) continue search;
    }
    if (codes[target + 1 + size] === Opcode.Return) return snippet;
  }
  return undefined;
}


/** The pc of the Trap instruction that raises `trap` in the snippet of `kind` starting at `snippetPc`. */
export function snippetTrapPc(kind: I64Kind, snippetPc: number, trap: TrapCode): number {
  byKind ??= new Map(knownSnippets().map(({ snippet }) => [snippet.kind, snippet]));
  const snippet = byKind.get(kind)!;
  return snippetPc + (trap === TrapCode.IntegerOverflow ? snippet.overflowAt : snippet.divideByZeroAt);
}
