/**
 * Pre-decoding: turns a verified module's code section into the flat `Int32Array` the dispatch
 * loop runs. Each rWasm instruction at pc becomes one internal instruction at `ipOfPc[pc]`:
 * `[op, immediates…]`, with everything that can be resolved once resolved here — branch and
 * call targets become absolute positions in the prepared code, the table of an indirect call is
 * read from its `TableGet` payload, global word indices become dense slots, and FPU opcodes
 * become traps when the FPU is off. Pcs stay the reference's pcs: the program only ever sees
 * them (RefFunc, tables), and `ipOfPc` maps them to prepared positions.
 *
 * Two optional prefixes make the variants of a program:
 * - engine metering puts `[MeterBlock, cost]` in front of each basic block that costs
 *   anything, charging the whole block at once (see `Metering` for the exact stop points);
 * - tracing puts `[Trace, pc]` in front of every instruction.
 * A prefix belongs to its instruction: `ipOfPc[pc]` is where the prefixes start.
 */
import type { RwasmModule } from '../format/module.js';
import { FPU_CODE_BASE, OPCODE_TABLE, Opcode, opcodeIndex } from '../format/opcodes.js';
import { TrapCode } from '../format/trap-codes.js';
import { Op } from './execute.js';
import { MAX_INSTRUCTION_COST, type FuelCostTable } from './fuel-costs.js';

export interface PrepareOptions {
  /** Execute FPU opcodes; when false (the reference's default build) they trap IllegalOpcode. */
  fpu?: boolean;
  /** Engine metering: charge every executed instruction its cost from this table. */
  fuelCosts?: FuelCostTable | undefined;
  /** Prefix every instruction with a call of the machine's trace hook. */
  trace?: boolean;
}

/**
 * What engine metering knows about a program. Each basic block (straight-line code entered
 * only at its first pc) is charged on entry; a block that does not fit the remaining fuel is
 * charged instruction by instruction up to the first that does not fit, so the run stops
 * exactly where per-instruction metering would. A trap in the middle of a block gives back
 * the cost of the instructions after it.
 */
export interface Metering {
  readonly costs: FuelCostTable;
  /** Cost of the instruction at each pc (0 for the payload halves of two-word instructions, which never run). */
  readonly costOfPc: Uint32Array;
  /** One past the last pc of the basic block each pc belongs to. */
  readonly blockEnd: Int32Array;
  /** Where each pc's own instruction starts, past its MeterBlock prefix if it has one. */
  readonly instructionIp: Int32Array;
}

/** A module ready to run: its prepared code plus what the interpreter needs beside it. */
export interface Program {
  readonly module: RwasmModule;
  readonly code: Int32Array;
  /** Prepared position of each pc; one extra entry for the end of the code. */
  readonly ipOfPc: Int32Array;
  /**
   * Where to go when control enters pc from outside straight-line code (an indirect call):
   * `ipOfPc[pc]`, or -1 when the pc is inside a metered block and must be metered from there.
   */
  readonly entryIpOfPc: Int32Array;
  readonly codeLength: number;
  readonly data: Uint8Array;
  readonly elem: Int32Array;
  readonly fpu: boolean;
  readonly metering: Metering | undefined;
  readonly traced: boolean;
  /** rWasm global word index held in each dense global slot. */
  readonly globalIndexOfSlot: Uint32Array;
  readonly slotOfGlobal: ReadonlyMap<number, number>;
}

const enum Prep {
  Plain, // [op] or [op, imm] copied
  Branch,
  BrTable,
  CallTarget,
  CallIndirect,
  ReturnCallIndirect,
  TableCopy,
  TableInit,
  Global,
  FpuStack,
}

interface Rule {
  prep: Prep;
  op: Op;
  hasImmediate: boolean;
  /** Control never falls through to the next pc, or must be re-checked there (block end). */
  endsBlock: boolean;
}

const SPECIAL: Partial<Record<string, Prep>> = {
  Br: Prep.Branch,
  BrIfEqz: Prep.Branch,
  BrIfNez: Prep.Branch,
  BrTable: Prep.BrTable,
  CallInternal: Prep.CallTarget,
  ReturnCallInternal: Prep.CallTarget,
  CallIndirect: Prep.CallIndirect,
  ReturnCallIndirect: Prep.ReturnCallIndirect,
  TableCopy: Prep.TableCopy,
  TableInit: Prep.TableInit,
  GlobalGet: Prep.Global,
  GlobalSet: Prep.Global,
};

