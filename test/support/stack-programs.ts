/**
 * Random rWasm stack programs for comparing the two engines: straight runs of stack traffic
 * (local.get/set/tee at every legal depth, constants, i32 and i64 ALU, selects, drops, bulk
 * pushes and drops, memory and globals, native i64 snippet calls), forward branches around
 * balanced stretches, compare-and-branch, fuel checks, and a loop around it all. Every program
 * is valid by construction (heights are tracked), so the engines must agree on everything.
 */
import fc from 'fast-check';
import { RwasmModule, assemble, ins, label, to, type AsmItem } from '../../src/index.js';
import { i64Sequence, type I64SequenceName } from '../../src/format/i64-sequences.js';

export type Item =
  | { k: 'get'; d: number }
  | { k: 'set'; d: number }
  | { k: 'tee'; d: number }
  | { k: 'const'; v: number }
  | { k: 'bin'; op: BinName }
  | { k: 'un'; op: UnName }
  | { k: 'select' }
  | { k: 'drop' }
  | { k: 'bulkDrop'; n: number }
  | { k: 'bulkConst'; n: number }
  | { k: 'load'; op: LoadName; offset: number }
  | { k: 'store'; op: StoreName; offset: number }
  | { k: 'globalGet'; g: number }
  | { k: 'globalSet'; g: number }
  | { k: 'wide'; op: 'I32Mul64' | 'I32Add64' }
  | { k: 'snippet'; name: SnippetName }
  | { k: 'inline'; name: InlineName }
  | { k: 'fuel'; c: number }
  | { k: 'skip'; eqz: boolean; body: Item[] }
  // instructions as they are (for directed tests, which give the final height themselves)
  | { k: 'asm'; code: readonly AsmItem[] };

export const BINARY = [
  'I32Add', 'I32Sub', 'I32Mul', 'I32And', 'I32Or', 'I32Xor', 'I32Shl', 'I32ShrS', 'I32ShrU', 'I32Rotl', 'I32Rotr',
  'I32Eq', 'I32Ne', 'I32LtS', 'I32LtU', 'I32GtS', 'I32GtU', 'I32LeS', 'I32LeU', 'I32GeS', 'I32GeU',
  'I32DivS', 'I32DivU', 'I32RemS', 'I32RemU',
] as const;
export type BinName = (typeof BINARY)[number];
const UNARY = ['I32Eqz', 'I32Clz', 'I32Ctz', 'I32Popcnt', 'I32Extend8S', 'I32Extend16S', 'I32WrapI64'] as const;
type UnName = (typeof UNARY)[number];
const LOADS = ['I32Load', 'I32Load8S', 'I32Load8U', 'I32Load16S', 'I32Load16U'] as const;
type LoadName = (typeof LOADS)[number];
const STORES = ['I32Store', 'I32Store8', 'I32Store16'] as const;
type StoreName = (typeof STORES)[number];
export const SNIPPETS = ['add', 'sub', 'mul', 'shl', 'shrS', 'shrU', 'rotl', 'rotr', 'eq', 'ne', 'ltS', 'ltU', 'gtS', 'gtU', 'leS', 'leU', 'geS', 'geU', 'divS', 'divU', 'remS', 'remU'] as const;
export type SnippetName = (typeof SNIPPETS)[number];
// The i64 sequences the compiler emits in place (codeSnippets off, and always for and/or/xor/eq/ne).
export const INLINE = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'eq', 'ne'] as const;
export type InlineName = (typeof INLINE)[number];
const INLINE_RESULT_WORDS: Record<InlineName, number> = { add: 2, sub: 2, mul: 2, and: 2, or: 2, xor: 2, eq: 1, ne: 1 };
const SNIPPET_RESULT_WORDS = Object.fromEntries(SNIPPETS.map((name) => [name, ['add', 'sub', 'mul', 'shl', 'shrS', 'shrU', 'rotl', 'rotr', 'divS', 'divU', 'remS', 'remU'].includes(name) ? 2 : 1])) as Record<SnippetName, number>;
// Operand words that meet the special forms: shift counts around 32 and 64, identities, signs.
const I64_WORDS = [0, 1, -1, 31, 32, 33, 63, 64, 96, 17, 0x7fffffff, -0x80000000];

/** A stretch of items starting at height `h`; `balanced` ones end where they started. */
function stretch(h: number, budget: number, balanced: boolean, depth: number, i64: boolean): fc.Arbitrary<Item[]> {
  return fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: budget }).chain((picks) => buildItems(picks, h, balanced, depth, i64));
}

/**
 * Items from a list of random picks: each pick chooses an operation valid at the current height
 * (the choice and its operands come from the pick's digits, so shrinking shortens programs).
 */
