/**
 * Parser for WebAssembly spec-test scripts (`.wast`): turns a script into a list of commands.
 *
 * Module contents are not interpreted: a text module is returned as its exact source text, a
 * binary module as its bytes and a quoted module as the text to hand to a `.wat` parser.
 */
import { WastSyntaxError } from './errors.js';
import { parseF32Bits, parseF64Bits } from './float-literals.js';
import { stringTokenText, type StringToken } from './lexer.js';
import { parseI32, parseI64, parseU32 } from './numbers.js';
import { parseSExprs, type SExpr, type SList } from './sexpr.js';

export type WastValue =
  | { type: 'i32'; value: number } // as u32: 0..2^32-1
  | { type: 'i64'; value: bigint } // as u64: 0n..2^64-1
  | { type: 'f32'; bits: number } // IEEE bits as u32
  | { type: 'f64'; bits: bigint } // IEEE bits as u64
  | { type: 'funcref' | 'externref'; ref: null }
  | { type: 'externref'; ref: number }; // (ref.extern N)

export type WastExpected =
  | WastValue
  | { type: 'f32' | 'f64'; nan: 'canonical' | 'arithmetic' }
  | { type: 'funcref'; ref: 'any' } // (ref.func) without an index: any non-null funcref
  | { type: 'externref'; ref: 'any' } // (ref.extern) without a number
  | { type: 'either'; options: WastExpected[] };

export type WastModule =
  | { kind: 'text'; id?: string; text: string; line: number } // exact source "(module ...)" text, id included
  | { kind: 'binary'; id?: string; bytes: Uint8Array; line: number } // concatenation of the string pieces
  | { kind: 'quote'; id?: string; text: string; line: number }; // "(module " + pieces joined by " " + ")"

export type WastAction =
  | { kind: 'invoke'; module?: string; name: string; args: WastValue[] }
  | { kind: 'get'; module?: string; name: string };

export type WastCommand =
  | { kind: 'module'; line: number; module: WastModule }
  | { kind: 'register'; line: number; as: string; module?: string }
  | { kind: 'action'; line: number; action: WastAction }
  | { kind: 'assert_return'; line: number; action: WastAction; expected: WastExpected[] }
  | { kind: 'assert_trap'; line: number; action: WastAction; message: string }
  | { kind: 'assert_trap_module'; line: number; module: WastModule; message: string } // (assert_trap (module …) "…")
  | { kind: 'assert_exhaustion'; line: number; action: WastAction; message: string }
  | {
      kind: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'assert_uninstantiable';
      line: number;
      module: WastModule;
      message: string;
    };

export type WastCommandKind = WastCommand['kind'];

/** Heads of module fields: a script made only of these is one inline module (as in the reference interpreter's grammar). */
const MODULE_FIELDS = new Set(['type', 'rec', 'import', 'func', 'table', 'memory', 'global', 'tag', 'export', 'start', 'elem', 'data']);

/**
 * Parses a whole `.wast` script. Throws `WastSyntaxError` (with the line) on any error.
 *
 * A script consisting only of module fields (`(func) (memory 0) …`, as in inline-module.wast)
 * is an inline module: it yields one text module command whose text is `(module ` + the source
 * from the first field to the last + `)`.
 */
export function parseWast(source: string): WastCommand[] {
  const exprs = parseSExprs(source);
  const first = exprs[0];
  if (first !== undefined && first.kind === 'list' && MODULE_FIELDS.has(headOf(first) ?? '')) {
    for (const expr of exprs) {
      if (expr.kind !== 'list' || !MODULE_FIELDS.has(headOf(expr) ?? '')) {
        fail(expr.line, `expected a module field in an inline module, found ${describe(expr)}`);
      }
    }
    const last = exprs[exprs.length - 1] as SList;
    const text = `(module ${source.slice(first.start, last.end)})`;
    return [{ kind: 'module', line: first.line, module: { kind: 'text', text, line: first.line } }];
  }
  return exprs.map((expr) => parseCommand(expr, source));
}

function fail(line: number, reason: string): never {
  throw new WastSyntaxError(line, reason);
}

function lineOf(expr: SExpr): number {
  return expr.line;
}

