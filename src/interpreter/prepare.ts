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
import { i64Sequence, type I64SequenceName } from '../format/i64-sequences.js';
import { Op } from './execute.js';
import { MAX_INSTRUCTION_COST, type FuelCostTable } from './fuel-costs.js';
import { I64_KIND_BY_SNIPPET, type I64Kind } from './i64.js';

export interface PrepareOptions {
  /** Execute FPU opcodes; when false (the reference's default build) they trap IllegalOpcode. */
  fpu?: boolean;
  /** Engine metering: charge every executed instruction its cost from this table. */
  fuelCosts?: FuelCostTable | undefined;
  /** Prefix every instruction with a call of the machine's trace hook. */
  trace?: boolean;
  /**
   * Run common instruction sequences as single fused instructions (default true; traced
   * programs never fuse). Metered machines keep an unfused preparation beside the fused one
   * for the rare stretches they meter instruction by instruction.
   */
  fuse?: boolean;
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
  readonly fused: boolean;
  /** rWasm global word index held in each dense global slot. */
  readonly globalIndexOfSlot: Uint32Array;
  readonly slotOfGlobal: ReadonlyMap<number, number>;
}

/** How a plain program's instruction is fused with what it leads to. */
const enum Fusion {
  None,
  /** A call of an i64 snippet function, run natively. */
  I64Snippet,
  /** A branch that pays the ConsumeFuel it lands on (either way, for a BrIf) and skips it. */
  PayingBranch,
  /** A call that runs its target's `SignatureCheck; ConsumeFuel` prologue itself. */
  CallFueled,
  /** A call that runs its target's `SignatureCheck; StackCheck` prologue itself. */
  CallChecked,
  /** A call that runs its target's `SignatureCheck; ConsumeFuel; StackCheck` prologue itself. */
  CallFueledChecked,
  /** A function's `SignatureCheck; StackCheck` (entered by an indirect call or a jump). */
  PrologueChecked,
  /** A function's `SignatureCheck; ConsumeFuel`. */
  PrologueFueled,
  /** A function's `SignatureCheck; ConsumeFuel; StackCheck`. */
  PrologueFueledChecked,
  // Pairs run as one instruction (the second keeps its own slot for jumps into it):
  LocalGet2, // LocalGet; LocalGet
  LocalGetConst, // LocalGet; I32Const
  LocalSetGet, // LocalSet; LocalGet
  DropReturn, // BulkDrop; Return
  SetDropReturn, // LocalSet; BulkDrop; Return
  // A ConsumeFuel that control falls into (a block's continuation), with what follows it:
  FuelLocalGet, // ConsumeFuel; LocalGet
  FuelDropReturn, // ConsumeFuel; BulkDrop; Return
  FuelSetDropReturn, // ConsumeFuel; LocalSet; BulkDrop; Return
}

/** The prepared size of an instruction that a fusion starts with. */
const FUSED_SIZE: Partial<Record<Fusion, number>> = {
  [Fusion.I64Snippet]: 4,
  [Fusion.CallFueled]: 5,
  [Fusion.CallChecked]: 5,
  [Fusion.CallFueledChecked]: 6,
  [Fusion.PrologueChecked]: 3,
  [Fusion.PrologueFueled]: 3,
  [Fusion.PrologueFueledChecked]: 4,
  [Fusion.LocalGet2]: 3,
  [Fusion.LocalGetConst]: 3,
  [Fusion.LocalSetGet]: 3,
  [Fusion.DropReturn]: 3,
  [Fusion.SetDropReturn]: 4,
  [Fusion.FuelLocalGet]: 3,
  [Fusion.FuelDropReturn]: 4,
  [Fusion.FuelSetDropReturn]: 5,
};

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

function preparedLength(rule: Rule, bits: number, fpuTrap: boolean, metered: boolean, fused: Fusion): number {
  if (fpuTrap) return 2; // [Trap, IllegalOpcode]
  const fusedSize = FUSED_SIZE[fused];
  if (fusedSize !== undefined) return fusedSize;
  if ((metered || fused === Fusion.PayingBranch) && rule.prep === Prep.Branch) return rule.op === Op.Br ? 3 : 5;
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
  /** The i64 snippet each CallInternal pc calls, when its target is one (see snippetAt). */
  readonly snippetCalls: Map<number, { kind: I64Kind; maxStackHeight: number }>;
}

