/**
 * A deliberately naive Wasm interpreter that counts executed instructions: the oracle for the
 * benchmark kernels' closed-form instruction counts (and a second opinion on their results).
 * It supports the integer subset the kernels use and nothing else.
 *
 * Counting rule: every operator dispatched counts one, including `block`, `loop`, `if`, an
 * `else` reached at the end of a then-branch, and an `end` reached by falling through (the
 * function's final `end` too). A branch does not execute the `end` it jumps past, and a branch
 * to a loop continues after its `loop`.
 */
import { parseModule, type WasmModule } from '../../src/compiler/wasm/module.js';
import { Immediates, readOperator } from '../../src/compiler/wasm/operators.js';
import { readLocals } from '../../src/compiler/wasm/locals.js';
import { WasmReader } from '../../src/compiler/wasm/reader.js';
import { I64, type FuncType } from '../../src/compiler/wasm/types.js';

interface Instr {
  op: number;
  a: number;
  b: number;
  offset: number;
  i64: bigint;
  targets: number[];
  /** For block/loop/if: the index of the matching end; for if: of its else (or -1). */
  end: number;
  elseAt: number;
  /** Values a branch to this block carries (its results; a loop's params, here always 0). */
  arity: number;
}

interface Func {
  type: FuncType;
  localTypes: number[];
  code: Instr[];
}

type Value = number | bigint;

const MASK64 = (1n << 64n) - 1n;
const u64 = (x: bigint) => x & MASK64;
const s64 = (x: bigint) => BigInt.asIntN(64, x);

export class WasmCounter {
  count = 0;
  private readonly module: WasmModule;
  private readonly funcs: Func[];
  private readonly memory: DataView;
  private readonly bytes: Uint8Array;
  private readonly globals: Value[];
  private readonly table: number[];

  constructor(wasm: Uint8Array) {
    this.module = parseModule(wasm);
    const m = this.module;
    if (m.imports.length > 0) throw new Error('the counter runs modules without imports');
    this.funcs = m.bodies.map((body, i) => decodeFunction(m, m.types[m.functions[i]!]!, body.start, body.end));
    const pages = m.memories[0]?.min ?? 0;
    this.bytes = new Uint8Array(pages * 65536);
    this.memory = new DataView(this.bytes.buffer);
    this.globals = m.globals.map((g, i) => {
      const init = m.globalInits[i]!.ops[0]!;
      return g.type === I64 ? s64((BigInt(init.hi >>> 0) << 32n) | BigInt(init.lo >>> 0)) : init.a | 0;
    });
    this.table = [];
    for (const segment of m.elements) {
      const offset = segment.offset?.ops[0]?.a ?? 0;
      segment.items.forEach((item, k) => (this.table[offset + k] = typeof item === 'number' ? item : item.ops[0]!.a));
    }
    for (const data of m.datas) {
      if (data.offset) this.bytes.set(data.bytes, data.offset.ops[0]!.a);
    }
  }

  /** Calls an export; returns its results (i32 as signed numbers, i64 as signed bigints). */
  invoke(name: string, args: Value[]): Value[] {
    const e = this.module.exports.find((x) => x.name === name && x.kind === 0);
    if (!e) throw new Error(`no export ${name}`);
    return this.call(e.index, args);
  }