function describe(expr: SExpr | undefined): string {
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

function headOf(list: SList): string | undefined {
  const first = list.items[0];
  return first !== undefined && first.kind === 'atom' ? first.text : undefined;
}

function isList(expr: SExpr | undefined, head?: string): expr is SList {
  return expr !== undefined && expr.kind === 'list' && (head === undefined || headOf(expr) === head);
}

function expectString(expr: SExpr | undefined, parent: SList, what: string): StringToken {
  if (expr === undefined || expr.kind !== 'string') {
    return fail(expr !== undefined ? lineOf(expr) : parent.line, `expected ${what} (a string), found ${describe(expr)}`);
  }
  return expr;
}

function expectEnd(list: SList, index: number): void {
  const extra = list.items[index];
  if (extra !== undefined) fail(lineOf(extra), `too many items in (${headOf(list)} …): ${describe(extra)}`);
}

function parseCommand(expr: SExpr, source: string): WastCommand {
  if (expr.kind !== 'list') return fail(expr.line, `expected a command, found ${describe(expr)}`);
  const head = headOf(expr);
  const line = expr.line;
  switch (head) {
    case 'module':
      return { kind: 'module', line, module: parseModule(expr, source) };
    case 'register': {
      const as = stringTokenText(expectString(expr.items[1], expr, 'a registration name'));
      let index = 2;
      let module: string | undefined;
      const id = expr.items[2];
      if (id !== undefined && id.kind === 'id') {
        module = id.name;
        index++;
      }
      expectEnd(expr, index);
      return module !== undefined ? { kind: 'register', line, as, module } : { kind: 'register', line, as };
    }
    case 'invoke':
    case 'get':
      return { kind: 'action', line, action: parseAction(expr) };
    case 'assert_return': {
      const action = parseAction(expectAction(expr.items[1], expr));
      const expected = expr.items.slice(2).map((item) => parseExpected(item));
      return { kind: 'assert_return', line, action, expected };
    }
    case 'assert_trap': {
      const target = expr.items[1];
      const message = stringTokenText(expectString(expr.items[2], expr, 'a failure message'));
      expectEnd(expr, 3);
      if (isList(target, 'module')) {
        return { kind: 'assert_trap_module', line, module: parseModule(target, source), message };
      }
      return { kind: 'assert_trap', line, action: parseAction(expectAction(target, expr)), message };
    }
    case 'assert_exhaustion': {
      const action = parseAction(expectAction(expr.items[1], expr));
      const message = stringTokenText(expectString(expr.items[2], expr, 'a failure message'));
      expectEnd(expr, 3);
      return { kind: 'assert_exhaustion', line, action, message };
    }
    case 'assert_invalid':
    case 'assert_malformed':
    case 'assert_unlinkable':
    case 'assert_uninstantiable': {
      const target = expr.items[1];
      if (!isList(target, 'module')) {
        return fail(target !== undefined ? lineOf(target) : line, `expected (module …) in (${head} …), found ${describe(target)}`);
      }
      const module = parseModule(target, source);
      const message = stringTokenText(expectString(expr.items[2], expr, 'a failure message'));
      expectEnd(expr, 3);
      return { kind: head, line, module, message };
    }
    default:
      return fail(line, head !== undefined ? `unknown command "${head}"` : `expected a command, found ${describe(expr)}`);
  }
}

function parseModule(list: SList, source: string): WastModule {
  const line = list.line;
  let index = 1;
  let id: string | undefined;
  const first = list.items[1];
  if (first !== undefined && first.kind === 'id') {
    id = first.name;
    index++;
  }
  const mode = list.items[index];
  const withId = <T extends WastModule>(module: T): T => (id !== undefined ? { ...module, id } : module);
  if (mode !== undefined && mode.kind === 'atom' && (mode.text === 'binary' || mode.text === 'quote')) {
    const pieces = list.items.slice(index + 1).map((item) => expectString(item, list, `a ${mode.text} module piece`));
    if (mode.text === 'binary') {
      let size = 0;
      for (const piece of pieces) size += piece.bytes.length;
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const piece of pieces) {
        bytes.set(piece.bytes, offset);
        offset += piece.bytes.length;
      }
      return withId({ kind: 'binary', bytes, line });
    }
    const text = `(module ${pieces.map((piece) => stringTokenText(piece)).join(' ')})`;
    return withId({ kind: 'quote', text, line });
  }
  if (mode !== undefined && mode.kind === 'atom' && (mode.text === 'definition' || mode.text === 'instance')) {
    return fail(mode.line, `(module ${mode.text} …) is not supported`);
  }
  return withId({ kind: 'text', text: source.slice(list.start, list.end), line });
}

