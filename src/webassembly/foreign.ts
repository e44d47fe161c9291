/**
 * Slots for functions of other instances. A funcref in rWasm is a pc of its own program, so a
 * table entry, global or argument holding another instance's function (Emscripten's
 * `addFunction` makes one for every JS callback it puts in the table) needs code in this
 * program that stands for it: after the compiled code come, for each distinct function type,
 * a few trampolines shaped like the compiler's import trampolines (`SignatureCheck`,
 * `StackCheck`, `Call(syscall)`, `Return`), and the instance binds a slot's syscall to the
 * foreign function the first time that function is stored.
 */
import type { WasmModule } from '../compiler/wasm/module.js';
import { sameFuncType } from '../compiler/wasm/types.js';
import { InstructionSet } from '../format/instruction-set.js';
import { RwasmModule } from '../format/module.js';
import { Opcode } from '../format/opcodes.js';

/** The first syscall index of the slots (import trampolines start at 0x1000). */
const FOREIGN_SYSCALL_BASE = 0x100000;

export interface ForeignSlot {
  readonly pc: number;
  readonly syscall: number;
}

export interface ForeignSlots {
  /** Free and used slots per function type, keyed by `signatureKey`. */
  readonly byType: ReadonlyMap<string, readonly ForeignSlot[]>;
  readonly byPc: ReadonlyMap<number, ForeignSlot>;
}

export function signatureKey(params: readonly string[], results: readonly string[]): string {
  return `${params.join(',')}->${results.join(',')}`;
}

/** `module` with `perType` slots appended for every distinct function type of `wasm`. */
export function withForeignSlots(module: RwasmModule, wasm: WasmModule, perType: number, typeKey: (typeIndex: number) => string): { module: RwasmModule; slots: ForeignSlots } {
  const byType = new Map<string, ForeignSlot[]>();
  const byPc = new Map<number, ForeignSlot>();
  if (perType === 0 || wasm.types.length === 0) return { module, slots: { byType, byPc } };
  const raw = module.code.rawView();
  const code = InstructionSet.fromRaw(raw.codes.slice(), raw.bits.slice());
  let syscall = FOREIGN_SYSCALL_BASE;
  wasm.types.forEach((type, typeIndex) => {
    // The compiler's signature of a type is the index of the first structurally equal one.
    const signature = wasm.types.findIndex((other) => sameFuncType(other, type));
    if (signature !== typeIndex) return;
    const slots: ForeignSlot[] = [];
    for (let i = 0; i < perType; i++) {
      const pc = code.pushRaw(Opcode.SignatureCheck, signature);
      code.pushRaw(Opcode.StackCheck, 0);
      code.pushRaw(Opcode.Call, syscall);
      code.pushRaw(Opcode.Return, 0);
      const slot = { pc, syscall: syscall++ };
      slots.push(slot);
      byPc.set(pc, slot);
    }
    byType.set(typeKey(typeIndex), slots);
  });
  const extended = new RwasmModule({ code, data: module.data, elem: module.elem, hint: module.hint, sourcePc: module.sourcePc });
  return { module: extended, slots: { byType, byPc } };
}