  private call(index: number, args: Value[]): Value[] {
    const f = this.funcs[index]!;
    const locals: Value[] = [...args, ...f.localTypes.map((t) => (t === I64 ? 0n : 0))];
    const stack: Value[] = [];
    const labels: Array<{ height: number; arity: number; target: number; isLoop: boolean }> = [];
    const code = f.code;
    let pc = 0;
    const branch = (depth: number): void => {
      if (depth === labels.length) {
        pc = code.length; // the function's own label: return
        return;
      }
      const label = labels[labels.length - 1 - depth]!;
      const carried = label.isLoop ? [] : stack.splice(stack.length - label.arity, label.arity);
      stack.length = label.height;
      stack.push(...carried);
      labels.length -= label.isLoop ? depth : depth + 1;
      pc = label.target;
    };
    for (;;) {
      if (pc === code.length) return stack.splice(stack.length - f.type.results.length);
      const ins = code[pc]!;
      this.count++;
      pc++;
      const op = ins.op;
      switch (op) {
        case 0x00: throw new Error('unreachable');
        case 0x01: break;
        case 0x02: labels.push({ height: stack.length, arity: ins.arity, target: ins.end + 1, isLoop: false }); break;
        case 0x03: labels.push({ height: stack.length, arity: 0, target: pc, isLoop: true }); break;
        case 0x04: {
          const c = stack.pop() as number;
          labels.push({ height: stack.length, arity: ins.arity, target: ins.end + 1, isLoop: false });
          if (c === 0) {
            if (ins.elseAt >= 0) pc = ins.elseAt + 1;
            else { labels.pop(); pc = ins.end + 1; }
          }
          break;
        }
        case 0x05: labels.pop(); pc = ins.end + 1; break; // reached at the end of a then-branch
        case 0x0b: if (labels.length > 0) labels.pop(); else return stack.splice(stack.length - f.type.results.length); break;
        case 0x0c: branch(ins.a); break;
        case 0x0d: if ((stack.pop() as number) !== 0) branch(ins.a); break;
        case 0x0e: { const i = (stack.pop() as number) >>> 0; branch(i < ins.targets.length ? ins.targets[i]! : ins.a); break; }
        case 0x0f: return stack.splice(stack.length - f.type.results.length);
        case 0x10: case 0x11: {
          const callee = op === 0x10 ? ins.a : this.table[(stack.pop() as number) >>> 0]!;
          const type = this.module.types[this.module.functions[callee]!]!;
          const args = stack.splice(stack.length - type.params.length);
          stack.push(...this.call(callee, args));
          break;
        }
        case 0x1a: stack.pop(); break;
        case 0x1b: { const c = stack.pop() as number; const b = stack.pop()!; const a = stack.pop()!; stack.push(c !== 0 ? a : b); break; }
        case 0x20: stack.push(locals[ins.a]!); break;
        case 0x21: locals[ins.a] = stack.pop()!; break;
        case 0x22: locals[ins.a] = stack[stack.length - 1]!; break;
        case 0x23: stack.push(this.globals[ins.a]!); break;
        case 0x24: this.globals[ins.a] = stack.pop()!; break;
        case 0x28: stack.push(this.memory.getInt32(this.addr(stack.pop() as number, ins.offset, 4), true)); break;
        case 0x29: stack.push(this.memory.getBigInt64(this.addr(stack.pop() as number, ins.offset, 8), true)); break;
        case 0x36: { const v = stack.pop() as number; this.memory.setInt32(this.addr(stack.pop() as number, ins.offset, 4), v, true); break; }
        case 0x37: { const v = stack.pop() as bigint; this.memory.setBigInt64(this.addr(stack.pop() as number, ins.offset, 8), v, true); break; }
        case 0x41: stack.push(ins.a | 0); break;
        case 0x42: stack.push(ins.i64); break;
        case 0x45: stack.push((stack.pop() as number) === 0 ? 1 : 0); break;
        case 0x50: stack.push((stack.pop() as bigint) === 0n ? 1 : 0); break;
        case 0xa7: stack.push(Number(BigInt.asIntN(32, stack.pop() as bigint))); break;
        case 0xac: stack.push(BigInt(stack.pop() as number)); break;
        case 0xad: stack.push(BigInt((stack.pop() as number) >>> 0)); break;
        default: {
          const b = stack.pop()!;
          const a = stack.pop()!;
          stack.push(typeof a === 'bigint' ? binary64(op, a, b as bigint) : binary32(op, a, b as number));
        }
      }
    }
  }

  private addr(base: number, offset: number, size: number): number {
    const at = (base >>> 0) + offset;
    if (at + size > this.bytes.length) throw new Error('out of bounds memory access');
    return at;
  }
}