function expectAction(expr: SExpr | undefined, parent: SList): SList {
  if (isList(expr, 'invoke') || isList(expr, 'get')) return expr;
  return fail(expr !== undefined ? lineOf(expr) : parent.line, `expected an action (invoke …) or (get …), found ${describe(expr)}`);
}

function parseAction(list: SList): WastAction {
  const head = headOf(list);
  let index = 1;
  let module: string | undefined;
  const first = list.items[1];
  if (first !== undefined && first.kind === 'id') {
    module = first.name;
    index++;
  }
  const name = stringTokenText(expectString(list.items[index], list, 'an export name'));
  index++;
  if (head === 'get') {
    expectEnd(list, index);
    return module !== undefined ? { kind: 'get', module, name } : { kind: 'get', name };
  }
  // Without `result`, parseConst only returns plain values.
  const args = list.items.slice(index).map((item) => parseConst(item, false) as WastValue);
  return module !== undefined ? { kind: 'invoke', module, name, args } : { kind: 'invoke', name, args };
}

function parseExpected(expr: SExpr): WastExpected {
  if (isList(expr, 'either')) {
    if (expr.items.length < 2) fail(expr.line, '(either) needs at least one result');
    return { type: 'either', options: expr.items.slice(1).map((item) => parseExpected(item)) };
  }
  return parseConst(expr, true);
}

/** A `(type.const …)` or reference value; `result` admits the NaN and `any` patterns. */
function parseConst(expr: SExpr, result: boolean): WastExpected {
  if (expr.kind !== 'list') return fail(expr.line, `expected a constant, found ${describe(expr)}`);
  const head = headOf(expr);
  const arg = expr.items[1];
  const literal = (): string => {
    if (arg === undefined || arg.kind !== 'atom') {
      return fail(arg !== undefined ? arg.line : expr.line, `expected a literal in (${head} …), found ${describe(arg)}`);
    }
    expectEnd(expr, 2);
    return arg.text;
  };
  const convert = <T>(text: string, f: (text: string) => T): T => {
    try {
      return f(text);
    } catch (e) {
      if (e instanceof WastSyntaxError) throw e;
      return fail(arg !== undefined ? arg.line : expr.line, (e as Error).message);
    }
  };
  switch (head) {
    case 'i32.const':
      return { type: 'i32', value: convert(literal(), parseI32) };
    case 'i64.const':
      return { type: 'i64', value: convert(literal(), parseI64) };
    case 'f32.const':
    case 'f64.const': {
      const text = literal();
      const type = head === 'f32.const' ? 'f32' : 'f64';
      if (text === 'nan:canonical' || text === 'nan:arithmetic') {
        if (!result) fail(expr.line, `${text} is only allowed in an expected result`);
        return { type, nan: text === 'nan:canonical' ? 'canonical' : 'arithmetic' };
      }
      return type === 'f32'
        ? { type, bits: convert(text, parseF32Bits) }
        : { type, bits: convert(text, parseF64Bits) };
    }
    case 'ref.null': {
      const heap = arg !== undefined && arg.kind === 'atom' ? arg.text : undefined;
      if (heap !== 'func' && heap !== 'extern') {
        return fail(arg !== undefined ? arg.line : expr.line, `expected func or extern in (ref.null …), found ${describe(arg)}`);
      }
      expectEnd(expr, 2);
      return { type: heap === 'func' ? 'funcref' : 'externref', ref: null };
    }
    case 'ref.extern':
      if (arg === undefined) {
        if (!result) fail(expr.line, '(ref.extern) without a number is only allowed in an expected result');
        return { type: 'externref', ref: 'any' };
      }
      return { type: 'externref', ref: convert(literal(), parseU32) };
    case 'ref.func':
      if (arg !== undefined || !result) fail(expr.line, 'only (ref.func) without an index, in an expected result, is supported');
      return { type: 'funcref', ref: 'any' };
    default:
      return fail(expr.line, `expected a constant, found ${describe(expr)}`);
  }
}
