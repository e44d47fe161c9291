import { RwasmError } from '../errors.js';
import type { ModuleParts } from './decode.js';
import { Opcode, opcodeName } from './opcodes.js';

export const MAX_TABLES = 100;
export const MAX_DATA_SEGMENTS = 100_000;
export const MAX_ELEM_SEGMENTS = 100_000;

const enum Rule {
  None,
  Branch,
  BranchTable,
  CodeTarget,
  NullableCodeTarget,
  TablePayload,
  LocalDepth,
  DataSegment,
  ElemSegment,
  ElemSegmentWithPayload,
  Table,
  TablePair,
}

// Which rule checks which opcode, by wire code (opcodes without a rule are not listed).
export const RULE_BY_CODE = new Uint8Array(Opcode.BulkDrop + 1);
const assign = (rule: Rule, ...codes: number[]) => codes.forEach((code) => (RULE_BY_CODE[code] = rule));
assign(Rule.Branch, Opcode.Br, Opcode.BrIfEqz, Opcode.BrIfNez);
assign(Rule.BranchTable, Opcode.BrTable);
assign(Rule.CodeTarget, Opcode.CallInternal, Opcode.ReturnCallInternal);
assign(Rule.NullableCodeTarget, Opcode.RefFunc);
assign(Rule.TablePayload, Opcode.CallIndirect, Opcode.ReturnCallIndirect);
assign(Rule.LocalDepth, Opcode.LocalGet, Opcode.LocalSet, Opcode.LocalTee);
assign(Rule.DataSegment, Opcode.MemoryInit, Opcode.DataDrop);
assign(Rule.ElemSegmentWithPayload, Opcode.TableInit);
assign(Rule.ElemSegment, Opcode.ElemDrop);
assign(Rule.Table, Opcode.TableSize, Opcode.TableGrow, Opcode.TableFill, Opcode.TableGet, Opcode.TableSet);
assign(Rule.TablePair, Opcode.TableCopy);

const TABLE_GET: number = Opcode.TableGet;

/** The reference's verification error kinds, reported as `details.reason`. */
export type VerificationFailure =
  | 'EmptyCodeSection'
  | 'SourcePcOutOfBounds'
  | 'BranchTargetOutOfBounds'
  | 'ZeroBranchOffset'
  | 'BranchTableTargetsOutOfBounds'
  | 'CallTargetOutOfBounds'
  | 'ElementTargetOutOfBounds'
  | 'LocalDepthOutOfBounds'
  | 'DataSegmentOutOfBounds'
  | 'ElementSegmentOutOfBounds'
  | 'TableIndexOutOfBounds'
  | 'MissingTableIndexPayload'
  | 'InvalidTableIndexPayload';

function fail(reason: VerificationFailure, message: string, details: Record<string, number> = {}): never {
  throw new RwasmError('VerificationFailed', `verification failed: ${reason}: ${message}`, { reason, ...details });
}

/**
 * Whether the instruction at `pc` breaks one of the rules that look at it alone (not its
 * payload): the decoder runs this on every instruction as it reads it, so verification needs
 * no second pass over the code.
 */
export function breaksOwnRule(code: number, imm: number, pc: number, length: number): boolean {
  const rule = code < RULE_BY_CODE.length ? RULE_BY_CODE[code]! : Rule.None;
  switch (rule) {
    case Rule.None:
    case Rule.TablePayload:
      return false;
    case Rule.Branch: {
      const target = pc + (imm | 0);
      return imm === 0 || target < 0 || target >= length;
    }
    case Rule.BranchTable:
      return imm === 0 || pc + 2 * imm >= length;
    case Rule.CodeTarget:
      return imm >= length;
    case Rule.NullableCodeTarget:
      return imm !== 0 && imm >= length;
    case Rule.LocalDepth:
      return imm === 0;
    case Rule.DataSegment:
      return imm >= MAX_DATA_SEGMENTS;
    case Rule.ElemSegment:
      return imm >= MAX_ELEM_SEGMENTS;
    case Rule.ElemSegmentWithPayload:
      return imm >= MAX_ELEM_SEGMENTS;
    case Rule.Table:
      return imm >= MAX_TABLES;
    case Rule.TablePair:
      return (imm & 0xffff) >= MAX_TABLES || imm >>> 16 >= MAX_TABLES;
  }
  return false;
}

/** Whether the instruction `code` must be followed by a TableGet payload naming its table. */
export function needsPayload(code: number): boolean {
  return code === Opcode.CallIndirect || code === Opcode.ReturnCallIndirect || code === Opcode.TableInit;
}

/**
 * The reference's post-decode verification, rule for rule and in its order; the first failure
 * wins. It guarantees static targets are in range, which the interpreter relies on; it does not
 * prove the program well-behaved (stack discipline is still checked while running).
 *
 * `firstInvalidPc`, when the decoder already looked at every instruction, is the first pc that
 * breaks an instruction rule (-1: none), and the per-instruction pass is skipped.
 */