function binary32(op: number, a: number, b: number): number {
  const ua = a >>> 0;
  const ub = b >>> 0;
  switch (op) {
    case 0x46: return a === b ? 1 : 0;
    case 0x47: return a !== b ? 1 : 0;
    case 0x48: return a < b ? 1 : 0;
    case 0x49: return ua < ub ? 1 : 0;
    case 0x4a: return a > b ? 1 : 0;
    case 0x4b: return ua > ub ? 1 : 0;
    case 0x4c: return a <= b ? 1 : 0;
    case 0x4d: return ua <= ub ? 1 : 0;
    case 0x4e: return a >= b ? 1 : 0;
    case 0x4f: return ua >= ub ? 1 : 0;
    case 0x6a: return (a + b) | 0;
    case 0x6b: return (a - b) | 0;
    case 0x6c: return Math.imul(a, b);
    case 0x71: return a & b;
    case 0x72: return a | b;
    case 0x73: return a ^ b;
    case 0x74: return a << (b & 31);
    case 0x75: return a >> (b & 31);
    case 0x76: return (a >>> (b & 31)) | 0;
    case 0x77: return (a << (b & 31)) | (a >>> ((32 - (b & 31)) & 31));
    case 0x78: return (a >>> (b & 31)) | (a << ((32 - (b & 31)) & 31));
    default: throw new Error(`the counter does not know i32 operator 0x${op.toString(16)}`);
  }
}

function binary64(op: number, a: bigint, b: bigint): Value {
  const ua = u64(a);
  const ub = u64(b);
  const k = ub & 63n;
  switch (op) {
    case 0x51: return a === b ? 1 : 0;
    case 0x52: return a !== b ? 1 : 0;
    case 0x54: return ua < ub ? 1 : 0;
    case 0x56: return ua > ub ? 1 : 0;
    case 0x5a: return ua >= ub ? 1 : 0;
    case 0x7c: return s64(a + b);
    case 0x7d: return s64(a - b);
    case 0x7e: return s64(a * b);
    case 0x83: return s64(a & b);
    case 0x84: return s64(a | b);
    case 0x85: return s64(a ^ b);
    case 0x86: return s64(ua << k);
    case 0x88: return s64(ua >> k);
    case 0x89: return s64((ua << k) | (ua >> ((64n - k) & 63n)));
    default: throw new Error(`the counter does not know i64 operator 0x${op.toString(16)}`);
  }
}

function decodeFunction(module: WasmModule, type: FuncType, start: number, end: number): Func {
  const reader = new WasmReader(module.bytes, start, end);
  const locals = readLocals(reader, type.params);
  const imm = new Immediates();
  const code: Instr[] = [];
  const open: number[] = [];
  while (reader.pos < reader.end) {
    const op = readOperator(reader, imm);
    const ins: Instr = {
      op,
      a: imm.a,
      b: imm.b,
      offset: imm.offset,
      i64: BigInt.asIntN(64, (BigInt(imm.hi >>> 0) << 32n) | BigInt(imm.lo >>> 0)),
      targets: op === 0x0e ? Array.from(imm.targets.subarray(0, imm.targetCount)) : [],
      end: -1,
      elseAt: -1,
      arity: imm.blockKind === 1 ? 1 : imm.blockKind === 2 ? module.types[imm.blockValue]!.results.length : 0,
    };
    const at = code.push(ins) - 1;
    if (op === 0x02 || op === 0x03 || op === 0x04) open.push(at);
    else if (op === 0x05) code[open[open.length - 1]!]!.elseAt = at;
    else if (op === 0x0b && open.length > 0) {
      const opener = code[open.pop()!]!;
      opener.end = at;
      if (opener.elseAt >= 0) code[opener.elseAt]!.end = at;
    }
  }
  // The final `end` belongs to the function itself: keep it (it counts) and stop there.
  return { type, localTypes: locals.all.slice(type.params.length), code };
}
