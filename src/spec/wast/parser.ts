/**
 * Parser for WebAssembly spec-test scripts (`.wast`): turns a script into a list of commands.
 *
 * Module contents are not interpreted: a text module is returned as its exact source text, a
 * binary module as its bytes and a quoted module as the text to hand to a `.wat` parser.
 */
import { WastSyntaxError } from './errors.js';
import { describe, expectEnd, expectString, fail, headOf, isList } from './forms.js';
import { stringTokenText } from './lexer.js';
import { parseSExprs, type SExpr, type SList } from './sexpr.js';
import type { WastAction, WastCommand, WastEntry, WastModule } from './types.js';
import { parseExpected, parseValue } from './values.js';

export type { V128Shape, WastAction, WastCommand, WastCommandKind, WastEntry, WastExpected, WastLane, WastModule, WastValue } from './types.js';

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
  return parseWastEntries(source).map((entry) => {
    if (entry.kind === 'unparsed') throw entry.error;
    return entry.command;
  });
}

/**
 * Parses a script form by form: a form that is not a command it understands becomes an
 * `unparsed` entry holding the error, and the forms after it are still read (so a runner can
 * report it as one failing case and go on). Throws `WastSyntaxError` only when the script
 * cannot be split into forms at all (a bad token, unbalanced parentheses).
 */
export function parseWastEntries(source: string): WastEntry[] {
  const exprs = parseSExprs(source);
  const first = exprs[0];
  if (first !== undefined && first.kind === 'list' && MODULE_FIELDS.has(headOf(first) ?? '')) {
    const last = exprs[exprs.length - 1]!;
    const span = { start: first.start, end: exprs.reduce((end, expr) => Math.max(end, expr.end), 0) };
    const stray = exprs.find((expr) => expr.kind !== 'list' || !MODULE_FIELDS.has(headOf(expr) ?? ''));
    if (stray !== undefined) {
      const error = new WastSyntaxError(stray.line, `expected a module field in an inline module, found ${describe(stray)}`);
      return [{ kind: 'unparsed', line: stray.line, error, ...span }];
    }
    const text = `(module ${source.slice(first.start, last.end)})`;
    return [{ kind: 'command', command: { kind: 'module', line: first.line, module: { kind: 'text', text, line: first.line } }, ...span }];
  }
  return exprs.map((expr): WastEntry => {
    try {
      return { kind: 'command', command: parseCommand(expr, source), start: expr.start, end: expr.end };
    } catch (error) {
      if (!(error instanceof WastSyntaxError)) throw error;
      return { kind: 'unparsed', line: expr.line, error, start: expr.start, end: expr.end };
    }
  });
}

function parseCommand(expr: SExpr, source: string): WastCommand {
  if (expr.kind !== 'list') return fail(expr.line, `expected a command, found ${describe(expr)}`);
  const head = headOf(expr);
  const line = expr.line;
  switch (head) {
    case 'module':
      return parseModuleCommand(expr, source);
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
    case 'assert_exception': {
      const action = parseAction(expectAction(expr.items[1], expr));
      expectEnd(expr, 2);
      return { kind: 'assert_exception', line, action };
    }
    case 'assert_invalid':
    case 'assert_malformed':
    case 'assert_unlinkable':
    case 'assert_uninstantiable':
    case 'assert_malformed_custom':
    case 'assert_invalid_custom': {
      const target = expr.items[1];
      if (!isList(target, 'module')) {
        return fail(target !== undefined ? target.line : line, `expected (module …) in (${head} …), found ${describe(target)}`);
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

/** `(module …)`, `(module definition …)` or `(module instance $I $M)`. */
function parseModuleCommand(list: SList, source: string): WastCommand {
  const line = list.line;
  const keyword = list.items[1];
  if (keyword !== undefined && keyword.kind === 'atom' && keyword.text === 'instance') {
    const names: string[] = [];
    let index = 2;
    for (let item = list.items[index]; names.length < 2 && item !== undefined && item.kind === 'id'; item = list.items[index]) {
      names.push(item.name);
      index++;
    }
    expectEnd(list, index);
    // With one name it is the definition's (the instance then has no name of its own).
    const [instance, definition] = names.length === 2 ? names : [undefined, names[0]];
    return { kind: 'module_instance', line, ...(instance !== undefined && { instance }), ...(definition !== undefined && { definition }) };
  }
  if (keyword !== undefined && keyword.kind === 'atom' && keyword.text === 'definition') {
    return { kind: 'module_definition', line, module: parseModule(list, source) };
  }
  return { kind: 'module', line, module: parseModule(list, source) };
}

/** A module form; `definition` (after `module`) is left out of a text module's text, which is then a plain module. */
function parseModule(list: SList, source: string): WastModule {
  const line = list.line;
  let index = 1;
  let id: string | undefined;
  let definition: SExpr | undefined;
  const keyword = list.items[1];
  if (keyword !== undefined && keyword.kind === 'atom' && keyword.text === 'definition') {
    definition = keyword;
    index++;
  }
  const name = list.items[index];
  if (name !== undefined && name.kind === 'id') {
    id = name.name;
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
    // Text that is not UTF-8 is malformed, which is what scripts quote it for (annotations.wast):
    // the module is kept, flagged, for its assert_malformed to hold.
    let invalidUtf8 = false;
    const texts = pieces.map((piece) => {
      try {
        return stringTokenText(piece);
      } catch {
        invalidUtf8 = true;
        return '';
      }
    });
    // Quoted text is a module's fields, or a whole `(module …)` (custom_annot.wast quotes one).
    const joined = texts.join(' ');
    const text = /^\s*\(module(?=[\s()]|$)/.test(joined) ? joined : `(module ${joined})`;
    return withId(invalidUtf8 ? { kind: 'quote', text, line, invalidUtf8: true } : { kind: 'quote', text, line });
  }
  if (mode !== undefined && mode.kind === 'atom' && (mode.text === 'definition' || mode.text === 'instance')) {
    return fail(mode.line, `(module … ${mode.text} …) is not supported here`);
  }
  const text = definition === undefined ? source.slice(list.start, list.end) : source.slice(list.start, definition.start) + source.slice(definition.end, list.end);
  return withId({ kind: 'text', text, line });
}

function expectAction(expr: SExpr | undefined, parent: SList): SList {
  if (isList(expr, 'invoke') || isList(expr, 'get')) return expr;
  return fail(expr !== undefined ? expr.line : parent.line, `expected an action (invoke …) or (get …), found ${describe(expr)}`);
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
  const args = list.items.slice(index).map((item) => parseValue(item));
  return module !== undefined ? { kind: 'invoke', module, name, args } : { kind: 'invoke', name, args };
}
