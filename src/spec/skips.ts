/**
 * Spec-test cases rWasm cannot pass because its semantics differ from Wasm by design (limits
 * of the reference compiler and VM): rules (a module importing a table or a memory, f32/f64
 * min and max of a signalling NaN) and single cases. Each entry names the file the cases are in (as the bundled
 * testsuite, ../shared/spec-testsuite, names it), the cases and the reason; spec-tests/README.md
 * shows the same table with the cases' lines in that testsuite. Commands that act on a skipped
 * module are skipped with it, naming that module's line.
 *
 * A case is named by its content, not its line (see case-key.ts): the hash of the command's
 * tokens, `#n` for the n-th identical command of a file. So the table applies to any copy of
 * the testsuite, wherever it is and whatever the folder is called, and to a newer version of a
 * file as long as the command itself is unchanged. The file is not part of the match: the same
 * command is skipped wherever it is (data.wast and proposals/extended-const/data.wast share some).
 */
import type { WastCommand } from './wast/index.js';

export interface Skip {
  readonly file: string;
  /** Case keys (`CaseKeys.next`). */
  readonly cases: readonly string[];
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
  {
    file: 'data.wast',
    reason: SEGMENT_OFFSET,
    cases: [
      'cd42ba4db04ade41', 'cbf94dcf14b61224',
    ],
  },
  {
    file: 'elem.wast',
    reason: SEGMENT_OFFSET,
    cases: [
      'b78ce9a0d9d3303c', '3ec12f0838a90e33',
    ],
  },
  {
    file: 'proposals/extended-const/data.wast',
    reason: SEGMENT_OFFSET,
    cases: [
      'cd42ba4db04ade41', 'cbf94dcf14b61224',
    ],
  },
  {
    file: 'proposals/extended-const/elem.wast',
    reason: SEGMENT_OFFSET,
    cases: [
      'b78ce9a0d9d3303c', '3ec12f0838a90e33',
    ],
  },
  {
    file: 'linking.wast',
    reason: MUTABLE_GLOBAL,
    cases: [
      '8b98cd1253bdb69f',
    ],
  },
  {
    file: 'linking.wast',
    reason: SHARED_STATE,
    cases: [
      '258441ad545c18d1', 'f3349c749ef4cd7b', 'db29102444f8e93a', '71c21ba359514523', '116cde87f39c56e5', '48accc16ae43e8ac',
      '24527edb89459647', '24527edb89459647#2', '842d5bc8f276b692', '5bf5e0bc615f7aa2', '5cd3d369c19cac87', '527bf364c9dea5c9',
      '5cd3d369c19cac87#2', '5ca91aa2f6ac0ce3', '25430d600d51ace7',
    ],
  },
  {
    file: 'proposals/extended-const/elem.wast',
    reason: SHARED_STATE,
    cases: [
      'ac6adf1e35233d18', '150ae31861d4f790', 'ac6adf1e35233d18#2', '33a8e8ca75da4ffb', '6ed90c927833a067', '33430be24be76d65#2',
    ],
  },
];

const REASON_OF_CASE = new Map<string, string>(SKIPS.flatMap((skip) => skip.cases.map((key) => [key, skip.reason] as const)));

/** f32.wast and f64.wast under any folder: the rule is about their min and max exports. */
function isNanOperandMinMax(file: string, command: WastCommand): boolean {
  const base = file.slice(file.lastIndexOf('/') + 1);
  if ((base !== 'f32.wast' && base !== 'f64.wast') || command.kind !== 'assert_return' || command.action.kind !== 'invoke') return false;
  const { name, args } = command.action;
  if (name !== 'min' && name !== 'max') return false;
  // signalling NaN: all exponent bits set, quiet bit clear, payload non-zero
  return args.some((a) =>
    a.type === 'f32' ? (a.bits & 0x7fc00000) === 0x7f800000 && (a.bits & 0x3fffff) !== 0
    : a.type === 'f64' ? (a.bits & 0x7ff8000000000000n) === 0x7ff0000000000000n && (a.bits & 0xfffffffffffffn) !== 0n
    : false,
  );
}

/** Commands that need their module instantiated (an unlinkable one is expected to fail, and does). */
const INSTANTIATING = new Set<WastCommand['kind']>(['module', 'module_instance', 'assert_trap_module', 'assert_uninstantiable']);

/**
 * Why the command (its key from `CaseKeys`, in a file named `file`) is skipped, or undefined.
 * `importsTableOrMemory` tells whether a module the command instantiates imports a table or a
 * memory (asked only of commands that instantiate a module, so the runner reads a binary only then).
 */
export function skipReason(file: string, key: string, command: WastCommand, importsTableOrMemory: () => boolean): string | undefined {
  const reason = REASON_OF_CASE.get(key);
  if (reason !== undefined) return reason;
  if (INSTANTIATING.has(command.kind) && importsTableOrMemory()) return TABLE_OR_MEMORY_IMPORT;
  if (isNanOperandMinMax(file, command)) return NAN_OPERAND;
  return undefined;
}

/** The same facts as SKIPS, for the README table: predicate-based skips described in words. */
export const SKIP_RULES: ReadonlyArray<{ readonly files: string; readonly cases: string; readonly reason: string }> = [
  { files: 'any', cases: 'every command instantiating a module (module, module instance, assert_trap of a module, assert_uninstantiable) that imports a table or a memory', reason: TABLE_OR_MEMORY_IMPORT },
  { files: 'f32.wast, f64.wast', cases: 'every assert_return of min or max with a signalling-NaN argument', reason: NAN_OPERAND },
];