const ENDS_BLOCK = new Set([
  'Unreachable',
  'Trap',
  'Br',
  'BrIfEqz',
  'BrIfNez',
  'BrTable',
  'Return',
  'ReturnCallInternal',
  'ReturnCall',
  'ReturnCallIndirect',
  'CallInternal',
  'Call',
  'CallIndirect',
  // A program fuel check can suspend the run; keeping it last in its block means a resumed
  // run never owes engine fuel for instructions it already paid for.
  'ConsumeFuel',
  'ConsumeFuelStack',
]);

const FPU_MEMORY_OPS = new Set(['F32Load', 'F64Load', 'F32Store', 'F64Store']);

// One rule per opcode, derived from the opcode table: every rWasm opcode must have a same-named
// internal op or a special preparation, so a new opcode cannot be forgotten silently.
const RULES: Rule[] = OPCODE_TABLE.map(([name, code, imm]) => {
  const endsBlock = ENDS_BLOCK.has(name);
  if (code >= FPU_CODE_BASE && !FPU_MEMORY_OPS.has(name)) return { prep: Prep.FpuStack, op: Op.Fpu, hasImmediate: true, endsBlock };
  const op = Op[name as keyof typeof Op];
  if (op === undefined) throw new Error(`rwasm-ts internal error: no interpreter op for ${name}`);
  return { prep: SPECIAL[name] ?? Prep.Plain, op, hasImmediate: imm !== 0, endsBlock };
});

function preparedLength(rule: Rule, bits: number, fpuTrap: boolean, metered: boolean): number {
  if (fpuTrap) return 2; // [Trap, IllegalOpcode]
  if (metered && rule.prep === Prep.Branch) return rule.op === Op.Br ? 3 : 5;
  if (metered && rule.prep === Prep.CallTarget) return 3;
  switch (rule.prep) {
    case Prep.Plain:
      return rule.hasImmediate ? 2 : 1;
    case Prep.BrTable:
      return 2 + bits;
    case Prep.CallIndirect:
    case Prep.TableInit:
      return 4;
    case Prep.ReturnCallIndirect:
    case Prep.TableCopy:
      return 3;
    default:
      return 2;
  }
}

/** Facts about a module's code that every variant of its program shares. */
interface Analysis {
  readonly rules: Rule[];
  readonly slotOfGlobal: Map<number, number>;
  /** 1 where control can arrive other than by falling through from the previous pc. */
  readonly jumpTarget: Uint8Array;
  /** 1 for the payload halves of CallIndirect, ReturnCallIndirect and TableInit. */
  readonly payload: Uint8Array;
}

const analyses = new WeakMap<RwasmModule, Analysis>();
const programs = new WeakMap<RwasmModule, Map<string, Program>>();
const costTableIds = new WeakMap<FuelCostTable, number>();
let nextCostTableId = 1;

/** Prepares (and memoises per module and options) a verified module for execution. */
export function prepareProgram(module: RwasmModule, options: PrepareOptions = {}): Program {
  const fpu = options.fpu ?? false;
  const trace = options.trace ?? false;
  const costs = options.fuelCosts;
  let costsId = 0;
  if (costs) {
    costsId = costTableIds.get(costs) ?? 0;
    if (costsId === 0) costTableIds.set(costs, (costsId = nextCostTableId++));
  }
  const key = `${fpu ? 1 : 0}${trace ? 1 : 0}:${costsId}`;
  let variants = programs.get(module);
  if (!variants) programs.set(module, (variants = new Map()));
  let program = variants.get(key);
  if (!program) {
    let analysis = analyses.get(module);
    if (!analysis) {
      module.verify();
      analysis = analyze(module);
      analyses.set(module, analysis);
    }
    program = buildProgram(module, analysis, fpu, costs, trace);
    variants.set(key, program);
  }
  return program;
}

function analyze(module: RwasmModule): Analysis {
  const { codes, bits, length } = module.code.rawView();
  const rules = new Array<Rule>(length);
  const slotOfGlobal = new Map<number, number>();
  const jumpTarget = new Uint8Array(length + 1);
  const payload = new Uint8Array(length + 1);
  const mark = (pc: number) => {
    if (pc >= 0 && pc <= length) jumpTarget[pc] = 1;
  };
  mark(0);
  mark(module.sourcePc);
  for (const pc of module.elem) mark(pc);
  for (let pc = 0; pc < length; pc++) {
    const rule = RULES[opcodeIndex(codes[pc]!)]!;
    rules[pc] = rule;
    const imm = bits[pc]!;
    if (rule.prep === Prep.Global && !slotOfGlobal.has(imm)) slotOfGlobal.set(imm, slotOfGlobal.size);
    switch (rule.prep) {
      case Prep.Branch:
        mark(pc + (imm | 0));
        break;
      case Prep.BrTable:
        for (let k = 0; k < imm; k++) mark(pc + 1 + 2 * k);
        break;
      case Prep.CallTarget:
        mark(imm);
        break;
      case Prep.CallIndirect:
        payload[pc + 1] = 1;
        mark(pc + 2); // its return address
        break;
      case Prep.ReturnCallIndirect:
      case Prep.TableInit:
        payload[pc + 1] = 1;
        break;
    }
    if (codes[pc] === Opcode.RefFunc) mark(imm);
  }
  return { rules, slotOfGlobal, jumpTarget, payload };
}

