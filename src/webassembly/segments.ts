/**
 * What the instance does itself for a rewritten module (binary.ts): evaluating the constant
 * expressions of the active segments against the instance's globals and copying the segments
 * into the imported memory and tables, in the JS API's order, with its bounds checks.
 */
import type { ConstExpr, WasmModule } from '../compiler/wasm/module.js';
import { TrapCode } from '../format/trap-codes.js';
import type { Store } from '../interpreter/store.js';
import { RuntimeError } from './errors.js';

/** What constant expressions read: a global's value as an i64 (its bits), a function's pc. */
export interface ConstantContext {
  globalBits(index: number): bigint;
  functionPc(index: number): number;
}

export function evaluateConstant(expr: ConstExpr, context: ConstantContext): bigint {
  const stack: bigint[] = [];
  for (const { op, a, lo, hi } of expr.ops) {
    switch (op) {
      case 0x41: // i32.const
      case 0x43: // f32.const (bits)
        stack.push(BigInt(a | 0));
        break;
      case 0x42: // i64.const
      case 0x44: // f64.const (bits)
        stack.push(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
        break;
      case 0xd0: // ref.null
        stack.push(0n);
        break;
      case 0xd2: // ref.func
        stack.push(BigInt(context.functionPc(a)));
        break;
      case 0x23: // global.get
        stack.push(context.globalBits(a));
        break;
      default: {
        const rhs = stack.pop()!;
        const lhs = stack.pop()!;
        const wide = op >= 0x7c;
        const result = op === 0x6a || op === 0x7c ? lhs + rhs : op === 0x6b || op === 0x7d ? lhs - rhs : lhs * rhs;
        stack.push(wide ? BigInt.asIntN(64, result) : BigInt.asIntN(32, result));
      }
    }
  }
  return stack.pop() ?? 0n;
}

/** Copies the module's active element segments into the store's tables, as instantiation does (a trap stops at the first that does not fit). */
export function applyElementSegments(wasm: WasmModule, store: Store, context: ConstantContext): void {
  wasm.elements.forEach((segment, index) => {
    if (segment.mode !== 'active') return;
    const offset = Number(BigInt.asUintN(32, evaluateConstant(segment.offset!, context)));
    const words = segment.items.map((item) => (typeof item === 'number' ? context.functionPc(item) : Number(BigInt.asUintN(32, evaluateConstant(item, context)))));
    const table = store.tables[segment.table]!;
    if (offset + words.length > table.size) throw new RuntimeError(TrapCode.TableOutOfBounds, undefined, 'out of bounds table access: an element segment does not fit the imported table');
    table.elements.set(words, offset);
    // The init code drops every active segment it applied (DataDrop/ElemDrop take index + 1).
    store.elemDropped.drop(index + 1);
  });
}

/** Copies the module's active data segments into the store's memory, as instantiation does. */
export function applyDataSegments(wasm: WasmModule, store: Store, context: ConstantContext): void {
  wasm.datas.forEach((segment, index) => {
    if (segment.mode !== 'active') return;
    const offset = Number(BigInt.asUintN(32, evaluateConstant(segment.offset!, context)));
    const memory = store.memory.bytes;
    if (offset + segment.bytes.length > memory.length) {
      throw new RuntimeError(TrapCode.MemoryOutOfBounds, undefined, 'out of bounds memory access: a data segment does not fit the imported memory');
    }
    memory.set(segment.bytes, offset);
    store.dataDropped.drop(index + 1);
  });
}
