import { describe, expect, it } from 'vitest';
import { parseWast, tokenize, WastSyntaxError, type WastCommand } from '../../src/spec/wast/index.js';
import { hexBytes, readWast } from './support.js';

function syntaxError(source: string): WastSyntaxError {
  try {
    parseWast(source);
  } catch (e) {
    expect(e).toBeInstanceOf(WastSyntaxError);
    return e as WastSyntaxError;
  }
  throw new Error('expected a WastSyntaxError');
}

describe('modules', () => {
  it('returns the exact source text of a text module, id, comments and Unicode included', () => {
    const text = '(module $m ;; comment )\n  (func (export "é😀") (; ) ;) (result i32) (i32.const 1))\n  (@custom "x" ")")\n)';
    const source = `;; leading\n\n  ${text}   \n(assert_return (invoke $m "é😀") (i32.const 1))`;
    const cmds = parseWast(source);
    expect(cmds).toEqual<WastCommand[]>([
      { kind: 'module', line: 3, module: { kind: 'text', id: 'm', text, line: 3 } },
      {
        kind: 'assert_return',
        line: 7,
        action: { kind: 'invoke', module: 'm', name: 'é😀', args: [] },
        expected: [{ type: 'i32', value: 1 }],
      },
    ]);
  });

  it('gives modules without an id no id property', () => {
    const [cmd] = parseWast('(module)');
    expect(cmd).toEqual({ kind: 'module', line: 1, module: { kind: 'text', text: '(module)', line: 1 } });
    expect(cmd!.kind === 'module' && 'id' in cmd.module).toBe(false);
  });

  it('concatenates the pieces of binary modules (binary.wast)', () => {
    const cmds = parseWast(readWast('binary.wast'));
    const [m0, m1, m2, m3] = cmds;
    for (const cmd of [m0, m1, m2, m3]) {
      if (cmd?.kind !== 'module' || cmd.module.kind !== 'binary') throw new Error('expected binary modules');
      expect(cmd.module.bytes).toBeInstanceOf(Uint8Array);
      expect(cmd.module.bytes.length).toBe(8);
      expect(hexBytes(cmd.module.bytes)).toBe('0061736d01000000');
    }
    expect(cmds.slice(0, 4).map((c) => (c.kind === 'module' ? [c.line, c.module.id] : null))).toEqual([
      [1, undefined],
      [2, undefined],
      [3, 'M1'],
      [4, 'M2'],
    ]);
    expect(cmds[4]).toEqual({
      kind: 'assert_malformed',
      line: 6,
      module: { kind: 'binary', bytes: new Uint8Array(0), line: 6 },
      message: 'unexpected end',
    });
  });

  it('joins quote pieces with spaces inside "(module …)"', () => {
    const [cmd] = parseWast('(assert_malformed\n  (module $q quote "(func" "(export \\"a\\\\62\\")" "\\u{1F600}" "")\n  "unexpected token")');
    expect(cmd).toEqual({
      kind: 'assert_malformed',
      line: 1,
      module: { kind: 'quote', id: 'q', text: '(module (func (export "a\\62") 😀 )', line: 2 },
      message: 'unexpected token',
    });
  });

  it('handles the quote modules of int_literals.wast', () => {
    const cmds = parseWast(readWast('int_literals.wast'));
    const quotes = cmds.filter((c) => c.kind === 'assert_malformed');
    expect(quotes.length).toBeGreaterThan(10);
    for (const cmd of quotes) {
      if (cmd.kind !== 'assert_malformed' || cmd.module.kind !== 'quote') throw new Error('expected quote modules');
      expect(cmd.module.text).toMatch(/^\(module \(global i(32|64) \(i(32|64)\.const [^\s()]+\)\)\)$/);
      expect(cmd.message).toBe('unknown operator');
    }
  });

  it('reads a file of bare module fields as one inline module', () => {
    const source = readWast('inline-module.wast');
    const cmds = parseWast(source);
    expect(cmds).toEqual([{ kind: 'module', line: 1, module: { kind: 'text', text: `(module ${source.trim()})`, line: 1 } }]);
    expect(parseWast('(func)\n;; c\n(memory 1)\n')).toEqual([
      { kind: 'module', line: 1, module: { kind: 'text', text: '(module (func)\n;; c\n(memory 1))', line: 1 } },
    ]);
    expect(syntaxError('(func)\n(assert_return (invoke "f"))').line).toBe(2);
  });
});

