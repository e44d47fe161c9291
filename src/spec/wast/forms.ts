/** Reading S-expressions as script forms: heads, expected items, and errors naming what was found. */
import { WastSyntaxError } from './errors.js';
import type { StringToken } from './lexer.js';
import type { SExpr, SList } from './sexpr.js';

export function fail(line: number, reason: string): never {
  throw new WastSyntaxError(line, reason);
}

export function describe(expr: SExpr | undefined): string {
  if (expr === undefined) return 'end of list';
  switch (expr.kind) {
    case 'list':
      return headOf(expr) !== undefined ? `(${headOf(expr)} …)` : 'a list';
    case 'atom':
      return `"${expr.text}"`;
    case 'id':
      return `$${expr.name}`;
    case 'string':
      return 'a string';
  }
}

export function headOf(list: SList): string | undefined {
  const first = list.items[0];
  return first !== undefined && first.kind === 'atom' ? first.text : undefined;
}

export function isList(expr: SExpr | undefined, head?: string): expr is SList {
  return expr !== undefined && expr.kind === 'list' && (head === undefined || headOf(expr) === head);
}

export function expectString(expr: SExpr | undefined, parent: SList, what: string): StringToken {
  if (expr === undefined || expr.kind !== 'string') {
    return fail(expr !== undefined ? expr.line : parent.line, `expected ${what} (a string), found ${describe(expr)}`);
  }
  return expr;
}

export function expectEnd(list: SList, index: number): void {
  const extra = list.items[index];
  if (extra !== undefined) fail(extra.line, `too many items in (${headOf(list)} …): ${describe(extra)}`);
}
