/**
 * Where rwasm-ts may differ from V8 on a fuzz module, and why: each entry is the reference's
 * behaviour (which rwasm-ts reproduces on purpose), with the place in its source, and a test of
 * whether a difference is that one. A difference no entry explains fails the fuzz run.
 */
import { readLocals } from '../../src/compiler/wasm/locals.js';
import { parseModule, type WasmModule } from '../../src/compiler/wasm/module.js';
import { Immediates, Wasm, readOperator } from '../../src/compiler/wasm/operators.js';
import { WasmReader } from '../../src/compiler/wasm/reader.js';

/** The first line where the logs differ. */
export interface Difference {
  readonly line: number;
  readonly v8: string;
  readonly ours: string;
  /** Where our line is a trap: the opcode it stopped at. */
  readonly oursTrapOpcode?: string | undefined;
  /** Where V8's line is a trap: the operator its stack trace points at. */
  readonly v8TrapOperator?: string | undefined;
}

export interface KnownDifference {
  readonly id: string;
  /** The reference's behaviour and where its source has it. */
  readonly reference: string;
  readonly explains: (facts: ModuleFacts, difference: Difference) => boolean;
}

/** What the classifiers need to know of a module, read once. */
export interface ModuleFacts {
  /**
   * Some `memory.init` names a segment that is, or may be, dropped when it runs and that the
   * reference records at a non-zero offset: an active segment (dropped at instantiation) with a
   * non-zero destination, or a passive one (where some code has `data.drop`) that does not start
   * the shared data section.
   */
  readonly initsDroppedDataAtOffset: boolean;
  /** The same for `table.init` and element segments. */
  readonly initsDroppedElementsAtOffset: boolean;
  /** Some code has both `data.drop` and `memory.init`. */
  readonly dropsAndInitsData: boolean;
  /** Some code has both `elem.drop` and `table.init`. */
  readonly dropsAndInitsElements: boolean;
  /**
   * Whether the engines agree on the module once binaryen's `--denan` has made every NaN a float
   * operation produces 0 (asked only of a module that differs; undefined: not asked).
   */
  readonly agreesWithoutNans?: boolean | undefined;
}

const I32_CONST = 0x41;

/** A constant offset expression's value (an offset built any other way counts as unknown: non-zero). */
function constantOffset(expr: { ops: readonly { op: number; a: number }[] } | undefined): number {
  if (expr?.ops.length === 1 && expr.ops[0]!.op === I32_CONST) return expr.ops[0]!.a;
  return -1;
}

interface Segment {
  readonly mode: string;
  readonly offset?: { ops: readonly { op: number; a: number }[] } | undefined;
}

function sectionPositions(lengths: readonly number[]): number[] {
  let position = 0;
  return lengths.map((length) => {
    const start = position;
    position += length;
    return start;
  });
}

export function moduleFacts(bytes: Uint8Array): ModuleFacts {
  const wasm: WasmModule = parseModule(bytes);
  const dataInits = new Set<number>();
  const elemInits = new Set<number>();
  let dataDrops = false;
  let elemDrops = false;
  const imm = new Immediates();
  wasm.bodies.forEach((body, i) => {
    const type = wasm.types[wasm.functions[wasm.importedFunctions + i]!]!;
    const reader = new WasmReader(bytes, body.start, body.end);
    readLocals(reader, type.params);
    while (reader.pos < body.end) {
      const op = readOperator(reader, imm);
      if (op === Wasm.MemoryInit) dataInits.add(imm.a);
      else if (op === Wasm.TableInit) elemInits.add(imm.a);
      else if (op === Wasm.DataDrop) dataDrops = true;
      else if (op === Wasm.ElemDrop) elemDrops = true;
    }
  });
  // The reference appends every segment to one shared section in index order.
  const dataPositions = sectionPositions(wasm.datas.map((d) => d.bytes.length));
  const elemPositions = sectionPositions(wasm.elements.map((e) => (e.mode === 'declared' ? 0 : e.items.length)));
  const droppedAtOffset = (segment: Segment | undefined, position: number, drops: boolean) =>
    segment !== undefined &&
    (segment.mode === 'active' ? constantOffset(segment.offset) !== 0 : segment.mode === 'passive' && drops && position !== 0);
  return {
    initsDroppedDataAtOffset: [...dataInits].some((s) => droppedAtOffset(wasm.datas[s], dataPositions[s] ?? 0, dataDrops)),
    initsDroppedElementsAtOffset: [...elemInits].some((s) => droppedAtOffset(wasm.elements[s], elemPositions[s] ?? 0, elemDrops)),
    dropsAndInitsData: dataDrops && dataInits.size > 0,
    dropsAndInitsElements: elemDrops && elemInits.size > 0,
  };
}