export function verifyModuleParts(parts: ModuleParts, firstInvalidPc?: number): void {
  const { codes, bits, length } = parts.code.rawView();
  if (length === 0) fail('EmptyCodeSection', 'the code section is empty');
  if (parts.sourcePc >= length) {
    fail('SourcePcOutOfBounds', `source_pc ${parts.sourcePc} is not below the code length ${length}`, {
      sourcePc: parts.sourcePc,
      codeLength: length,
    });
  }
  const elem = parts.elem;
  for (let index = 0; index < elem.length; index++) {
    const target = elem[index]!;
    if (target !== 0 && target >= length) {
      fail('ElementTargetOutOfBounds', `element ${index} targets pc ${target}, code length is ${length}`, {
        index,
        target,
        codeLength: length,
      });
    }
  }
  if (firstInvalidPc !== undefined) {
    if (firstInvalidPc >= 0) {
      const code = codes[firstInvalidPc]!;
      checkInstruction(RULE_BY_CODE[code]!, code, bits[firstInvalidPc]!, firstInvalidPc, codes, bits, length);
    }
    return;
  }
  // No closures over the loop's arrays: captured variables live in a heap context and would
  // make every access in this hot loop a memory load.
  for (let pc = 0; pc < length; pc++) {
    const code = codes[pc]!;
    const rule = code < RULE_BY_CODE.length ? RULE_BY_CODE[code]! : Rule.None;
    if (rule !== Rule.None) checkInstruction(rule, code, bits[pc]!, pc, codes, bits, length);
  }
}

function checkInstruction(rule: Rule, code: number, imm: number, pc: number, codes: Uint16Array, bits: Uint32Array, length: number): void {
  switch (rule) {
    case Rule.Branch: {
      const offset = imm | 0;
      if (offset === 0) fail('ZeroBranchOffset', `pc ${pc}: branch offset 0`, { pc });
      const target = pc + offset;
      if (target < 0 || target >= length) {
        fail('BranchTargetOutOfBounds', `pc ${pc}: branch offset ${offset} leaves the code (length ${length})`, {
          pc,
          offset,
          codeLength: length,
        });
      }
      break;
    }
    case Rule.BranchTable:
      if (imm === 0 || pc + 2 * imm >= length) {
        fail('BranchTableTargetsOutOfBounds', `pc ${pc}: ${imm} targets do not fit the code (length ${length})`, {
          pc,
          targets: imm,
          codeLength: length,
        });
      }
      break;
    case Rule.CodeTarget:
      checkCodeTarget(pc, imm, length);
      break;
    case Rule.NullableCodeTarget:
      if (imm !== 0) checkCodeTarget(pc, imm, length);
      break;
    case Rule.TablePayload:
      checkTablePayload(pc, codes, bits, length);
      break;
    case Rule.LocalDepth:
      if (imm === 0) fail('LocalDepthOutOfBounds', `pc ${pc}: ${opcodeName(code as Opcode)} depth 0`, { pc, depth: 0 });
      break;
    case Rule.DataSegment:
      if (imm >= MAX_DATA_SEGMENTS) {
        fail('DataSegmentOutOfBounds', `pc ${pc}: data segment ${imm} is not below ${MAX_DATA_SEGMENTS}`, { pc, segment: imm });
      }
      break;
    case Rule.ElemSegment:
    case Rule.ElemSegmentWithPayload:
      if (imm >= MAX_ELEM_SEGMENTS) {
        fail('ElementSegmentOutOfBounds', `pc ${pc}: element segment ${imm} is not below ${MAX_ELEM_SEGMENTS}`, { pc, segment: imm });
      }
      if (rule === Rule.ElemSegmentWithPayload) checkTablePayload(pc, codes, bits, length);
      break;
    case Rule.Table:
      checkTableIndex(pc, imm);
      break;
    case Rule.TablePair:
      checkTableIndex(pc, imm & 0xffff);
      checkTableIndex(pc, imm >>> 16);
      break;
  }
}

function checkTableIndex(pc: number, table: number): void {
  if (table >= MAX_TABLES) fail('TableIndexOutOfBounds', `pc ${pc}: table ${table} is not below ${MAX_TABLES}`, { pc, table });
}

function checkTablePayload(pc: number, codes: Uint16Array, bits: Uint32Array, length: number): void {
  if (pc + 1 >= length) fail('MissingTableIndexPayload', `pc ${pc}: no TableGet payload follows`, { pc });
  if (codes[pc + 1] !== TABLE_GET) fail('InvalidTableIndexPayload', `pc ${pc}: the next instruction is not a TableGet payload`, { pc });
  checkTableIndex(pc, bits[pc + 1]!);
}

function checkCodeTarget(pc: number, target: number, length: number): void {
  if (target >= length) {
    fail('CallTargetOutOfBounds', `pc ${pc}: target ${target} is not below the code length ${length}`, {
      pc,
      target,
      codeLength: length,
    });
  }
}