const analyses = new WeakMap<RwasmModule, Analysis>();
const programs = new WeakMap<RwasmModule, Map<string, Program>>();
const costTableIds = new WeakMap<FuelCostTable, number>();
let nextCostTableId = 1;

/** Prepares (and memoises per module and options) a verified module for execution. */
export function prepareProgram(module: RwasmModule, options: PrepareOptions = {}): Program {
  const fpu = options.fpu ?? false;
  const trace = options.trace ?? false;
  const fuse = (options.fuse ?? true) && !trace;
  const costs = options.fuelCosts;
  let costsId = 0;
  if (costs) {
    costsId = costTableIds.get(costs) ?? 0;
    if (costsId === 0) costTableIds.set(costs, (costsId = nextCostTableId++));
  }
  const key = `${fpu ? 1 : 0}${trace ? 1 : 0}${fuse ? 1 : 0}:${costsId}`;
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
    program = buildProgram(module, analysis, fpu, costs, trace, fuse);
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
  return { rules, slotOfGlobal, jumpTarget, payload, snippetCalls: findSnippetCalls(codes, bits, length) };
}

const SNIPPETS = Object.entries(I64_KIND_BY_SNIPPET).map(([name, kind]) => ({ kind, sequence: i64Sequence(name as I64SequenceName) }));

/**
 * The reference compiler's i64 snippet functions are `StackCheck(msh) <sequence> Return`.
 * A call whose target is exactly that can run the operation natively (only in programs that
 * are neither metered nor traced, where nothing could tell the difference).
 */
function findSnippetCalls(codes: Uint16Array, bits: Uint32Array, length: number): Map<number, { kind: I64Kind; maxStackHeight: number }> {
  const byTarget = new Map<number, { kind: I64Kind; maxStackHeight: number } | undefined>();
  const calls = new Map<number, { kind: I64Kind; maxStackHeight: number }>();
  for (let pc = 0; pc < length; pc++) {
    if (codes[pc] !== Opcode.CallInternal) continue;
    const target = bits[pc]!;
    if (!byTarget.has(target)) byTarget.set(target, snippetAt(codes, bits, length, target));
    const snippet = byTarget.get(target);
    if (snippet) calls.set(pc, snippet);
  }
  return calls;
}

function snippetAt(codes: Uint16Array, bits: Uint32Array, length: number, target: number): { kind: I64Kind; maxStackHeight: number } | undefined {
  if (codes[target] !== Opcode.StackCheck) return undefined;
  search: for (const { kind, sequence } of SNIPPETS) {
    const size = sequence.codes.length;
    if (bits[target] !== sequence.maxStackHeight || target + size + 1 >= length) continue;
    for (let i = 0; i < size; i++) {
      if (codes[target + 1 + i] !== sequence.codes[i] || bits[target + 1 + i] !== sequence.bits[i]) continue search;
    }
    if (codes[target + 1 + size] === Opcode.Return) return { kind, maxStackHeight: sequence.maxStackHeight };
  }
  return undefined;
}

