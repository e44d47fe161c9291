/**
 * Pre-decoding: turns a verified module's code section into the flat `Int32Array` the dispatch
 * loop runs. Each rWasm instruction at pc becomes one internal instruction at `ipOfPc[pc]`:
 * `[op, immediates…]`, with everything that can be resolved once resolved here — branch and
 * call targets become absolute positions in the prepared code, the table of an indirect call is
 * read from its `TableGet` payload, global word indices become dense slots, and FPU opcodes
 * become traps when the FPU is off. Pcs stay the reference's pcs: the program only ever sees
 * them (RefFunc, tables), and `ipOfPc` maps them to prepared positions.
 */
import type { RwasmModule } from '../format/module.js';
import { FPU_CODE_BASE, OPCODE_TABLE, Opcode, opcodeIndex } from '../format/opcodes.js';
import { TrapCode } from '../format/trap-codes.js';
import { Op } from './execute.js';

export interface PrepareOptions {
  /** Execute FPU opcodes; when false (the reference's default build) they trap IllegalOpcode. */
  fpu?: boolean;
}

/** A module ready to run: its prepared code plus what the interpreter needs beside it. */
export interface Program {
  readonly module: RwasmModule;
  readonly code: Int32Array;
  /** Prepared position of each pc; one extra entry for the end of the code. */
  readonly ipOfPc: Int32Array;
  readonly codeLength: number;
  readonly data: Uint8Array;
  readonly elem: Int32Array;
  readonly fpu: boolean;
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

const FPU_MEMORY_OPS = new Set(['F32Load', 'F64Load', 'F32Store', 'F64Store']);

// One rule per opcode, derived from the opcode table: every rWasm opcode must have a same-named
// internal op or a special preparation, so a new opcode cannot be forgotten silently.
const RULES: Rule[] = OPCODE_TABLE.map(([name, code, imm]) => {
  if (code >= FPU_CODE_BASE && !FPU_MEMORY_OPS.has(name)) return { prep: Prep.FpuStack, op: Op.Fpu, hasImmediate: true };
  const op = Op[name as keyof typeof Op];
  if (op === undefined) throw new Error(`rwasm-ts internal error: no interpreter op for ${name}`);
  return { prep: SPECIAL[name] ?? Prep.Plain, op, hasImmediate: imm !== 0 };
});

function preparedLength(rule: Rule, bits: number, fpu: boolean, code: number): number {
  if (code >= FPU_CODE_BASE && !fpu) return 2; // [Trap, IllegalOpcode]
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

const programs = new WeakMap<RwasmModule, Map<boolean, Program>>();

/** Prepares (and memoises per module and FPU setting) a verified module for execution. */
export function prepareProgram(module: RwasmModule, options: PrepareOptions = {}): Program {
  const fpu = options.fpu ?? false;
  let byFpu = programs.get(module);
  if (!byFpu) programs.set(module, (byFpu = new Map()));
  let program = byFpu.get(fpu);
  if (!program) {
    module.verify();
    program = buildProgram(module, fpu);
    byFpu.set(fpu, program);
  }
  return program;
}

function buildProgram(module: RwasmModule, fpu: boolean): Program {
  const { codes, bits, length } = module.code.rawView();
  const ipOfPc = new Int32Array(length + 1);
  const rules = new Array<Rule>(length);
  let size = 0;
  const slotOfGlobal = new Map<number, number>();
  for (let pc = 0; pc < length; pc++) {
    const rule = RULES[opcodeIndex(codes[pc]!)]!;
    rules[pc] = rule;
    ipOfPc[pc] = size;
    size += preparedLength(rule, bits[pc]!, fpu, codes[pc]!);
    if (rule.prep === Prep.Global && !slotOfGlobal.has(bits[pc]!)) slotOfGlobal.set(bits[pc]!, slotOfGlobal.size);
  }
  ipOfPc[length] = size;
  const code = new Int32Array(size + 1);
  code[size] = Op.FellOffEnd;

  for (let pc = 0; pc < length; pc++) {
    const rule = rules[pc]!;
    const imm = bits[pc]!;
    let at = ipOfPc[pc]!;
    if (codes[pc]! >= FPU_CODE_BASE && !fpu) {
      code[at] = Op.Trap;
      code[at + 1] = TrapCode.IllegalOpcode;
      continue;
    }
    switch (rule.prep) {
      case Prep.Plain:
        code[at] = rule.op;
        if (rule.hasImmediate) code[at + 1] = imm;
        break;
      case Prep.Branch: {
        const target = pc + (imm | 0);
        const backward = target <= pc;
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

  const globalIndexOfSlot = new Uint32Array(slotOfGlobal.size);
  for (const [index, slot] of slotOfGlobal) globalIndexOfSlot[slot] = index;
  return {
    module,
    code,
    ipOfPc,
    codeLength: length,
    data: module.data,
    elem: new Int32Array(module.elem.buffer, module.elem.byteOffset, module.elem.length),
    fpu,
    globalIndexOfSlot,
    slotOfGlobal,
  };
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
