import type { ModuleParts } from './decode.js';
import type { Instruction } from './instructions.js';
import { Immediate, Opcode, immediateKind, opcodeName } from './opcodes.js';
import { TrapCode } from './trap-codes.js';

/** `I32Const 7`, `Br -3`, `TableCopy 1 0`, `Trap OutOfFuel`, `I32Add`. */
export function formatInstruction(instr: Instruction): string {
  const name = opcodeName(instr.opcode);
  switch (immediateKind(instr.opcode)) {
    case Immediate.None:
      return name;
    case Immediate.U16Pair:
      return `${name} ${instr.imm & 0xffff} ${instr.imm >>> 16}`;
    case Immediate.TrapCode:
      return `${name} ${TrapCode[instr.imm] ?? instr.imm}`;
    case Immediate.I32:
      return `${name} ${instr.imm | 0}`;
    default:
      // Constants read better signed (I32Const -1), as the reference prints them.
      return instr.opcode === Opcode.I32Const ? `${name} ${instr.imm | 0}` : `${name} ${instr.imm >>> 0}`;
  }
}

/** Every pc where a function (or the entrypoint / router) begins. */
export function functionStarts(parts: ModuleParts): Set<number> {
  const { codes, bits, length } = parts.code.rawView();
  const starts = new Set<number>([0]);
  if (parts.sourcePc < length) starts.add(parts.sourcePc);
  for (const target of parts.elem) if (target !== 0 && target < length) starts.add(target);
  for (let pc = 0; pc < length; pc++) {
    const code = codes[pc];
    if (code === Opcode.SignatureCheck) starts.add(pc);
    if (code === Opcode.CallInternal || code === Opcode.ReturnCallInternal || code === Opcode.RefFunc) {
      const target = bits[pc]!;
      if ((target !== 0 || code !== Opcode.RefFunc) && target < length) starts.add(target);
    }
  }
  return starts;
}

/**
 * A listing with one instruction per line: its pc, the instruction, and where a branch, call or
 * branch table goes; function starts get a label line.
 */
export function disassemble(parts: ModuleParts): string {
  const { length } = parts.code.rawView();
  const starts = functionStarts(parts);
  const width = Math.max(4, String(Math.max(length - 1, 0)).length);
  const pad = (pc: number) => String(pc).padStart(width, '0');
  const lines: string[] = [
    `; rWasm v1: ${length} instructions, source_pc ${parts.sourcePc}, ` +
      `data ${parts.data.length} bytes, elem ${parts.elem.length} entries, hint ${parts.hint.length} bytes`,
  ];
  for (let pc = 0; pc < length; pc++) {
    if (starts.has(pc)) {
      const role = pc === 0 ? '  ; entrypoint (init code)' : pc === parts.sourcePc ? '  ; source_pc (main entry)' : '';
      lines.push(`func_${pc}:${role}`);
    }
    const instr = parts.code.get(pc);
    const text = formatInstruction(instr);
    const note = describeTarget(instr, pc, length);
    lines.push(note ? `  ${pad(pc)}  ${text.padEnd(28)} ; ${note}` : `  ${pad(pc)}  ${text}`);
  }
  return lines.join('\n') + '\n';
}

function describeTarget(instr: Instruction, pc: number, length: number): string | undefined {
  switch (instr.opcode) {
    case Opcode.Br:
    case Opcode.BrIfEqz:
    case Opcode.BrIfNez:
      return `-> ${pc + instr.imm}`;
    case Opcode.BrTable: {
      const slots: number[] = [];
      for (let k = 0; k < Math.min(instr.imm, 8); k++) slots.push(pc + 1 + 2 * k);
      const more = instr.imm > 8 ? `, … (${instr.imm} slots)` : '';
      return `slots ${slots.join(', ')}${more}, last is default`;
    }
    case Opcode.CallInternal:
    case Opcode.ReturnCallInternal:
      return instr.imm < length ? `-> func_${instr.imm}` : undefined;
    case Opcode.RefFunc:
      return instr.imm === 0 ? 'null' : `func_${instr.imm}`;
    case Opcode.Call:
    case Opcode.ReturnCall:
      return `syscall 0x${instr.imm.toString(16)}`;
    case Opcode.CallIndirect:
    case Opcode.ReturnCallIndirect:
      return `signature ${instr.imm}, table from the next TableGet`;
    default:
      return undefined;
  }
}
