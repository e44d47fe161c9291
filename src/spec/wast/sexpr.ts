/**
 * Groups tokens into S-expressions. Annotation groups `(@name …)` are dropped wherever they
 * occur; every list keeps its source span so a module's exact text can be sliced out.
 */
import { WastSyntaxError } from './errors.js';
import { tokenize, type AtomToken, type IdToken, type StringToken, type Token } from './lexer.js';

export interface SList {
  readonly kind: 'list';
  readonly items: SExpr[];
  /** UTF-16 offset of the `(`. */
  readonly start: number;
  /** UTF-16 offset just past the `)`. */
  readonly end: number;
  /** 1-based line of the `(`. */
  readonly line: number;
}

export type SExpr = SList | AtomToken | IdToken | StringToken;

/** Parses a whole source into its top-level S-expressions. Throws `WastSyntaxError`. */
export function parseSExprs(source: string): SExpr[] {
  return groupTokens(tokenize(source));
}

export function groupTokens(tokens: readonly Token[]): SExpr[] {
  const top: SExpr[] = [];
  // Open lists; `annot` marks an annotation group (or a list inside one), which is skipped.
  const stack: { items: SExpr[]; start: number; line: number; annot: boolean }[] = [];
  let annotDepth = 0;
  for (const tok of tokens) {
    switch (tok.kind) {
      case 'lparen':
      case 'annot': {
        const annot = tok.kind === 'annot' || annotDepth > 0;
        if (annot) annotDepth++;
        stack.push({ items: [], start: tok.start, line: tok.line, annot });
        break;
      }
      case 'rparen': {
        const open = stack.pop();
        if (open === undefined) throw new WastSyntaxError(tok.line, 'unexpected ")"');
        if (open.annot) {
          annotDepth--;
          break;
        }
        const list: SList = { kind: 'list', items: open.items, start: open.start, end: tok.end, line: open.line };
        (stack.length > 0 ? stack[stack.length - 1]!.items : top).push(list);
        break;
      }
      default:
        if (annotDepth > 0) break;
        (stack.length > 0 ? stack[stack.length - 1]!.items : top).push(tok);
    }
  }
  if (stack.length > 0) {
    throw new WastSyntaxError(stack[0]!.line, 'unclosed "(" at end of input');
  }
  return top;
}