function buildItems(picks: number[], start: number, balanced: boolean, depth: number, i64: boolean): fc.Arbitrary<Item[]> {
  const items: Item[] = [];
  const nested: Array<{ at: number; h: number }> = [];
  let h = start;
  for (const pick of picks) {
    const choose = (n: number, salt = 1) => Math.floor(pick / salt) % n;
    // With the i64 focus, half the picks are i64 operations (the rest keeps their results moving).
    const kind = i64 && pick % 2 === 0 ? 18 : choose(20);
    if (kind <= 3 && h >= 1) items.push({ k: 'get', d: 1 + choose(h, 7) }), h++;
    else if (kind === 4 && h >= 2) {
      // Now and then the same local.set twice: how two-word results are stored.
      const d = 1 + choose(h - 1, 7);
      items.push({ k: 'set', d });
      h--;
      if (choose(3, 11) === 0 && h >= 2 && d <= h - 1) items.push({ k: 'set', d }), h--;
    }
    else if (kind === 5 && h >= 1) items.push({ k: 'tee', d: 1 + choose(h, 7) });
    else if (kind <= 7) items.push({ k: 'const', v: [0, 1, -1, 3, 8, 16, 24, 31, 32, 0x7fffffff, -0x80000000, 255, (pick * 2654435761) | 0][choose(13, 3)]! }), h++;
    else if (kind <= 9 && h >= 2) items.push({ k: 'bin', op: BINARY[choose(BINARY.length, 3)]! }), h--;
    else if (kind === 10 && h >= 1) items.push({ k: 'un', op: UNARY[choose(UNARY.length, 3)]! });
    else if (kind === 11 && h >= 3) items.push({ k: 'select' }), (h -= 2);
    else if (kind === 12 && h >= 1) {
      if (choose(2, 3) === 0) items.push({ k: 'drop' }), h--;
      else {
        const n = choose(Math.min(h, 4) + 1, 5);
        items.push({ k: 'bulkDrop', n });
        h -= n;
      }
    } else if (kind === 13) {
      const n = choose(4, 3);
      items.push({ k: 'bulkConst', n });
      h += n;
    } else if (kind === 14 && h >= 1) items.push({ k: 'load', op: LOADS[choose(LOADS.length, 3)]!, offset: choose(3, 11) * 4 });
    else if (kind === 15 && h >= 2) items.push({ k: 'store', op: STORES[choose(STORES.length, 3)]!, offset: choose(3, 11) * 4 }), (h -= 2);
    else if (kind === 16) {
      if (choose(2, 3) === 0 || h < 1) items.push({ k: 'globalGet', g: choose(3, 5) }), h++;
      else items.push({ k: 'globalSet', g: choose(3, 5) }), h--;
    } else if (kind === 17 && h >= 2) items.push({ k: 'wide', op: choose(2, 3) === 0 ? 'I32Mul64' : 'I32Add64' });
    else if (kind === 18 && h >= 1) {
      // Mostly on operands fetched from deeper slots, as compiled code has them, or constants
      // (shift counts, zero-extensions); now and then on what the stack already holds.
      const setup = h < 4 ? 1 + choose(5, 29) : choose(6, 29);
      for (let k = 0; setup > 0 && k < 4; k++) {
        const constant = setup === 4 || (setup === 2 && k >= 2) || (setup === 3 && k < 2) || (setup === 5 && k >= 2);
        const word = Math.floor(pick / 5 ** k);
        if (constant) items.push({ k: 'const', v: I64_WORDS[word % I64_WORDS.length]! });
        else items.push({ k: 'get', d: setup === 5 && k === 1 ? 1 : 1 + (word % h) });
        h++;
      }
      if (choose(2, 23) === 0) {
        const name = SNIPPETS[choose(SNIPPETS.length, 3)]!;
        items.push({ k: 'snippet', name });
        h += SNIPPET_RESULT_WORDS[name] - 4;
      } else {
        const name = INLINE[choose(INLINE.length, 3)]!;
        items.push({ k: 'inline', name });
        h += INLINE_RESULT_WORDS[name] - 4;
      }
    } else if (kind === 19 && depth < 2 && h >= 1) {
      // condition, then a balanced stretch to skip (filled in below)
      nested.push({ at: items.length, h: h - 1 });
      items.push({ k: 'skip', eqz: choose(2, 3) === 0, body: [] });
      h--;
    } else if (pick % 97 === 0) items.push({ k: 'fuel', c: choose(5, 3) });
    else items.push({ k: 'const', v: pick | 0 }), h++;
  }
  if (balanced) {
    while (h > start) items.push({ k: 'drop' }), h--;
    while (h < start) items.push({ k: 'const', v: h }), h++;
  }
  if (nested.length === 0) return fc.constant(items);
  return fc
    .tuple(...nested.map(({ h: at }) => stretch(at, 8, true, depth + 1, i64)))
    .map((bodies) => {
      bodies.forEach((body, i) => ((items[nested[i]!.at] as Extract<Item, { k: 'skip' }>).body = body));
      return items;
    });
}