describe('commands', () => {
  it('parses registrations and standalone actions', () => {
    const source = '(register "M")\n(register "M2" $m)\n(invoke "f" (i32.const 1))\n(invoke $m "g")\n(get "g")\n(get $M "g")';
    expect(parseWast(source)).toEqual<WastCommand[]>([
      { kind: 'register', line: 1, as: 'M' },
      { kind: 'register', line: 2, as: 'M2', module: 'm' },
      { kind: 'action', line: 3, action: { kind: 'invoke', name: 'f', args: [{ type: 'i32', value: 1 }] } },
      { kind: 'action', line: 4, action: { kind: 'invoke', module: 'm', name: 'g', args: [] } },
      { kind: 'action', line: 5, action: { kind: 'get', name: 'g' } },
      { kind: 'action', line: 6, action: { kind: 'get', module: 'M', name: 'g' } },
    ]);
  });

  it('parses every assertion form', () => {
    const source = [
      '(assert_return (get $G "e") (i32.const 42))',
      '(assert_return (invoke "f"))',
      '(assert_trap (invoke "f" (i64.const 0)) "integer divide by zero")',
      '(assert_trap (module $t (func)) "out of bounds")',
      '(assert_exhaustion (invoke "runaway") "call stack exhausted")',
      '(assert_invalid (module (func (result i32))) "type mismatch")',
      '(assert_malformed (module quote "x") "unknown operator")',
      '(assert_unlinkable (module (import "a" "b" (func))) "unknown import")',
      '(assert_uninstantiable (module binary "\\00asm") "unreachable")',
    ].join('\n');
    expect(parseWast(source)).toEqual<WastCommand[]>([
      { kind: 'assert_return', line: 1, action: { kind: 'get', module: 'G', name: 'e' }, expected: [{ type: 'i32', value: 42 }] },
      { kind: 'assert_return', line: 2, action: { kind: 'invoke', name: 'f', args: [] }, expected: [] },
      {
        kind: 'assert_trap',
        line: 3,
        action: { kind: 'invoke', name: 'f', args: [{ type: 'i64', value: 0n }] },
        message: 'integer divide by zero',
      },
      {
        kind: 'assert_trap_module',
        line: 4,
        module: { kind: 'text', id: 't', text: '(module $t (func))', line: 4 },
        message: 'out of bounds',
      },
      { kind: 'assert_exhaustion', line: 5, action: { kind: 'invoke', name: 'runaway', args: [] }, message: 'call stack exhausted' },
      {
        kind: 'assert_invalid',
        line: 6,
        module: { kind: 'text', text: '(module (func (result i32)))', line: 6 },
        message: 'type mismatch',
      },
      { kind: 'assert_malformed', line: 7, module: { kind: 'quote', text: '(module x)', line: 7 }, message: 'unknown operator' },
      {
        kind: 'assert_unlinkable',
        line: 8,
        module: { kind: 'text', text: '(module (import "a" "b" (func)))', line: 8 },
        message: 'unknown import',
      },
      {
        kind: 'assert_uninstantiable',
        line: 9,
        module: { kind: 'binary', bytes: Uint8Array.of(0, 0x61, 0x73, 0x6d), line: 9 },
        message: 'unreachable',
      },
    ]);
  });

  it('parses reference values and result patterns', () => {
    const source =
      '(assert_return (invoke "r" (ref.null func) (ref.null extern) (ref.extern 3) (ref.extern 0xffff_ffff))\n' +
      '  (ref.null func) (ref.extern 3) (ref.func) (ref.extern)\n' +
      '  (either (i32.const 1) (i32.const 2) (either (f32.const nan:canonical) (ref.null extern))))';
    expect(parseWast(source)).toEqual<WastCommand[]>([
      {
        kind: 'assert_return',
        line: 1,
        action: {
          kind: 'invoke',
          name: 'r',
          args: [
            { type: 'funcref', ref: null },
            { type: 'externref', ref: null },
            { type: 'externref', ref: 3 },
            { type: 'externref', ref: 0xffffffff },
          ],
        },
        expected: [
          { type: 'funcref', ref: null },
          { type: 'externref', ref: 3 },
          { type: 'funcref', ref: 'any' },
          { type: 'externref', ref: 'any' },
          {
            type: 'either',
            options: [
              { type: 'i32', value: 1 },
              { type: 'i32', value: 2 },
              { type: 'either', options: [{ type: 'f32', nan: 'canonical' }, { type: 'externref', ref: null }] },
            ],
          },
        ],
      },
    ]);
  });

  it('skips annotations anywhere outside module text', () => {
    const source = '(@meta "x" (y))\n(assert_return (@a) (invoke (@b z) "f" (@c) (i32.const 1)) (@d) (i32.const 2))';
    expect(parseWast(source)).toEqual([
      {
        kind: 'assert_return',
        line: 2,
        action: { kind: 'invoke', name: 'f', args: [{ type: 'i32', value: 1 }] },
        expected: [{ type: 'i32', value: 2 }],
      },
    ]);
  });

  it('reads the suite\'s real multi-line commands with their first line', () => {
    const cmds = parseWast(readWast('linking.wast'));
    const trapModule = cmds.find((c) => c.kind === 'assert_trap_module');
    expect(trapModule?.line).toBe(243);
    if (trapModule?.kind !== 'assert_trap_module' || trapModule.module.kind !== 'text') throw new Error('unreachable');
    expect(trapModule.module.line).toBe(244);
    expect(trapModule.module.text.startsWith('(module\n    (table (import "Mt" "tab") 0 funcref)')).toBe(true);
    expect(cmds.find((c) => c.kind === 'register')).toEqual({ kind: 'register', line: 7, as: 'Mf', module: 'Mf' });
    expect(cmds.find((c) => c.kind === 'assert_unlinkable')).toMatchObject({ line: 27, message: 'incompatible import type' });
    const exports = parseWast(readWast('exports.wast'));
    expect(exports.filter((c) => c.kind === 'assert_return' && c.action.kind === 'get').map((c) => c.line)).toEqual([89, 90, 93]);
  });
});

