import { RwasmError } from '../errors.js';
import { instruction, type Instruction } from './instructions.js';
import { Opcode } from './opcodes.js';

/** A reference to a label, resolved by `assemble` into a branch offset or an absolute pc. */
export interface LabelRef {
  readonly opcode: Opcode;
  readonly label: string;
}

/** A label definition: the pc of the next instruction gets this name. */
export interface LabelDef {
  readonly defines: string;
}

export type AsmItem = Instruction | LabelRef | LabelDef;

/**
 * Label helpers for writing rWasm by hand: branches get offsets relative to themselves, calls
 * and RefFunc get absolute pcs.
 *
 * ```ts
 * const { code } = assemble([
 *   ins.I32Const(10),
 *   label('loop'),
 *   ins.I32Const(1), ins.I32Sub(), ins.LocalTee(1),
 *   to.BrIfNez('loop'),
 *   ins.Return(),
 * ]);
 * ```
 */
export const to = {
  Br: (label: string): LabelRef => ({ opcode: Opcode.Br, label }),
  BrIfEqz: (label: string): LabelRef => ({ opcode: Opcode.BrIfEqz, label }),
  BrIfNez: (label: string): LabelRef => ({ opcode: Opcode.BrIfNez, label }),
  CallInternal: (label: string): LabelRef => ({ opcode: Opcode.CallInternal, label }),
  ReturnCallInternal: (label: string): LabelRef => ({ opcode: Opcode.ReturnCallInternal, label }),
  RefFunc: (label: string): LabelRef => ({ opcode: Opcode.RefFunc, label }),
};

export function label(name: string): LabelDef {
  return { defines: name };
}

const RELATIVE = new Set<number>([Opcode.Br, Opcode.BrIfEqz, Opcode.BrIfNez]);

export function assemble(items: readonly AsmItem[]): { code: Instruction[]; labels: ReadonlyMap<string, number> } {
  const labels = new Map<string, number>();
  let pc = 0;
  for (const item of items) {
    if ('defines' in item) {
      if (labels.has(item.defines)) throw new RwasmError('InvalidArgument', `label ${item.defines} is defined twice`);
      labels.set(item.defines, pc);
    } else {
      pc++;
    }
  }
  const code: Instruction[] = [];
  for (const item of items) {
    if ('defines' in item) continue;
    if ('label' in item) {
      const target = labels.get(item.label);
      if (target === undefined) throw new RwasmError('InvalidArgument', `label ${item.label} is not defined`);
      const here = code.length;
      code.push(instruction(item.opcode, RELATIVE.has(item.opcode) ? target - here : target));
    } else {
      code.push(item);
    }
  }
  return { code, labels };
}
