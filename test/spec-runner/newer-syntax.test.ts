/**
 * Newer testsuite syntax: what the script parser reads (reserved tokens in annotations, GC and
 * SIMD constants, module definitions and instances, exceptions, custom annotations, quoted text
 * that is not UTF-8 or is a whole module), and the text parser `rwasm spec` prefers reading what
 * wabt cannot: `(ref.null func)` in select (upstream select.wast) and the typed function
 * reference table of upstream br_table.wast. Self-made snippets reproduce the constructs.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { loadWat2Wasm, type WatParser } from '../../src/cli/wabt.js';
import { describeWasmToolsError, escapeNonAsciiStrings, loadWasmToolsParser } from '../../src/cli/wasm-tools.js';
import { runWastFile, type TextModuleParser } from '../../src/spec/suite.js';
import { parseWast, tokenize, WastSyntaxError, type WastCommand } from '../../src/spec/wast/index.js';
import { runCli } from '../support/cli.js';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const one = (source: string): WastCommand => {
  const commands = parseWast(source);
  expect(commands).toHaveLength(1);
  return commands[0]!;
};

describe('the script parser reads newer testsuite syntax', () => {
  it('annotations may hold reserved tokens (idchars, strings and ,;[]{} unseparated); outside them these stay errors', () => {
    const text = '(module\n  (@a x-y$yz"aa"-2)\n  (@a , ; ] [ }} }x{ ({) ,{{};}] ;)\n  (@a @ @x (@x) (@) (@ x) (@(@(@(@)))))\n  (@a x")"y "(")\n  (func))';
    expect(one(text)).toEqual({ kind: 'module', line: 1, module: { kind: 'text', text, line: 1 } });
    for (const bad of ['(module) , ', '(invoke "a""b")', '(module (@))']) expect(() => parseWast(bad), bad).toThrow(WastSyntaxError);
    expect(tokenize('(@a x")"y)').map((t) => t.kind)).toEqual(['annot', 'atom', 'string', 'atom', 'rparen']);
  });

  it('reads reference constants of every heap type, bare (ref.null) and the GC result patterns', () => {
    const command = one(
      '(assert_return (invoke "f" (ref.null nofunc) (ref.null noextern) (ref.null any) (ref.null $t) (ref.null 3) (ref.host 7))\n' +
        '  (ref.null) (ref.null none) (ref.struct) (ref.array) (ref.i31) (ref.eq) (ref.any) (ref.exn) (ref.host 1) (ref.host) (ref.func))',
    );
    expect(command).toEqual({
      kind: 'assert_return',
      line: 1,
      action: {
        kind: 'invoke',
        name: 'f',
        args: [
          { type: 'funcref', ref: null },
          { type: 'externref', ref: null },
          { type: 'ref', heap: 'any', ref: null },
          { type: 'ref', heap: '$t', ref: null },
          { type: 'ref', heap: '3', ref: null },
          { type: 'ref', heap: 'host', ref: 7 },
        ],
      },
      expected: [
        { type: 'ref', ref: null },
        { type: 'ref', heap: 'none', ref: null },
        ...['struct', 'array', 'i31', 'eq', 'any', 'exn'].map((heap) => ({ type: 'ref', heap, ref: 'any' })),
        { type: 'ref', heap: 'host', ref: 1 },
        { type: 'ref', heap: 'host', ref: 'any' },
        { type: 'funcref', ref: 'any' },
      ],
    });
  });

  it('reads v128 constants: arguments as their 128 bits, results by lane with NaN patterns', () => {
    const command = one(
      '(assert_return (invoke "v" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1) (v128.const i64x2 -1 0x1234))\n' +
        '  (v128.const f32x4 nan:canonical -0 0x1p-149 nan:arithmetic) (v128.const i16x8 1 2 3 4 5 6 7 0xffff))',
    );
    if (command.kind !== 'assert_return' || command.action.kind !== 'invoke') throw new Error('not an assert_return');
    expect(command.action.args).toEqual([
      { type: 'v128', bits: 0xff0e0d0c0b0a09080706050403020100n },
      { type: 'v128', bits: 0x0000000000001234ffffffffffffffffn },
    ]);
    expect(command.expected).toEqual([
      { type: 'v128', shape: 'f32x4', lanes: ['nan:canonical', 0x80000000n, 1n, 'nan:arithmetic'] },
      { type: 'v128', shape: 'i16x8', lanes: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 0xffffn] },
    ]);
    expect(() => parseWast('(invoke "v" (v128.const f32x4 nan:canonical 0 0 0))')).toThrow(/only allowed in an expected result/);
    expect(() => parseWast('(invoke "v" (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))')).toThrow(/out of range/);
  });

  it('reads module definitions and instances, assert_exception and the custom-annotation assertions', () => {
    const commands = parseWast(
      '(module definition $M (func (export "f")))\n(module instance $I $M)\n(module instance $M)\n(module definition binary "\\00asm\\01\\00\\00\\00")\n' +
        '(assert_exception (invoke $I "f"))\n(assert_malformed_custom (module quote "(@custom)") "missing")\n(assert_invalid_custom (module) "target")',
    );
    expect(commands).toEqual([
      { kind: 'module_definition', line: 1, module: { kind: 'text', id: 'M', text: '(module  $M (func (export "f")))', line: 1 } },
      { kind: 'module_instance', line: 2, instance: 'I', definition: 'M' },
      { kind: 'module_instance', line: 3, definition: 'M' },
      { kind: 'module_definition', line: 4, module: { kind: 'binary', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), line: 4 } },
      { kind: 'assert_exception', line: 5, action: { kind: 'invoke', module: 'I', name: 'f', args: [] } },
      { kind: 'assert_malformed_custom', line: 6, module: { kind: 'quote', text: '(module (@custom))', line: 6 }, message: 'missing' },
      { kind: 'assert_invalid_custom', line: 7, module: { kind: 'text', text: '(module)', line: 7 }, message: 'target' },
    ]);
  });

  it('keeps a quoted module whose text is not UTF-8 (flagged), and a quoted whole module as it is', () => {
    expect(one('(assert_malformed (module quote "(@a \\80)") "malformed UTF-8 encoding")')).toMatchObject({ module: { kind: 'quote', invalidUtf8: true } });
    expect(one('(module quote "(module (@custom \\"bla\\"))")')).toMatchObject({ module: { kind: 'quote', text: '(module (@custom "bla"))' } });
    expect(one('(module quote "(func)")')).toMatchObject({ module: { kind: 'quote', text: '(module (func))' } });
  });
});

describe('wasm-tools helpers', () => {
  it('hands non-ASCII strings over as \\hh escapes, the same bytes', () => {
    expect(escapeNonAsciiStrings('(module (func (export "a\u202eb")))')).toBe('(module (func (export "\\61\\e2\\80\\ae\\62")))');
    expect(escapeNonAsciiStrings('(module (func (export "ascii")))')).toBe('(module (func (export "ascii")))');
  });

  it("turns wasm-tools' debug-printed errors into file:line:column: error: message", () => {
    const message = 'Error { kind: Wast(Error { inner: ErrorInner { text: Some(Text { line: 2, col: 8, snippet: "  (func $f))" }), file: None, span: Span { offset: 28 }, kind: Custom("duplicate func identifier") } }) }';
    expect(describeWasmToolsError(message)).toBe('module.wat:3:9: error: duplicate func identifier');
  });
});

const SELECT_REF_NULL = `(module
  (func $tf)
  (elem declare func $tf)
  (func (export "join-funcnull") (param i32) (result (ref null func))
    (select (result (ref null func)) (ref.func $tf) (ref.null func) (local.get 0))))
(assert_return (invoke "join-funcnull" (i32.const 1)) (ref.func))
(assert_return (invoke "join-funcnull" (i32.const 0)) (ref.null))
`;

/** upstream br_table.wast's construct: a table of a typed function reference type. */
const TYPED_FUNCTION_REFERENCE_TABLE = '(module (type $t (func)) (func $tf) (table $t (ref null $t) (elem $tf)))';