export interface StackProgram {
  readonly params: number;
  readonly items: readonly Item[];
  /** Stack height at the end (all of it is returned). */
  readonly resultWords: number;
}

/** Random stack programs; `i64` weighs them towards i64 snippet calls and inline sequences. */
export function stackProgram(options: { i64?: boolean } = {}): fc.Arbitrary<StackProgram> {
  return fc.integer({ min: 0, max: 5 }).chain((params) =>
    stretch(params, 40, false, 0, options.i64 ?? false).map((items) => ({ params, items, resultWords: finalHeight(items, params) })),
  );
}

function finalHeight(items: readonly Item[], h: number): number {
  for (const item of items) {
    switch (item.k) {
      case 'get':
      case 'const':
      case 'globalGet':
        h++;
        break;
      case 'set':
      case 'bin':
      case 'drop':
      case 'globalSet':
      case 'skip':
        h--;
        break;
      case 'select':
        h -= 2;
        break;
      case 'store':
        h -= 2;
        break;
      case 'bulkDrop':
        h -= item.n;
        break;
      case 'bulkConst':
        h += item.n;
        break;
      case 'snippet':
        h += SNIPPET_RESULT_WORDS[item.name] - 4;
        break;
      case 'inline':
        h += INLINE_RESULT_WORDS[item.name] - 4;
        break;
    }
  }
  return h;
}

let skipLabels = 0;

function emit(items: readonly Item[], out: AsmItem[]): void {
  for (const item of items) {
    switch (item.k) {
      case 'get':
        out.push(ins.LocalGet(item.d));
        break;
      case 'set':
        out.push(ins.LocalSet(item.d));
        break;
      case 'tee':
        out.push(ins.LocalTee(item.d));
        break;
      case 'const':
        out.push(ins.I32Const(item.v));
        break;
      case 'bin':
        out.push(ins[item.op]());
        break;
      case 'un':
        out.push(ins[item.op]());
        break;
      case 'select':
        out.push(ins.Select());
        break;
      case 'drop':
        out.push(ins.Drop());
        break;
      case 'bulkDrop':
        out.push(ins.BulkDrop(item.n));
        break;
      case 'bulkConst':
        out.push(ins.BulkConst(item.n));
        break;
      case 'load':
        // Mostly in bounds: the address is masked to the first page (a few still trap at its end).
        out.push(ins.I32Const(0xfff8), ins.I32And(), ins[item.op](item.offset));
        break;
      case 'store':
        out.push(ins.LocalGet(2), ins.I32Const(0xfff8), ins.I32And(), ins.LocalSet(2), ins[item.op](item.offset));
        break;
      case 'globalGet':
        out.push(ins.GlobalGet(item.g));
        break;
      case 'globalSet':
        out.push(ins.GlobalSet(item.g));
        break;
      case 'wide':
        out.push(ins[item.op]());
        break;
      case 'snippet':
        out.push(to.CallInternal(`snippet_${item.name}`));
        break;
      case 'inline': {
        const sequence = i64Sequence(item.name as I64SequenceName);
        sequence.codes.forEach((code, i) => out.push({ opcode: code, imm: sequence.bits[i]! } as AsmItem));
        break;
      }
      case 'fuel':
        out.push(ins.ConsumeFuel(item.c));
        break;
      case 'asm':
        out.push(...item.code);
        break;
      case 'skip': {
        const end = `skip_${skipLabels++}`;
        out.push(item.eqz ? to.BrIfEqz(end) : to.BrIfNez(end));
        emit(item.body, out);
        out.push(label(end));
        break;
      }
    }
  }
}

/** The module: init code (one page) at pc 0, the program at `main`, the snippet functions after it. */
export function stackModule(program: StackProgram): RwasmModule {
  const out: AsmItem[] = [ins.I32Const(1), ins.MemoryGrow(), ins.Drop(), ins.Return(), label('main')];
  emit(program.items, out);
  out.push(ins.Return());
  for (const name of SNIPPETS.filter((name) => usesSnippet(program.items, name))) {
    const sequence = i64Sequence(name as I64SequenceName);
    out.push(label(`snippet_${name}`), ins.StackCheck(sequence.maxStackHeight));
    sequence.codes.forEach((code, i) => out.push({ opcode: code, imm: sequence.bits[i]! } as AsmItem));
    out.push(ins.Return());
  }
  const { code, labels } = assemble(out);
  return new RwasmModule({ code, sourcePc: labels.get('main')! });
}

function usesSnippet(items: readonly Item[], name: SnippetName): boolean {
  return items.some((item) => (item.k === 'snippet' && item.name === name) || (item.k === 'skip' && usesSnippet(item.body, name)));
}
