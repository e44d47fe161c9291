/**
 * Spec-test cases rWasm cannot pass because its semantics differ from Wasm by design (limits
 * of the reference compiler and VM). Each entry names the file, the lines of the commands and
 * the reason; spec-tests/README.md shows the same table. Commands that act on a skipped module
 * are skipped with it, naming that module's line.
 */
import type { WastCommand } from './wast/index.js';

export interface Skip {
  readonly file: string;
  readonly lines: readonly number[];
  readonly reason: string;
}

const TABLE_OR_MEMORY_IMPORT =
  'imports a table or a memory: rWasm modules own their one memory and their tables, and the reference compiler rejects such imports (NotSupportedImportType)';
const SEGMENT_OFFSET =
  'an active segment offset outside u32 is rejected at compile time (MemoryOutOfBounds / TableOutOfBounds) instead of trapping at instantiation';
const SHARED_STATE =
  "depends on another module's table or memory having been changed through an import that rWasm cannot link";
const MUTABLE_GLOBAL = 'imported mutable globals are copies in rWasm: a write in the exporting module is not seen by the importer';
const NAN_OPERAND =
  'f32/f64 min and max return a single NaN operand unchanged, as the reference does, so a signalling NaN stays signalling (the spec asks for an arithmetic NaN)';

export const SKIPS: readonly Skip[] = [
  { file: 'imports.wast', lines: [338, 357, 376, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 459, 471, 495, 496, 497, 498, 499, 500, 501, 502, 503, 565, 581, 588], reason: TABLE_OR_MEMORY_IMPORT },
  { file: 'linking.wast', lines: [191, 229, 243, 266, 278, 297, 340, 354, 359, 367, 397, 409, 435], reason: TABLE_OR_MEMORY_IMPORT },
  { file: 'proposals/extended-const/data.wast', lines: [39, 52, 67, 78, 101, 116, 135, 145, 150, 155, 161, 167, 172, 274, 305, 320], reason: TABLE_OR_MEMORY_IMPORT },
  { file: 'proposals/extended-const/elem.wast', lines: [95, 110, 168, 178, 193, 199, 205, 211, 261, 278, 295, 312, 540, 579, 592, 654], reason: TABLE_OR_MEMORY_IMPORT },
  { file: 'data.wast', lines: [266, 281], reason: SEGMENT_OFFSET },
  { file: 'elem.wast', lines: [287, 304], reason: SEGMENT_OFFSET },
  { file: 'proposals/extended-const/data.wast', lines: [298, 313], reason: SEGMENT_OFFSET },
  { file: 'proposals/extended-const/elem.wast', lines: [287, 304], reason: SEGMENT_OFFSET },
  { file: 'linking.wast', lines: [81], reason: MUTABLE_GLOBAL },
  { file: 'linking.wast', lines: [209, 210, 212, 215, 216, 218, 275, 288, 349, 350, 406, 407, 419, 452, 453], reason: SHARED_STATE },
  { file: 'proposals/extended-const/elem.wast', lines: [588, 589, 601, 602, 603, 658], reason: SHARED_STATE },
];

function isNanOperandMinMax(file: string, command: WastCommand): boolean {
  if ((file !== 'f32.wast' && file !== 'f64.wast') || command.kind !== 'assert_return' || command.action.kind !== 'invoke') return false;
  const { name, args } = command.action;
  if (name !== 'min' && name !== 'max') return false;
  // signalling NaN: all exponent bits set, quiet bit clear, payload non-zero
  return args.some((a) =>
    a.type === 'f32' ? (a.bits & 0x7fc00000) === 0x7f800000 && (a.bits & 0x3fffff) !== 0
    : a.type === 'f64' ? (a.bits & 0x7ff8000000000000n) === 0x7ff0000000000000n && (a.bits & 0xfffffffffffffn) !== 0n
    : false,
  );
}

export function skipReason(file: string, command: WastCommand): string | undefined {
  for (const skip of SKIPS) if (skip.file === file && skip.lines.includes(command.line)) return skip.reason;
  if (isNanOperandMinMax(file, command)) return NAN_OPERAND;
  return undefined;
}

/** The same facts as SKIPS, for the README table: predicate-based skips described in words. */
export const SKIP_RULES: ReadonlyArray<{ readonly files: string; readonly cases: string; readonly reason: string }> = [
  { files: 'f32.wast, f64.wast', cases: 'every assert_return of min or max with a signalling-NaN argument', reason: NAN_OPERAND },
];

