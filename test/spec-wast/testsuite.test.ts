import { describeWithHostWasm } from '../support/host-wasm.js';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { encodeUtf8, parseWast, type WastCommand, type WastCommandKind } from '../../src/spec/wast/index.js';
import { readWast, wastFiles } from './support.js';

interface Form {
  head: string;
  start: number;
  end: number;
  /** The first list nested directly inside this one, if any. */
  firstChild?: Form;
}

/**
 * An independent, character-level scan of a script: skips comments and strings, balances
 * parentheses, and returns each top-level form with its head word and span (and the same for
 * its first nested list). Deliberately shares no code with the parser under test.
 */
function scanTopLevel(source: string): Form[] {
  const forms: Form[] = [];
  const open: Form[] = [];
  let headPending = false;
  const seen = (): void => {
    headPending = false;
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ';' && source[i + 1] === ';') {
      const nl = source.indexOf('\n', i);
      i = nl < 0 ? source.length : nl + 1;
    } else if (c === '(' && source[i + 1] === ';') {
      let depth = 0;
      do {
        if (source.startsWith('(;', i)) {
          depth++;
          i += 2;
        } else if (source.startsWith(';)', i)) {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0);
    } else if (c === '"') {
      seen();
      i++;
      while (source[i] !== '"') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      seen();
      const form: Form = { head: '', start: i, end: -1 };
      const parent = open[open.length - 1];
      if (parent !== undefined && parent.firstChild === undefined) parent.firstChild = form;
      open.push(form);
      headPending = true;
      i++;
    } else if (!/\s/.test(c) && c !== ')') {
      // A word: the head if it comes first in its list (comments may precede it).
      const word = /^[^\s()";]+/.exec(source.slice(i, i + 200))![0];
      if (headPending) open[open.length - 1]!.head = word;
      seen();
      i += word.length;
    } else if (c === ')') {
      const form = open.pop()!;
      form.end = i + 1;
      if (open.length === 0) forms.push(form);
      seen();
      i++;
    } else i++;
  }
  expect(open).toHaveLength(0);
  return forms;
}

const HEAD_KIND: Record<string, WastCommandKind> = {
  module: 'module',
  register: 'register',
  invoke: 'action',
  get: 'action',
  assert_return: 'assert_return',
  assert_exhaustion: 'assert_exhaustion',
  assert_invalid: 'assert_invalid',
  assert_malformed: 'assert_malformed',
  assert_unlinkable: 'assert_unlinkable',
  assert_uninstantiable: 'assert_uninstantiable',
};

function expectedKind(form: Form): WastCommandKind {
  if (form.head === 'assert_trap') return form.firstChild?.head === 'module' ? 'assert_trap_module' : 'assert_trap';
  const kind = HEAD_KIND[form.head];
  if (kind === undefined) throw new Error(`unexpected top-level form (${form.head} …)`);
  return kind;
}

function countKinds(kinds: WastCommandKind[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of kinds) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

const files = wastFiles();
const parsed = new Map<string, WastCommand[]>();
function commandsOf(file: string): WastCommand[] {
  let cmds = parsed.get(file);
  if (cmds === undefined) {
    cmds = parseWast(readWast(file));
    parsed.set(file, cmds);
  }
  return cmds;
}

describe('the whole spec testsuite', () => {
  it('has the expected files', () => {
    expect(files.length).toBeGreaterThanOrEqual(90);
    expect(files).toContain('names.wast');
    expect(files.filter((f) => f.startsWith('proposals/')).length).toBeGreaterThan(0);
  });

  it.each(files)('%s parses, with one command per top-level form of the right kind and span', (file) => {
    const source = readWast(file);
    const cmds = commandsOf(file);
    expect(cmds.length).toBeGreaterThan(0);
    const forms = scanTopLevel(source);

    if (file === 'inline-module.wast') {
      // Bare module fields: the whole script is one module.
      expect(forms.map((f) => f.head)).toEqual(['func', 'memory', 'func']);
      expect(cmds.map((c) => c.kind)).toEqual(['module']);
      return;
    }

    expect(countKinds(cmds.map((c) => c.kind))).toEqual(countKinds(forms.map(expectedKind)));
    expect(cmds).toHaveLength(forms.length);
    const lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
    const lineOf = (offset: number): number => {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    };

    cmds.forEach((cmd, index) => {
      const form = forms[index]!;
      const where = `${file}:${cmd.line}`;
      expect(cmd.kind, where).toBe(expectedKind(form));
      expect(cmd.line, where).toBe(lineOf(form.start));
      if (!('module' in cmd) || typeof cmd.module !== 'object') return;
      const module = cmd.module;
      const moduleForm = cmd.kind === 'module' ? form : form.firstChild!;
      expect(module.line, where).toBe(lineOf(moduleForm.start));
      const span = source.slice(moduleForm.start, moduleForm.end);
      if (module.kind === 'text') {
        expect(module.text, where).toBe(span);
      } else if (module.kind === 'binary') {
        expect(span, where).toMatch(/^\(module\s+(\$\S+\s+)?binary[\s"]/);
      } else {
        expect(span, where).toMatch(/^\(module\s+(\$\S+\s+)?quote[\s"]/);
        expect(module.text.startsWith('(module ') && module.text.endsWith(')'), where).toBe(true);
      }
      if (module.kind !== 'binary') expect(module.id, where).toBe(/^\(module\s+\$([^\s()]+)/.exec(span)?.[1]);
    });
  });

  it('has consistent totals', () => {
    const totals: Record<string, number> = {};
    for (const file of files) for (const cmd of commandsOf(file)) totals[cmd.kind] = (totals[cmd.kind] ?? 0) + 1;
    // Lower bounds from `grep -c` of the distinctive heads over the suite (at line starts).
    expect(totals.assert_return).toBeGreaterThan(20000);
    expect(totals.module).toBeGreaterThan(600);
    expect(totals.assert_invalid).toBeGreaterThan(500);
    expect(totals.assert_malformed).toBeGreaterThan(500);
    expect(totals.assert_trap).toBeGreaterThan(1000);
    expect(totals.assert_trap_module).toBeGreaterThan(0);
    expect(totals.assert_exhaustion).toBeGreaterThan(0);
    expect(totals.assert_unlinkable).toBeGreaterThan(0);
    expect(totals.register).toBeGreaterThan(0);
    expect(totals.action).toBeGreaterThan(0);
  });

  it('every valid binary module starts with the wasm magic and version', () => {
    let count = 0;
    for (const file of files) {
      for (const cmd of commandsOf(file)) {
        if (cmd.kind === 'module' && cmd.module.kind === 'binary') {
          expect(Array.from(cmd.module.bytes.subarray(0, 8)), `${file}:${cmd.line}`).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(50);
  });
});


// wabt is itself WebAssembly, so this cross-check needs a host engine (absent under --jitless).
describeWithHostWasm('modules handed to wabt', () => {
  it('every module command (text, quote or binary) is accepted by wabt', async () => {
    const wabt = await wabtInit();
    const features = {
      bulk_memory: true,
      reference_types: true,
      tail_call: true,
      extended_const: true,
      multi_value: true,
      sign_extension: true,
      sat_float_to_int: true,
      mutable_globals: true,
    };
    let accepted = 0;
    for (const file of files) {
      // wabt's validator does not implement extended constant expressions yet.
      const validate = !file.startsWith('proposals/extended-const/');
      for (const cmd of commandsOf(file)) {
        if (cmd.kind !== 'module') continue;
        const { module } = cmd;
        const where = `${file}:${cmd.line}`;
        try {
          // wabt mis-encodes non-ASCII JS strings, so hand it UTF-8 bytes.
          const mod =
            module.kind === 'binary'
              ? wabt.readWasm(module.bytes, { check: validate, ...features })
              : wabt.parseWat(`${file}.wat`, encodeUtf8(module.text), features);
          if (module.kind !== 'binary') mod.resolveNames();
          if (validate) mod.validate();
          mod.destroy();
        } catch (e) {
          throw new Error(`${where}: ${String(e)}`);
        }
        accepted++;
      }
    }
    expect(accepted).toBeGreaterThan(600);
  }, 120_000);
});