function buildProgram(module: RwasmModule, analysis: Analysis, fpu: boolean, costs: FuelCostTable | undefined, traced: boolean): Program {
  const { codes, bits, length } = module.code.rawView();
  const { rules, slotOfGlobal } = analysis;
  const isFpuTrap = (pc: number) => !fpu && codes[pc]! >= FPU_CODE_BASE;
  const blocks = costs ? findBlocks(module, analysis, costs, isFpuTrap, traced) : undefined;

  const ipOfPc = new Int32Array(length + 1);
  let size = 0;
  for (let pc = 0; pc < length; pc++) {
    ipOfPc[pc] = size;
    if (blocks && blocks.blockCost[pc]! > 0) size += 2;
    if (traced) size += 2;
    size += preparedLength(rules[pc]!, bits[pc]!, isFpuTrap(pc), blocks !== undefined);
  }
  ipOfPc[length] = size;
  const code = new Int32Array(size + 1);
  code[size] = Op.FellOffEnd;
  // Where each pc's own instruction starts, past a MeterBlock (transfers that pay go there).
  const instructionIp = new Int32Array(length + 1);
  for (let pc = 0; pc < length; pc++) instructionIp[pc] = ipOfPc[pc]! + (blocks && blocks.blockCost[pc]! > 0 ? 2 : 0);
  instructionIp[length] = size;
  const costOfBlockAt = (pc: number) => (blocks && pc < length ? blocks.blockCost[pc]! : 0);

  for (let pc = 0; pc < length; pc++) {
    const rule = rules[pc]!;
    const imm = bits[pc]!;
    let at = ipOfPc[pc]!;
    if (blocks && blocks.blockCost[pc]! > 0) {
      code[at++] = Op.MeterBlock;
      code[at++] = blocks.blockCost[pc]!;
    }
    if (traced) {
      code[at++] = Op.Trace;
      code[at++] = pc;
    }
    if (isFpuTrap(pc)) {
      code[at] = Op.Trap;
      code[at + 1] = TrapCode.IllegalOpcode;
      continue;
    }
    switch (rule.prep) {
      case Prep.Plain:
        code[at] = blocks && rule.op === Op.Return ? Op.MReturn : rule.op;
        if (rule.hasImmediate) code[at + 1] = imm;
        break;
      case Prep.Branch: {
        const target = pc + (imm | 0);
        const backward = target <= pc;
        if (blocks) {
          // Engine metering: the branch pays for the block it enters (both ways for a BrIf).
          const isBr = codes[pc] === Opcode.Br;
          const eqz = codes[pc] === Opcode.BrIfEqz;
          code[at] = isBr
            ? backward ? Op.MBrBack : Op.MBr
            : eqz
              ? backward ? Op.MBrIfEqzBack : Op.MBrIfEqz
              : backward ? Op.MBrIfNezBack : Op.MBrIfNez;
          code[at + 1] = instructionIp[target]!;
          code[at + 2] = costOfBlockAt(target);
          if (!isBr) {
            code[at + 3] = costOfBlockAt(pc + 1);
            code[at + 4] = instructionIp[pc + 1]!;
          }
          break;
        }
        code[at] =
          codes[pc] === Opcode.Br
            ? backward ? Op.BrBack : Op.Br
            : codes[pc] === Opcode.BrIfEqz
              ? backward ? Op.BrIfEqzBack : Op.BrIfEqz
              : backward ? Op.BrIfNezBack : Op.BrIfNez;
        code[at + 1] = ipOfPc[target]!;
        break;
      }
      case Prep.BrTable:
        code[at++] = Op.BrTable;
        code[at++] = imm;
        for (let k = 0; k < imm; k++) code[at++] = ipOfPc[pc + 1 + 2 * k]!;
        break;
      case Prep.CallTarget:
        if (blocks) {
          code[at] = rule.op === Op.CallInternal ? Op.MCallInternal : Op.MReturnCallInternal;
          code[at + 1] = instructionIp[imm]!;
          code[at + 2] = costOfBlockAt(imm);
          break;
        }
        code[at] = rule.op;
        code[at + 1] = ipOfPc[imm]!;
        break;
      case Prep.CallIndirect:
        code[at] = Op.CallIndirect;
        code[at + 1] = imm;
        code[at + 2] = bits[pc + 1]!; // table of the TableGet payload
        code[at + 3] = ipOfPc[pc + 2]!;
        break;
      case Prep.ReturnCallIndirect:
        code[at] = Op.ReturnCallIndirect;
        code[at + 1] = imm;
        code[at + 2] = bits[pc + 1]!;
        break;
      case Prep.TableCopy:
        code[at] = Op.TableCopy;
        code[at + 1] = imm & 0xffff;
        code[at + 2] = imm >>> 16;
        break;
      case Prep.TableInit:
        code[at] = Op.TableInit;
        code[at + 1] = imm;
        code[at + 2] = bits[pc + 1]!;
        code[at + 3] = ipOfPc[pc + 2]!;
        break;
      case Prep.Global:
        code[at] = rule.op;
        code[at + 1] = slotOfGlobal.get(imm)!;
        break;
      case Prep.FpuStack:
        code[at] = Op.Fpu;
        code[at + 1] = codes[pc]! - FPU_CODE_BASE;
        break;
    }
  }

  let entryIpOfPc = ipOfPc;
  let metering: Metering | undefined;
  if (blocks && costs) {
    entryIpOfPc = new Int32Array(length + 1);
    for (let pc = 0; pc <= length; pc++) entryIpOfPc[pc] = pc === length || blocks.leader[pc] ? ipOfPc[pc]! : -1;
    metering = { costs, costOfPc: blocks.costOfPc, blockEnd: blocks.blockEnd, instructionIp };
  }

  const globalIndexOfSlot = new Uint32Array(slotOfGlobal.size);
  for (const [index, slot] of slotOfGlobal) globalIndexOfSlot[slot] = index;
  return {
    module,
    code,
    ipOfPc,
    entryIpOfPc,
    codeLength: length,
    data: module.data,
    elem: new Int32Array(module.elem.buffer, module.elem.byteOffset, module.elem.length),
    fpu,
    metering,
    traced,
    globalIndexOfSlot,
    slotOfGlobal,
  };
}

