import { RWASM_MAGIC, RWASM_VERSION, type ModuleParts } from './decode.js';
import { IMMEDIATE_BYTES, Immediate, OPCODE_TABLE, opcodeIndex } from './opcodes.js';
import { trapCodeToWire } from './trap-codes.js';

const TWO_POW_32 = 0x1_0000_0000;

/** Encodes a module; the encoder always writes the trailing source_pc, like the reference. */
export function encodeModuleParts(parts: ModuleParts): Uint8Array {
  const { codes, bits, length } = parts.code.rawView();
  let codeBytes = 0;
  for (let pc = 0; pc < length; pc++) {
    codeBytes += 4 + IMMEDIATE_BYTES[OPCODE_TABLE[opcodeIndex(codes[pc]!)]![2]]!;
  }
  const size = 3 + 8 + codeBytes + 8 + parts.data.length + 8 + parts.elem.length * 4 + 8 + parts.hint.length + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const u32 = (value: number) => {
    view.setUint32(at, value, true);
    at += 4;
  };
  const u64 = (value: number) => {
    view.setUint32(at, value % TWO_POW_32, true);
    view.setUint32(at + 4, Math.floor(value / TWO_POW_32), true);
    at += 8;
  };
  out[at++] = RWASM_MAGIC[0];
  out[at++] = RWASM_MAGIC[1];
  out[at++] = RWASM_VERSION;
  u64(length);
  for (let pc = 0; pc < length; pc++) {
    const wire = codes[pc]!;
    const raw = bits[pc]!;
    u32(wire);
    switch (OPCODE_TABLE[opcodeIndex(wire)]![2]) {
      case Immediate.None:
        break;
      case Immediate.U32:
      case Immediate.I32:
      case Immediate.U16Pair:
        // A u16 pair packed as dst | src << 16 is exactly dst then src in little-endian order.
        u32(raw);
        break;
      case Immediate.U16:
        view.setUint16(at, raw, true);
        at += 2;
        break;
      case Immediate.TrapCode:
        u32(trapCodeToWire(raw));
        break;
    }
  }
  u64(parts.data.length);
  out.set(parts.data, at);
  at += parts.data.length;
  u64(parts.elem.length);
  for (const target of parts.elem) u32(target);
  u64(parts.hint.length);
  out.set(parts.hint, at);
  at += parts.hint.length;
  u32(parts.sourcePc);
  return out;
}