describe('names (names.wast)', () => {
  const cmds = parseWast(readWast('names.wast'));
  const invoked = new Map<number, string>();
  for (const cmd of cmds) {
    if (cmd.kind === 'assert_return' && cmd.action.kind === 'invoke') invoked.set(cmd.line, cmd.action.name);
  }

  it('decodes escapes and raw characters in invoke names as UTF-8', () => {
    expect(invoked.get(615)).toBe('');
    expect(invoked.get(619)).toBe('$');
    expect(invoked.get(621)).toBe('~!@#$%^&*()_+`-={}|[]\\:";\'<>?,./ ');
    expect(invoked.get(630)).toBe('\uFEFF');
    expect(invoked.get(637)).toBe('\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f');
    expect(invoked.get(639)).toBe(' \x7f');
    expect(invoked.get(640)).toBe(Array.from({ length: 16 }, (_, i) => String.fromCharCode(0x80 + i)).join(''));
    expect(invoked.get(643)).toBe('\ufff8\ufff9\ufffa\ufffb\ufffc\ufffd\ufffe\uffff');
    expect(invoked.get(671)).toBe('\r\n');
    expect(invoked.get(1016)).toBe('𝪋𝪤');
  });

  it('every invoked name is exported by the big module and returns that export\'s constant', () => {
    const big = cmds.find((c) => c.kind === 'module' && c.module.kind === 'text' && c.module.text.includes('(export "~!@#$%^&*()_+'));
    if (big?.kind !== 'module' || big.module.kind !== 'text') throw new Error('module not found');
    // (func (export "NAME") (result i32) (i32.const N)): read the export names with the lexer.
    const tokens = tokenize(big.module.text);
    const exported = new Map<string, number>();
    for (let i = 0; i + 10 < tokens.length; i++) {
      const [a, b, c, d] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]];
      if (a?.kind === 'atom' && a.text === 'func' && b?.kind === 'lparen' && c?.kind === 'atom' && c.text === 'export' && d?.kind === 'string') {
        const value = tokens[i + 11];
        if (value?.kind === 'atom') exported.set(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(d.bytes), Number(value.text));
      }
    }
    expect(exported.size).toBe(479);
    let matched = 0;
    for (const cmd of cmds) {
      if (cmd.kind !== 'assert_return' || cmd.action.kind !== 'invoke' || cmd.line < 600 || cmd.expected.length !== 1) continue;
      const [expected] = cmd.expected;
      expect(exported.get(cmd.action.name), `names.wast:${cmd.line}`).toBe(expected?.type === 'i32' ? expected.value : NaN);
      matched++;
    }
    expect(matched).toBe(479);
  });
});