function buildProgram(module: RwasmModule, analysis: Analysis, fpu: boolean, costs: FuelCostTable | undefined, traced: boolean, fuse: boolean): Program {
  const { codes, bits, length } = module.code.rawView();
  const { rules, slotOfGlobal } = analysis;
  const isFpuTrap = (pc: number) => !fpu && codes[pc]! >= FPU_CODE_BASE;
  const blocks = costs ? findBlocks(module, analysis, costs, isFpuTrap, traced) : undefined;
  // Fusions only where nothing could tell them apart from the plain instructions.
  const plain = !blocks && !traced;
  const snippetCalls = plain ? analysis.snippetCalls : undefined;
  const paysFuel = (pc: number) => plain && pc < length && codes[pc] === Opcode.ConsumeFuel;
  const fusions = fuse ? planFusions(codes, bits, length, rules, snippetCalls ?? new Map(), isFpuTrap, analysis.jumpTarget, blocks?.leader) : undefined;
  const fusionAt = (pc: number): Fusion => (fusions ? (fusions[pc]! as Fusion) : Fusion.None);

  const ipOfPc = new Int32Array(length + 1);
  let size = 0;
  for (let pc = 0; pc < length; pc++) {
    ipOfPc[pc] = size;
    if (blocks && blocks.blockCost[pc]! > 0) size += 2;
    if (traced) size += 2;
    size += preparedLength(rules[pc]!, bits[pc]!, isFpuTrap(pc), blocks !== undefined, fusionAt(pc));
  }
  ipOfPc[length] = size;
  const code = new Int32Array(size + 1);
  code[size] = Op.FellOffEnd;
  // Where each pc's own instruction starts, past a MeterBlock (transfers that pay go there).
  const instructionIp = new Int32Array(length + 1);
  for (let pc = 0; pc < length; pc++) instructionIp[pc] = ipOfPc[pc]! + (blocks && blocks.blockCost[pc]! > 0 ? 2 : 0);
  instructionIp[length] = size;
  const costOfBlockAt = (pc: number) => (blocks && pc < length ? blocks.blockCost[pc]! : 0);
  // Where a paying transfer into pc lands and what it pays: past the block's MeterBlock (engine
  // metering) or past a ConsumeFuel (a plain program). On failure it stops `ip - 2`, on either.
  const landing = (pc: number): [ip: number, cost: number] =>
    blocks ? [instructionIp[pc]!, costOfBlockAt(pc)] : paysFuel(pc) ? [ipOfPc[pc + 1]!, bits[pc]!] : [ipOfPc[pc]!, 0];

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
        switch (fusionAt(pc)) {
          case Fusion.LocalGet2:
          case Fusion.LocalGetConst:
          case Fusion.LocalSetGet:
          case Fusion.PrologueChecked:
          case Fusion.PrologueFueled:
          case Fusion.FuelLocalGet:
            // [op, this immediate, the next instruction's immediate]
            code[at] = FUSED_OP[fusionAt(pc)]!;
            code[at + 1] = imm;
            code[at + 2] = bits[pc + 1]!;
            break;
          case Fusion.DropReturn:
            code[at] = Op.DropReturn;
            code[at + 1] = imm;
            code[at + 2] = ipOfPc[pc + 1]! - at; // where the Return is
            break;
          case Fusion.FuelDropReturn:
            code[at] = Op.FuelDropReturn;
            code[at + 1] = imm;
            code[at + 2] = bits[pc + 1]!;
            code[at + 3] = ipOfPc[pc + 2]! - at;
            break;
          case Fusion.FuelSetDropReturn:
            code[at] = Op.FuelSetDropReturn;
            code[at + 1] = imm;
            code[at + 2] = bits[pc + 1]!;
            code[at + 3] = bits[pc + 2]!;
            code[at + 4] = ipOfPc[pc + 3]! - at;
            break;
          case Fusion.PrologueFueledChecked:
            code[at] = Op.PrologueFueledChecked;
            code[at + 1] = imm;
            code[at + 2] = bits[pc + 1]!;
            code[at + 3] = bits[pc + 2]!;
            break;
          case Fusion.SetDropReturn:
            code[at] = Op.SetDropReturn;
            code[at + 1] = imm;
            code[at + 2] = bits[pc + 1]!;
            code[at + 3] = ipOfPc[pc + 2]! - at;
            break;
          default:
            code[at] = blocks && rule.op === Op.Return ? Op.MReturn : rule.op;
            if (rule.hasImmediate) code[at + 1] = imm;
        }
        break;
      case Prep.Branch: {
        const target = pc + (imm | 0);
        const backward = target <= pc;
        if (!blocks && codes[pc] === Opcode.Br && landing(target)[1] === 0) {
          // Only a ConsumeFuel(0) on the way: jump past it without a fuel check.
          code[at] = backward ? Op.BrBack : Op.Br;
          code[at + 1] = landing(target)[0];
          break;
        }
        if (blocks || fusionAt(pc) === Fusion.PayingBranch) {
          // The branch pays for what it enters (both ways for a BrIf): the block's engine cost,
          // or in a plain program the ConsumeFuel it lands on.
          const isBr = codes[pc] === Opcode.Br;
          const eqz = codes[pc] === Opcode.BrIfEqz;
          code[at] = isBr
            ? backward ? Op.MBrBack : Op.MBr
            : eqz
              ? backward ? Op.MBrIfEqzBack : Op.MBrIfEqz
              : backward ? Op.MBrIfNezBack : Op.MBrIfNez;
          [code[at + 1], code[at + 2]] = landing(target);
          if (!isBr) [code[at + 3], code[at + 4]] = landing(pc + 1);
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
      case Prep.CallTarget: {
        const fusion = fusionAt(pc);
        if (fusion === Fusion.I64Snippet) {
          const snippet = snippetCalls!.get(pc)!;
          code[at] = Op.I64Snippet;
          code[at + 1] = snippet.kind;
          code[at + 2] = ipOfPc[imm]!;
          code[at + 3] = snippet.maxStackHeight;
          break;
        }
        if (fusion === Fusion.CallFueled) {
          code[at] = Op.CallFueled;
          code[at + 1] = ipOfPc[imm + 2]!;
          code[at + 2] = bits[imm]!; // the SignatureCheck's signature
          code[at + 3] = bits[imm + 1]!; // the ConsumeFuel's amount
          code[at + 4] = ipOfPc[imm]!; // where the prologue starts (a trap there is reported there)
          break;
        }
        if (fusion === Fusion.CallChecked) {
          code[at] = Op.CallChecked;
          code[at + 1] = ipOfPc[imm + 2]!;
          code[at + 2] = bits[imm]!; // signature
          code[at + 3] = bits[imm + 1]!; // the StackCheck's height
          code[at + 4] = ipOfPc[imm]!;
          break;
        }
        if (fusion === Fusion.CallFueledChecked) {
          code[at] = Op.CallFueledChecked;
          code[at + 1] = ipOfPc[imm + 3]!;
          code[at + 2] = bits[imm]!; // signature
          code[at + 3] = bits[imm + 1]!; // fuel
          code[at + 4] = bits[imm + 2]!; // the StackCheck's height
          code[at + 5] = ipOfPc[imm]!;
          break;
        }
        if (blocks) {
          code[at] = rule.op === Op.CallInternal ? Op.MCallInternal : Op.MReturnCallInternal;
          code[at + 1] = instructionIp[imm]!;
          code[at + 2] = costOfBlockAt(imm);
          break;
        }
        code[at] = rule.op;
        code[at + 1] = ipOfPc[imm]!;
        break;
      }
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
    fused: fuse,
    globalIndexOfSlot,
    slotOfGlobal,
  };
}

/**
 * How many instructions after its first a fusion runs past, whose slots it skips (so they keep
 * their plain size and start no fusion). Fusions that end in a Return skip nothing: they carry
 * the Return's offset instead, and what they cover may be fused on its own.
 */
const CONSUMED: Partial<Record<Fusion, number>> = {
  [Fusion.PrologueFueledChecked]: 2,
  [Fusion.DropReturn]: 0,
  [Fusion.SetDropReturn]: 0,
  [Fusion.FuelDropReturn]: 0,
  [Fusion.FuelSetDropReturn]: 0,
};

/** How many instructions after its first a fusion runs (1 unless listed). */
const COVERED: Partial<Record<Fusion, number>> = {
  [Fusion.SetDropReturn]: 2,
  [Fusion.PrologueFueledChecked]: 2,
  [Fusion.FuelDropReturn]: 2,
  [Fusion.FuelSetDropReturn]: 3,
};

const FUSED_OP: Partial<Record<Fusion, Op>> = {
  [Fusion.LocalGet2]: Op.LocalGet2,
  [Fusion.LocalGetConst]: Op.LocalGetConst,
  [Fusion.LocalSetGet]: Op.LocalSetGet,
  [Fusion.PrologueChecked]: Op.PrologueChecked,
  [Fusion.PrologueFueled]: Op.PrologueFueled,
  [Fusion.FuelLocalGet]: Op.FuelLocalGet,
};

/**
 * Which instructions run fused with what follows them. A pair's second instruction keeps its
 * own slot (a jump into it runs it alone) and never starts a fusion itself, so every slot a
 * fused instruction skips has its plain size. With engine metering (`leader` given) only
 * sequences inside one basic block fuse, and nothing that pays fuel on the way.
 */
function planFusions(
  codes: Uint16Array,
  bits: Uint32Array,
  length: number,
  rules: Rule[],
  snippetCalls: ReadonlyMap<number, unknown>,
  isFpuTrap: (pc: number) => boolean,
  jumpTarget: Uint8Array,
  leader: Uint8Array | undefined,
): Uint8Array {
  const plan = new Uint8Array(length);
  const inBlock = (pc: number, count: number) => {
    for (let k = 1; k <= count; k++) if (leader?.[pc + k]) return false;
    return true;
  };
  const at = (pc: number) => (pc < length ? codes[pc] : -1);
  const paysFuel = (pc: number) => at(pc) === Opcode.ConsumeFuel;
  let consumedUntil = -1;
  for (let pc = 0; pc < length; pc++) {
    if (isFpuTrap(pc)) continue;
    const code = codes[pc]!;
    const rule = rules[pc]!;
    if (leader && (rule.prep === Prep.Branch || code === Opcode.CallInternal || code === Opcode.ConsumeFuel)) continue;
    if (rule.prep === Prep.Branch) {
      if (paysFuel(pc + (bits[pc]! | 0)) || (rule.op !== Op.Br && paysFuel(pc + 1))) plan[pc] = Fusion.PayingBranch;
      continue;
    }
    if (code === Opcode.CallInternal) {
      const target = bits[pc]!;
      if (snippetCalls.has(pc)) plan[pc] = Fusion.I64Snippet;
      else if (at(target) === Opcode.SignatureCheck && paysFuel(target + 1) && at(target + 2) === Opcode.StackCheck) plan[pc] = Fusion.CallFueledChecked;
      else if (at(target) === Opcode.SignatureCheck && paysFuel(target + 1)) plan[pc] = Fusion.CallFueled;
      else if (at(target) === Opcode.SignatureCheck && at(target + 1) === Opcode.StackCheck) plan[pc] = Fusion.CallChecked;
      continue;
    }
    if (pc <= consumedUntil) continue;
    const next = at(pc + 1);
    let fusion = Fusion.None;
    if (code === Opcode.SignatureCheck && next === Opcode.ConsumeFuel && at(pc + 2) === Opcode.StackCheck) fusion = Fusion.PrologueFueledChecked;
    else if (code === Opcode.SignatureCheck && next === Opcode.ConsumeFuel) fusion = Fusion.PrologueFueled;
    else if (code === Opcode.SignatureCheck && next === Opcode.StackCheck) fusion = Fusion.PrologueChecked;
    else if (code === Opcode.LocalGet && next === Opcode.LocalGet) fusion = Fusion.LocalGet2;
    else if (code === Opcode.LocalGet && next === Opcode.I32Const) fusion = Fusion.LocalGetConst;
    else if (code === Opcode.LocalSet && next === Opcode.BulkDrop && at(pc + 2) === Opcode.Return) fusion = Fusion.SetDropReturn;
    else if (code === Opcode.LocalSet && next === Opcode.LocalGet) fusion = Fusion.LocalSetGet;
    else if (code === Opcode.BulkDrop && next === Opcode.Return) fusion = Fusion.DropReturn;
    else if (code === Opcode.ConsumeFuel && next === Opcode.LocalSet && at(pc + 2) === Opcode.BulkDrop && at(pc + 3) === Opcode.Return) fusion = Fusion.FuelSetDropReturn;
    else if (code === Opcode.ConsumeFuel && next === Opcode.BulkDrop && at(pc + 2) === Opcode.Return) fusion = Fusion.FuelDropReturn;
    // Only where control falls in: a paying branch skips the ConsumeFuel and lands on the
    // LocalGet, which is then better off starting a fusion of its own.
    else if (code === Opcode.ConsumeFuel && next === Opcode.LocalGet && !jumpTarget[pc] && rules[pc - 1]?.prep !== Prep.Branch) fusion = Fusion.FuelLocalGet;
    if (fusion !== Fusion.None && !inBlock(pc, COVERED[fusion] ?? 1)) fusion = Fusion.None;
    if (fusion !== Fusion.None) {
      plan[pc] = fusion;
      consumedUntil = Math.max(consumedUntil, pc + (CONSUMED[fusion] ?? 1));
    }
  }
  return plan;
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