const trapOf = (line: string) => /^(?:instantiate: )?trap (.*)$/.exec(line)?.[1];
/** Where we trapped with `trap` and V8 did not (it went on, or trapped later with another kind). */
const onlyWeTrappedWith = (d: Difference, trap: string) => trapOf(d.ours) === trap && !(trapOf(d.v8)?.split('|').includes(trap) ?? false);
/** Where V8 trapped with `trap` and we did not. */
const onlyV8TrappedWith = (d: Difference, trap: string) => (trapOf(d.v8)?.split('|').includes(trap) ?? false) && trapOf(d.ours) !== trap;

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'dropped-data-segment-init',
    reference:
      'memory.init of a dropped data segment (an active one, dropped once instantiated, or a passive ' +
      'one after data.drop) adds the offset the compiler recorded for the segment to the source ' +
      'offset and reads from an empty section, so even a zero-length init at source 0 traps ' +
      'MemoryOutOfBounds where Wasm allows it. The recorded offset is the memory destination for an ' +
      'active segment and the position in the shared data section for a passive one: rwasm ' +
      'src/compiler/segment_builder.rs add_active_memory / add_passive_memory, used by ' +
      'visit_memory_init (src/compiler/translator.rs); src/vm/executor/memory.rs visit_memory_init ' +
      'empties the section of a dropped segment.',
    // The trap is the MemoryInit itself, or the Trap of the bounds check the compiler puts before it.
    explains: (facts, d) => facts.initsDroppedDataAtOffset && onlyWeTrappedWith(d, 'MemoryOutOfBounds') && (d.oursTrapOpcode === 'MemoryInit' || d.oursTrapOpcode === 'Trap'),
  },
  {
    id: 'dropped-element-segment-init',
    reference:
      'table.init of a dropped element segment: the same, with the table offset recorded by ' +
      'add_active_elements or the section position recorded by add_passive_elements (rwasm ' +
      'src/compiler/segment_builder.rs) used as the source offset, trapping TableOutOfBounds.',
    explains: (facts, d) => facts.initsDroppedElementsAtOffset && onlyWeTrappedWith(d, 'TableOutOfBounds') && (d.oursTrapOpcode === 'TableInit' || d.oursTrapOpcode === 'Trap'),
  },
  {
    id: 'data-drop-forgets-higher-drops',
    reference:
      'data.drop of segment k resizes the dropped flags to k + 1 entries, which forgets every drop of ' +
      'a higher segment (active segments included, dropped at instantiation), so a later memory.init ' +
      'of such a segment copies from the data section where Wasm traps MemoryOutOfBounds: rwasm ' +
      'src/vm/executor/memory.rs visit_data_drop (`empty_data_segments.resize(idx + 1, false)`).',
    explains: (facts, d) => facts.dropsAndInitsData && onlyV8TrappedWith(d, 'MemoryOutOfBounds') && d.v8TrapOperator === 'memory.init',
  },
  {
    id: 'elem-drop-forgets-higher-drops',
    reference:
      'elem.drop: the same resize of the dropped flags, so a later table.init of a higher segment ' +
      'copies where Wasm traps TableOutOfBounds: rwasm src/vm/executor/table.rs visit_elem_drop.',
    explains: (facts, d) => facts.dropsAndInitsElements && onlyV8TrappedWith(d, 'TableOutOfBounds') && d.v8TrapOperator === 'table.init',
  },
  {
    id: 'memory-init-signed-bounds-check',
    reference:
      'memory.init checks `source + length > segment length` as a signed i32 and then reads from the ' +
      'one data section all segments share, so a source offset of 2^31 or more (a negative i32) passes ' +
      'the check and copies from before the segment, where Wasm traps MemoryOutOfBounds: rwasm ' +
      'src/isa/memory.rs op_memory_init_checked (op_i32_gt_s).',
    explains: (_facts, d) => onlyV8TrappedWith(d, 'MemoryOutOfBounds') && d.v8TrapOperator === 'memory.init',
  },
  {
    id: 'table-init-signed-bounds-check',
    reference: 'table.init: the same signed check before reading the one element section all segments share (rwasm src/isa/table.rs op_table_init_checked, op_i32_gt_s), where Wasm traps TableOutOfBounds.',
    explains: (_facts, d) => onlyV8TrappedWith(d, 'TableOutOfBounds') && d.v8TrapOperator === 'table.init',
  },
  {
    id: 'nan-payload',
    reference:
      'Float arithmetic on NaN operands gives a NaN whose payload Wasm leaves open (an arithmetic NaN). ' +
      'The reference keeps NaN bits but takes the payload from whatever the host CPU does (rwasm ' +
      'src/vm/executor/fpu.rs, visit_f64_mul and the other arithmetic visitors on ' +
      'src/types/nan_preserving_float.rs; x86 SSE answers the first operand\'s); rwasm-ts computes ' +
      'with JavaScript numbers, whose NaN payloads the JS engine chooses. The payload shows once a ' +
      'float\'s bits are reinterpreted as an integer or go through memory. Recognised by running the ' +
      'module again after binaryen\'s --denan (every NaN a float operation makes becomes 0): all four ' +
      'of our engines then agree with V8. (The bits alone cannot tell: a small negative i32 is a NaN pattern too.)',
    explains: (facts) => facts.agreesWithoutNans === true,
  },
];

/** The entry that explains `difference`, if any. */
export function classify(facts: ModuleFacts, difference: Difference): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((k) => k.explains(facts, difference));
}