describeWithHostWasm('running newer syntax with wasm-tools', () => {
  let wasmTools: TextModuleParser;
  let wabt: WatParser;
  beforeAll(async () => {
    wasmTools = await loadWasmToolsParser();
    wabt = await loadWat2Wasm();
  });

  it('select with (ref.null func), and a bare (ref.null) result, pass (upstream select.wast)', async () => {
    expect(await runWastFile('select.wast', SELECT_REF_NULL, wasmTools)).toMatchObject({ passed: 3, failed: 0 });
  });

  it('the typed function reference table wabt fails on is read, and then refused by our decoder (rWasm has no typed references)', async () => {
    expect(() => wabt(TYPED_FUNCTION_REFERENCE_TABLE)).toThrow(/expected a natural number|unexpected token/);
    expect((await wasmTools(TYPED_FUNCTION_REFERENCE_TABLE))[0]).toBe(0);
    const result = await runWastFile('br_table.wast', TYPED_FUNCTION_REFERENCE_TABLE, wasmTools);
    expect(result.cases).toEqual([{ line: 1, kind: 'module', status: 'failed', detail: expect.stringMatching(/^unexpected RwasmError: malformed reference type/) }]);
  });

  it('module definitions are validated and instantiated by name or as the last one', async () => {
    const source = `(module definition $M (global $g (mut i32) (i32.const 1)) (func (export "inc") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
(module instance $I1 $M)
(module instance $I2 $M)
(assert_return (invoke $I1 "inc") (i32.const 2))
(assert_return (invoke $I1 "inc") (i32.const 3))
(assert_return (invoke $I2 "inc") (i32.const 2))
(module instance $M)
(assert_return (invoke "inc") (i32.const 2))
(module definition (memory 65536))
(module definition (func (result i32)))
(module instance $Nowhere)
`;
    const result = await runWastFile('instance.wast', source, wasmTools);
    expect(result.cases.map((c) => [c.line, c.kind, c.status])).toEqual([
      [1, 'module_definition', 'passed'],
      [2, 'module_instance', 'passed'],
      [3, 'module_instance', 'passed'],
      [4, 'assert_return', 'passed'],
      [5, 'assert_return', 'passed'],
      [6, 'assert_return', 'passed'],
      [7, 'module_instance', 'passed'],
      [8, 'assert_return', 'passed'],
      [9, 'module_definition', 'passed'],
      [10, 'module_definition', 'failed'],
      [11, 'module_instance', 'failed'],
    ]);
  });

  it('a quoted module that is not UTF-8 is malformed; names that wasm-tools finds confusing are read through escapes', async () => {
    const source = '(assert_malformed (module quote "(@a \\80)") "malformed UTF-8 encoding")\n(module (func (export "\u202e\u200b") (result i32) (i32.const 5)))\n(assert_return (invoke "\u202e\u200b") (i32.const 5))\n';
    expect(await runWastFile('names.wast', source, wasmTools)).toMatchObject({ passed: 3, failed: 0 });
  });

  it('rwasm spec --text-parser wabt still runs with wabt, and --verbose names the parser', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-spec-parsers-'));
    writeFileSync(join(dir, 'select.wast'), SELECT_REF_NULL);
    const withWasmTools = await runCli({}, 'spec', dir, '--verbose');
    expect(withWasmTools.out.split('\n').slice(0, 2)).toEqual(['text parser: wasm-tools', 'select.wast: 3 passed, 0 failed, 0 skipped']);
    const withWabt = await runCli({}, 'spec', dir, '--text-parser', 'wabt', '--verbose');
    expect(withWabt.out).toMatch(/^text parser: wabt\nselect\.wast: 0 passed, 3 failed, 0 skipped\n/);
    expect((await runCli({}, 'spec', dir, '--text-parser', 'binaryen')).err).toMatch(/^rwasm: spec: --text-parser is one of auto, wasm-tools, wabt, not binaryen\n$/);
  }, 60_000);
});