// Keeps a block's total far below 2^31 so it fits an Int32Array slot with room to spare.
const MAX_BLOCK_COST = 2 ** 30 - MAX_INSTRUCTION_COST;

interface Blocks {
  leader: Uint8Array;
  costOfPc: Uint32Array;
  blockEnd: Int32Array;
  /** Total cost of the block a leader starts (0 for other pcs). */
  blockCost: Int32Array;
}

/**
 * Basic blocks: a block starts at every pc control can jump to and after every instruction
 * that ends one; a traced program makes every instruction its own block, so its trace reports
 * exact per-instruction fuel.
 */
function findBlocks(module: RwasmModule, analysis: Analysis, costs: FuelCostTable, isFpuTrap: (pc: number) => boolean, traced: boolean): Blocks {
  const { codes, length } = module.code.rawView();
  const leader = new Uint8Array(length + 1);
  const costOfPc = new Uint32Array(length);
  const blockEnd = new Int32Array(length);
  const blockCost = new Int32Array(length);
  let start = 0;
  let sum = 0;
  const close = (end: number) => {
    for (let pc = start; pc < end; pc++) blockEnd[pc] = end;
    if (start < length) blockCost[start] = sum;
  };
  for (let pc = 0; pc < length; pc++) {
    const cost = analysis.payload[pc] ? 0 : costs.costOf(codes[pc]!);
    costOfPc[pc] = cost;
    const startsBlock = pc === 0 || traced || analysis.jumpTarget[pc] === 1 || endsBlock(pc - 1) || sum + cost > MAX_BLOCK_COST;
    if (startsBlock && pc > 0) {
      close(pc);
      start = pc;
      sum = 0;
    }
    if (startsBlock) leader[pc] = 1;
    sum += cost;
  }
  close(length);
  return { leader, costOfPc, blockEnd, blockCost };

  function endsBlock(pc: number): boolean {
    return analysis.rules[pc]!.endsBlock || isFpuTrap(pc);
  }
}

/** The pc whose prepared instruction starts at or before `ip`. */
export function pcOfIp(program: Program, ip: number): number {
  const table = program.ipOfPc;
  let lo = 0;
  let hi = program.codeLength;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (table[mid]! <= ip) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
