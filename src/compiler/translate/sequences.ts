import { RwasmError } from '../../errors.js';
import { OPCODE_TABLE, type Opcode } from '../../format/opcodes.js';
import { I64_SEQUENCES, type I64SequenceName } from './i64-sequences.js';

/** A fixed instruction sequence as parallel raw arrays (wire code, immediate bits). */
export interface RawSequence {
  readonly codes: readonly Opcode[];
  readonly bits: readonly number[];
  readonly maxStackHeight: number;
}

const CODE_BY_NAME = new Map<string, Opcode>(OPCODE_TABLE.map(([name, code]) => [name, code]));

function parse(text: string, maxStackHeight: number): RawSequence {
  const codes: Opcode[] = [];
  const bits: number[] = [];
  for (const token of text.trim().split(/\s+/)) {
    const match = /^(\w+)(?:\((-?\d+)\))?$/.exec(token);
    const code = match ? CODE_BY_NAME.get(match[1]!) : undefined;
    if (!match || code === undefined) throw new RwasmError('InvalidArgument', `bad sequence token ${token}`);
    codes.push(code);
    bits.push(match[2] === undefined ? 0 : Number(match[2]) >>> 0);
  }
  return { codes, bits, maxStackHeight };
}

const parsed = new Map<I64SequenceName, RawSequence>();

export function i64Sequence(name: I64SequenceName): RawSequence {
  let sequence = parsed.get(name);
  if (!sequence) {
    const definition = I64_SEQUENCES[name];
    sequence = parse(definition.code, definition.maxStackHeight);
    parsed.set(name, sequence);
  }
  return sequence;
}