describe('errors', () => {
  it('throws WastSyntaxError with the line number in the message', () => {
    const cases: [string, number, RegExp][] = [
      ['(module)\n(assert_fancy (invoke "f"))', 2, /unknown command "assert_fancy"/],
      ['(module)\n\n(assert_trap (invoke "f"))', 3, /failure message/],
      ['(assert_invalid\n  (invoke "f") "x")', 2, /expected \(module …\)/],
      ['(assert_return (invoke "f") (i32.const 1)\n  "extra")', 2, /expected a constant/],
      ['(assert_trap (invoke "f") "msg" "more")', 1, /too many items in \(assert_trap …\): a string/],
      ['(register "a" $m $n)', 1, /too many items in \(register …\): \$n/],
      ['(register $m)', 1, /registration name/],
      ['\n(invoke)', 2, /export name/],
      ['(invoke "f" (v128.const i32x4 0 0 0))', 1, /needs 4 lanes, found 3/],
      ['(invoke "f" (v128.const i8x8 0))', 1, /lane shape/],
      ['(invoke "f" (ref.null fnuc))', 1, /expected a heap type/],
      ['(invoke "f" (ref.null))', 1, /only allowed in an expected result/],
      ['(invoke "f" (ref.struct))', 1, /only allowed in an expected result/],
      ['(invoke "f" (ref.func))', 1, /ref.func/],
      ['(invoke "f" (ref.extern))', 1, /only allowed in an expected result/],
      ['(invoke "f" (ref.extern -1))', 1, /malformed u32/],
      ['(invoke "\\ff")', 1, /not valid UTF-8/],
      ['(module instance $i $d $e)', 1, /too many items in \(module …\): \$e/],
      ['(module binary "a" b)', 1, /binary module piece/],
      ['(module quote "a" b)', 1, /quote module piece/],
      ['"just a string"', 1, /expected a command/],
      ['()', 1, /expected a command/],
      ['(module\n  (func)\n', 1, /unclosed/],
      ['(module)\n(assert_return (invoke "f") (either))', 2, /either/],
      ['x', 1, /expected a command/],
    ];
    for (const [source, line, pattern] of cases) {
      const err = syntaxError(source);
      expect(err.line, source).toBe(line);
      expect(err.message, source).toMatch(new RegExp(`^line ${line}: `));
      expect(err.message, source).toMatch(pattern);
      expect(err.name).toBe('WastSyntaxError');
    }
  });
});
