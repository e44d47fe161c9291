/**
 * The dispatch loop: one function, one `switch` over the prepared code (see prepare.ts), with
 * the stack pointer, instruction pointer, call depth and fuel budget held in locals and written
 * back only when the loop exits. Nothing is allocated per instruction.
 *
 * `Op` is the interpreter's own instruction set. It is declared here, in the file that
 * switches over it, so every `case` compiles to a literal and V8 builds a jump table.
 */
import { TrapCode } from '../format/trap-codes.js';
import { FPU_TRAPPED, executeFpu, fpuTrapCode } from './fpu.js';
import { i64Operation, i64Traps, mulHigh, type I64Kind } from './i64.js';
import type { Store } from './store.js';
import { Table } from './store.js';

export enum Op {
  // control
  Unreachable,
  Trap, // [op, trapCode]
  Br, // [op, targetIp]   forward
  BrBack, // [op, targetIp] backward: checks the stack pointer
  BrIfEqz,
  BrIfEqzBack,
  BrIfNez,
  BrIfNezBack,
  BrTable, // [op, n, slotIp × n]
  Return,
  ReturnCallInternal, // [op, targetIp]
  ReturnCall, // [op, sysIndex]
  ReturnCallIndirect, // [op, signature, table]
  CallInternal, // [op, targetIp]
  Call, // [op, sysIndex]
  CallIndirect, // [op, signature, table, returnIp]
  SignatureCheck, // [op, signature]
  StackCheck, // [op, height]
  ConsumeFuel, // [op, amount]
  ConsumeFuelStack,
  // stack
  LocalGet, // [op, depth]
  LocalSet,
  LocalTee,
  Drop,
  Select,
  BulkConst, // [op, count]
  BulkDrop,
  I32Const, // [op, value]
  RefFunc, // [op, pc]
  GlobalGet, // [op, slot]
  GlobalSet,
  // memory
  I32Load, // [op, offset]
  I32Load8S,
  I32Load8U,
  I32Load16S,
  I32Load16U,
  I32Store,
  I32Store8,
  I32Store16,
  MemorySize,
  MemoryGrow,
  MemoryFill,
  MemoryCopy,
  MemoryInit, // [op, segment]
  DataDrop,
  // tables
  TableSize, // [op, table]
  TableGrow,
  TableFill,
  TableGet,
  TableSet,
  TableCopy, // [op, dst, src]
  TableInit, // [op, segment, table, nextIp]
  ElemDrop, // [op, segment]
  // alu
  I32Eqz,
  I32Eq,
  I32Ne,
  I32LtS,
  I32LtU,
  I32GtS,
  I32GtU,
  I32LeS,
  I32LeU,
  I32GeS,
  I32GeU,
  I32Clz,
  I32Ctz,
  I32Popcnt,
  I32Add,
  I32Sub,
  I32Mul,
  I32DivS,
  I32DivU,
  I32RemS,
  I32RemU,
  I32And,
  I32Or,
  I32Xor,
  I32Shl,
  I32ShrS,
  I32ShrU,
  I32Rotl,
  I32Rotr,
  I32WrapI64,
  I32Extend8S,
  I32Extend16S,
  I32Mul64,
  I32Add64,
  // fpu
  F32Load, // [op, offset]
  F64Load,
  F32Store,
  F64Store,
  Fpu, // [op, n]: FPU opcode 1000 + n that only touches the stack
  // engine metering and tracing (prefixes, see prepare.ts)
  MeterBlock, // [op, cost]: charge a basic block on entry
  MeterStop, // written over an instruction while a partly paid block runs up to it
  Trace, // [op, pc]
  // control transfers that pay for the block they enter (engine metering); a target's
  // instruction ip is just past its MeterBlock, so `targetIp - 2` is that MeterBlock
  MBr, // [op, targetIp, cost]
  MBrBack,
  MBrIfEqz, // [op, takenIp, takenCost, fallIp, fallCost]
  MBrIfEqzBack,
  MBrIfNez,
  MBrIfNezBack,
  MCallInternal, // [op, targetIp, cost]
  MReturnCallInternal,
  MReturn, // pays for the MeterBlock at the return address, if there is one
  I64Snippet, // [op, kind, snippetIp, maxStackHeight]: a call of an i64 snippet, run natively
  // calls running their target's prologue; targetIp is past it, prologueIp at its start
  CallFueled, // [op, targetIp, signature, fuel, prologueIp]: SignatureCheck and ConsumeFuel
  CallChecked, // [op, targetIp, signature, height, prologueIp]: SignatureCheck and StackCheck
  CallFueledChecked, // [op, targetIp, signature, fuel, height, prologueIp]: all three
  // a function's prologue as one instruction (the later slots stay for jumps into them)
  PrologueChecked, // [op, signature, height] + the StackCheck's slot
  PrologueFueled, // [op, signature, fuel] + the ConsumeFuel's slot
  PrologueFueledChecked, // [op, signature, fuel, height] + both slots
  // pairs fused in plain programs; each skips its own slot and the next one's
  LocalGet2, // [op, depth, depth] + the second LocalGet's slot
  LocalGetConst, // [op, depth, value] + the I32Const's slot
  LocalSetGet, // [op, depth, depth] + the LocalGet's slot
  // fused epilogues; the last word is the offset of the Return they end in
  DropReturn, // [op, count, returnOffset]
  SetDropReturn, // [op, depth, count, returnOffset]
  FuelLocalGet, // [op, fuel, depth] + the LocalGet's slot
  FuelDropReturn, // [op, fuel, count, returnOffset]
  FuelSetDropReturn, // [op, fuel, depth, count, returnOffset]
  // the slot after the last instruction: running into it means the code fell off its end
  FellOffEnd,
}

/** Why the loop stopped. */
export enum Exit {
  /** `Return` with an empty call stack. */
  Returned,
  Trapped,
  /** `ExecutionHalted`: success without results. */
  Halted,
  /** A syscall interrupted (ip is past the Call) or `Trap(InterruptionCalled)` ran (ip on it). */
  Interrupted,
  /** A fuel charge did not fit the budget; `pendingFuel` says how much it needs. */
  FuelCheck,
  /** The program broke the stack discipline or jumped nowhere (`fatal` says how). */
  Fatal,
  /** Engine metering must charge more before `meterStopPc` runs (ip is on it). */
  MeterStop,
}

/** The reference's value stack limit, in 32-bit words. */
export const STACK_LIMIT = 8192;
/** The reference's call depth limit. */
export const MAX_CALL_DEPTH = 1024;
/** Room past STACK_LIMIT so a misbehaving program is caught at its next control transfer. */
export const STACK_SLACK = 64;

export type FatalKind = 'StackCorrupted' | 'PcOutOfBounds' | 'MissingTable';

/** What the loop needs from its owner; `Machine` is the only implementation. */
export interface ExecutionContext {
  readonly code: Int32Array;
  readonly ipOfPc: Int32Array;
  readonly entryIpOfPc: Int32Array;
  readonly codeLength: number;
  readonly data: Uint8Array;
  readonly elem: Int32Array;
  readonly store: Store;
  readonly stack: Int32Array;
  readonly callStack: Int32Array;
  sp: number;
  ip: number;
  csp: number;
  trapCode: TrapCode;
  pendingFuel: number;
  fatal: FatalKind | undefined;
  /** With engine metering: the pc up to which the current block is paid for, or -1 when all of it is. */
  meterStopPc: number;
  /** The trace hook of a traced program, called with `store.fuel` and `sp` synced. */
  traceInstruction(pc: number, sp: number, csp: number): void;
  /** Runs syscall `sysIndex` with `sp` synced; returns SYSCALL_OK or the TrapCode it ended with. */
  invokeSyscall(sysIndex: number): number;
}

/** `invokeSyscall`'s answer for "continue" (every TrapCode is ≥ 0). */
export const SYSCALL_OK = -1;
const NO_SIGNATURE = -1;
const EMPTY_I32 = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);

export function execute(m: ExecutionContext): Exit {
  const code = m.code;
  const entryIpOfPc = m.entryIpOfPc;
  const codeLength = m.codeLength;
  const stack = m.stack;
  const callStack = m.callStack;
  const store = m.store;
  const globals = store.globals;
  const tables = store.tables;
  let memory = store.memory.bytes;
  let view = store.memory.view;
  let memLen = memory.length;
  let sp = m.sp;
  let ip = m.ip;
  let csp = m.csp;
  let fuel = store.fuel.budget;
  let lastSig = store.lastSignature;
  let exit: Exit;
  let trap = TrapCode.UnreachableCodeReached;

  loop: for (;;) {
    switch (code[ip]) {
      // ---------------------------------------------------------------- control
      case Op.Unreachable:
        trap = TrapCode.UnreachableCodeReached;
        exit = Exit.Trapped;
        break loop;
      case Op.Trap: {
        const c = code[ip + 1]!;
        if (c === TrapCode.InterruptionCalled) exit = Exit.Interrupted;
        else if (c === TrapCode.ExecutionHalted) exit = Exit.Halted;
        else {
          trap = c;
          exit = Exit.Trapped;
        }
        break loop;
      }
      case Op.Br:
        ip = code[ip + 1]!;
        break;
      case Op.BrBack:
        ip = code[ip + 1]!;
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        break;
      case Op.BrIfEqz:
        ip = stack[--sp] === 0 ? code[ip + 1]! : ip + 2;
        break;
      case Op.BrIfNez:
        ip = stack[--sp] !== 0 ? code[ip + 1]! : ip + 2;
        break;
      case Op.BrIfEqzBack:
      case Op.BrIfNezBack: {
        const taken = (stack[--sp] === 0) === (code[ip] === Op.BrIfEqzBack);
        ip = taken ? code[ip + 1]! : ip + 2;
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        break;
      }
      case Op.BrTable: {
        const n = code[ip + 1]!;
        const index = stack[--sp]! >>> 0;
        ip = code[ip + 2 + (index < n ? index : n - 1)]!;
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        break;
      }
      case Op.Return:
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp === 0) {
          exit = Exit.Returned;
          break loop;
        }
        ip = callStack[--csp]!;
        break;
      case Op.ReturnCallInternal:
        ip = code[ip + 1]!;
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        break;
      case Op.CallInternal:
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp >= MAX_CALL_DEPTH) {
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        callStack[csp++] = ip + 2;
        ip = code[ip + 1]!;
        break;
      case Op.CallIndirect:
      case Op.ReturnCallIndirect: {
        const table = tables[code[ip + 2]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const index = stack[--sp]! >>> 0;
        lastSig = code[ip + 1]! >>> 0;
        if (index >= table.size) {
          trap = TrapCode.TableOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        const target = table.elements[index]! >>> 0;
        if (target === 0) {
          trap = TrapCode.IndirectCallToNull;
          exit = Exit.Trapped;
          break loop;
        }
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (code[ip] === Op.CallIndirect) {
          if (csp >= MAX_CALL_DEPTH) {
            trap = TrapCode.StackOverflow;
            exit = Exit.Trapped;
            break loop;
          }
          callStack[csp++] = code[ip + 3]!;
        }
        if (target >= codeLength) {
          m.fatal = 'PcOutOfBounds';
          exit = Exit.Fatal;
          break loop;
        }
        ip = entryIpOfPc[target]!;
        if (ip < 0) {
          // A metered program entered in the middle of a basic block: meter it from here.
          ip = m.ipOfPc[target]!;
          m.meterStopPc = target;
          exit = Exit.MeterStop;
          break loop;
        }
        break;
      }
      case Op.Call:
      case Op.ReturnCall: {
        // The pc moves past the Call first, so an interruption resumes after it.
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        const sysIndex = code[ip + 1]! >>> 0;
        ip += 2;
        m.sp = sp;
        m.ip = ip;
        store.fuel.budget = fuel;
        store.lastSignature = lastSig;
        const status = m.invokeSyscall(sysIndex);
        sp = m.sp;
        fuel = store.fuel.budget;
        memory = store.memory.bytes;
        view = store.memory.view;
        memLen = memory.length;
        if (status !== SYSCALL_OK) {
          if (status === TrapCode.InterruptionCalled) exit = Exit.Interrupted;
          else if (status === TrapCode.ExecutionHalted) exit = Exit.Halted;
          else {
            ip -= 2; // a trap is reported at the Call
            trap = status;
            exit = Exit.Trapped;
          }
          break loop;
        }
        break;
      }
      case Op.SignatureCheck:
        if (lastSig !== NO_SIGNATURE) {
          const announced = lastSig;
          lastSig = NO_SIGNATURE;
          if (announced !== code[ip + 1]! >>> 0) {
            trap = TrapCode.BadSignature;
            exit = Exit.Trapped;
            break loop;
          }
        }
        ip += 2;
        break;
      case Op.StackCheck:
        if (sp + (code[ip + 1]! >>> 0) > STACK_LIMIT || sp < 0) {
          if (sp < 0 || sp > STACK_LIMIT) {
            m.fatal = 'StackCorrupted';
            exit = Exit.Fatal;
            break loop;
          }
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        ip += 2;
        break;
      case Op.ConsumeFuel: {
        const amount = code[ip + 1]! >>> 0;
        if (amount > fuel) {
          m.pendingFuel = amount;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= amount;
        ip += 2;
        break;
      }
      case Op.ConsumeFuelStack: {
        // The amount stays on the stack until it is charged, so a refuelled run re-executes this.
        const amount = stack[sp - 1]! >>> 0;
        if (amount > fuel) {
          m.pendingFuel = amount;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= amount;
        sp--;
        ip += 1;
        break;
      }

      // ---------------------------------------------------------------- stack
      case Op.LocalGet:
        stack[sp] = stack[sp - code[ip + 1]!]!;
        sp++;
        ip += 2;
        break;
      case Op.LocalSet: {
        const value = stack[--sp]!;
        stack[sp - code[ip + 1]!] = value;
        ip += 2;
        break;
      }
      case Op.LocalTee:
        stack[sp - code[ip + 1]!] = stack[sp - 1]!;
        ip += 2;
        break;
      case Op.Drop:
        sp--;
        ip += 1;
        break;
      case Op.Select: {
        const condition = stack[sp - 1]!;
        sp -= 2;
        if (condition === 0) stack[sp - 1] = stack[sp]!;
        ip += 1;
        break;
      }
      case Op.BulkConst: {
        const count = code[ip + 1]! >>> 0;
        if (sp < 0 || count > STACK_LIMIT - sp) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        stack.fill(0, sp, sp + count);
        sp += count;
        ip += 2;
        break;
      }
      case Op.BulkDrop:
        sp -= code[ip + 1]! >>> 0;
        ip += 2;
        break;
      case Op.I32Const:
      case Op.RefFunc:
        stack[sp++] = code[ip + 1]!;
        ip += 2;
        break;
      case Op.GlobalGet:
        stack[sp++] = globals[code[ip + 1]!]!;
        ip += 2;
        break;
      case Op.GlobalSet:
        globals[code[ip + 1]!] = stack[--sp]!;
        ip += 2;
        break;

      // ---------------------------------------------------------------- memory
      case Op.I32Load: {
        const address = (stack[sp - 1]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = view.getInt32(address, true);
        ip += 2;
        break;
      }
      case Op.I32Load8S: {
        const address = (stack[sp - 1]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = (memory[address]! << 24) >> 24;
        ip += 2;
        break;
      }
      case Op.I32Load8U: {
        const address = (stack[sp - 1]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = memory[address]!;
        ip += 2;
        break;
      }
      case Op.I32Load16S: {
        const address = (stack[sp - 1]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = view.getInt16(address, true);
        ip += 2;
        break;
      }
      case Op.I32Load16U: {
        const address = (stack[sp - 1]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = view.getUint16(address, true);
        ip += 2;
        break;
      }
      case Op.I32Store: {
        const address = (stack[sp - 2]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt32(address, stack[sp - 1]!, true);
        sp -= 2;
        ip += 2;
        break;
      }
      case Op.I32Store8: {
        const address = (stack[sp - 2]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        memory[address] = stack[sp - 1]!;
        sp -= 2;
        ip += 2;
        break;
      }
      case Op.I32Store16: {
        const address = (stack[sp - 2]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt16(address, stack[sp - 1]!, true);
        sp -= 2;
        ip += 2;
        break;
      }
      case Op.MemorySize:
        stack[sp++] = store.memory.pages;
        ip += 1;
        break;
      case Op.MemoryGrow:
        stack[sp - 1] = store.memory.grow(stack[sp - 1]! >>> 0);
        memory = store.memory.bytes;
        view = store.memory.view;
        memLen = memory.length;
        ip += 1;
        break;
      case Op.MemoryFill: {
        // Offsets and length are read as signed 32-bit, exactly like the reference.
        const d = stack[sp - 3]!;
        const value = stack[sp - 2]!;
        const n = stack[sp - 1]!;
        sp -= 3;
        if (d < 0 || n < 0 || d + n > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        memory.fill(value & 0xff, d, d + n);
        ip += 1;
        break;
      }
      case Op.MemoryCopy: {
        const d = stack[sp - 3]!;
        const s = stack[sp - 2]!;
        const n = stack[sp - 1]!;
        sp -= 3;
        if (s < 0 || n < 0 || s + n > memLen || d < 0 || d + n > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        memory.copyWithin(d, s, s + n);
        ip += 1;
        break;
      }
      case Op.MemoryInit: {
        const d = stack[sp - 3]!;
        const s = stack[sp - 2]!;
        const n = stack[sp - 1]!;
        sp -= 3;
        // The segment index only selects a drop flag; `s` is an offset into the whole data section.
        const source = store.dataDropped.isDropped(code[ip + 1]! >>> 0) ? EMPTY_U8 : m.data;
        if (d < 0 || n < 0 || d + n > memLen || s < 0 || s + n > source.length) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        memory.set(source.subarray(s, s + n), d);
        ip += 2;
        break;
      }
      case Op.DataDrop:
        store.dataDropped.drop(code[ip + 1]! >>> 0);
        ip += 2;
        break;

      // ---------------------------------------------------------------- tables
      case Op.TableSize: {
        const table = tables[code[ip + 1]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        stack[sp++] = table.size;
        ip += 2;
        break;
      }
      case Op.TableGrow: {
        const t = code[ip + 1]!;
        const table = tables[t] ?? (tables[t] = new Table());
        const delta = stack[sp - 1]! >>> 0;
        sp--;
        stack[sp - 1] = table.grow(delta, stack[sp - 1]!);
        ip += 2;
        break;
      }
      case Op.TableFill: {
        const table = tables[code[ip + 1]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const i = stack[sp - 3]! >>> 0;
        const value = stack[sp - 2]!;
        const n = stack[sp - 1]! >>> 0;
        sp -= 3;
        if (i + n > table.size) {
          trap = TrapCode.TableOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        table.elements.fill(value, i, i + n);
        ip += 2;
        break;
      }
      case Op.TableGet: {
        const table = tables[code[ip + 1]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const i = stack[sp - 1]! >>> 0;
        if (i >= table.size) {
          trap = TrapCode.TableOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = table.elements[i]!;
        ip += 2;
        break;
      }
      case Op.TableSet: {
        const table = tables[code[ip + 1]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const i = stack[sp - 2]! >>> 0;
        const value = stack[sp - 1]!;
        sp -= 2;
        if (i >= table.size) {
          trap = TrapCode.TableOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        table.elements[i] = value;
        ip += 2;
        break;
      }
      case Op.TableCopy: {
        const dst = tables[code[ip + 1]!];
        const src = tables[code[ip + 2]!];
        if (dst === undefined || src === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const d = stack[sp - 3]! >>> 0;
        const s = stack[sp - 2]! >>> 0;
        const n = stack[sp - 1]! >>> 0;
        sp -= 3;
        if (d + n > dst.size || s + n > src.size) {
          trap = TrapCode.TableOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        if (dst === src) dst.elements.copyWithin(d, s, s + n);
        else dst.elements.set(src.elements.subarray(s, s + n), d);
        ip += 3;
        break;
      }
      case Op.TableInit: {
        const table = tables[code[ip + 2]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const d = stack[sp - 3]! >>> 0;
        const s = stack[sp - 2]! >>> 0;
        const n = stack[sp - 1]! >>> 0;
        sp -= 3;
        const source = store.elemDropped.isDropped(code[ip + 1]! >>> 0) ? EMPTY_I32 : m.elem;
        if (d + n > table.size || s + n > source.length) {
          trap = TrapCode.TableOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        table.elements.set(source.subarray(s, s + n), d);
        ip = code[ip + 3]!;
        break;
      }
      case Op.ElemDrop:
        store.elemDropped.drop(code[ip + 1]! >>> 0);
        ip += 2;
        break;

      // ---------------------------------------------------------------- alu
      case Op.I32Eqz:
        stack[sp - 1] = stack[sp - 1] === 0 ? 1 : 0;
        ip += 1;
        break;
      case Op.I32Eq:
        sp--;
        stack[sp - 1] = stack[sp - 1] === stack[sp] ? 1 : 0;
        ip += 1;
        break;
      case Op.I32Ne:
        sp--;
        stack[sp - 1] = stack[sp - 1] !== stack[sp] ? 1 : 0;
        ip += 1;
        break;
      case Op.I32LtS:
        sp--;
        stack[sp - 1] = stack[sp - 1]! < stack[sp]! ? 1 : 0;
        ip += 1;
        break;
      case Op.I32LtU:
        sp--;
        stack[sp - 1] = stack[sp - 1]! >>> 0 < stack[sp]! >>> 0 ? 1 : 0;
        ip += 1;
        break;
      case Op.I32GtS:
        sp--;
        stack[sp - 1] = stack[sp - 1]! > stack[sp]! ? 1 : 0;
        ip += 1;
        break;
      case Op.I32GtU:
        sp--;
        stack[sp - 1] = stack[sp - 1]! >>> 0 > stack[sp]! >>> 0 ? 1 : 0;
        ip += 1;
        break;
      case Op.I32LeS:
        sp--;
        stack[sp - 1] = stack[sp - 1]! <= stack[sp]! ? 1 : 0;
        ip += 1;
        break;
      case Op.I32LeU:
        sp--;
        stack[sp - 1] = stack[sp - 1]! >>> 0 <= stack[sp]! >>> 0 ? 1 : 0;
        ip += 1;
        break;
      case Op.I32GeS:
        sp--;
        stack[sp - 1] = stack[sp - 1]! >= stack[sp]! ? 1 : 0;
        ip += 1;
        break;
      case Op.I32GeU:
        sp--;
        stack[sp - 1] = stack[sp - 1]! >>> 0 >= stack[sp]! >>> 0 ? 1 : 0;
        ip += 1;
        break;
      case Op.I32Clz:
        stack[sp - 1] = Math.clz32(stack[sp - 1]!);
        ip += 1;
        break;
      case Op.I32Ctz: {
        const x = stack[sp - 1]!;
        stack[sp - 1] = x === 0 ? 32 : 31 - Math.clz32(x & -x);
        ip += 1;
        break;
      }
      case Op.I32Popcnt: {
        let x = stack[sp - 1]!;
        x = x - ((x >>> 1) & 0x55555555);
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        stack[sp - 1] = (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
        ip += 1;
        break;
      }
      case Op.I32Add:
        sp--;
        stack[sp - 1] = (stack[sp - 1]! + stack[sp]!) | 0;
        ip += 1;
        break;
      case Op.I32Sub:
        sp--;
        stack[sp - 1] = (stack[sp - 1]! - stack[sp]!) | 0;
        ip += 1;
        break;
      case Op.I32Mul:
        sp--;
        stack[sp - 1] = Math.imul(stack[sp - 1]!, stack[sp]!);
        ip += 1;
        break;
      case Op.I32DivS: {
        const b = stack[sp - 1]!;
        const a = stack[sp - 2]!;
        if (b === 0) {
          trap = TrapCode.IntegerDivisionByZero;
          exit = Exit.Trapped;
          break loop;
        }
        if (a === -0x80000000 && b === -1) {
          trap = TrapCode.IntegerOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        sp--;
        stack[sp - 1] = (a / b) | 0;
        ip += 1;
        break;
      }
      case Op.I32DivU: {
        const b = stack[sp - 1]! >>> 0;
        if (b === 0) {
          trap = TrapCode.IntegerDivisionByZero;
          exit = Exit.Trapped;
          break loop;
        }
        sp--;
        stack[sp - 1] = ((stack[sp - 1]! >>> 0) / b) | 0;
        ip += 1;
        break;
      }
      case Op.I32RemS: {
        const b = stack[sp - 1]!;
        if (b === 0) {
          trap = TrapCode.IntegerDivisionByZero;
          exit = Exit.Trapped;
          break loop;
        }
        sp--;
        stack[sp - 1] = (stack[sp - 1]! % b) | 0;
        ip += 1;
        break;
      }
      case Op.I32RemU: {
        const b = stack[sp - 1]! >>> 0;
        if (b === 0) {
          trap = TrapCode.IntegerDivisionByZero;
          exit = Exit.Trapped;
          break loop;
        }
        sp--;
        stack[sp - 1] = ((stack[sp - 1]! >>> 0) % b) | 0;
        ip += 1;
        break;
      }
      case Op.I32And:
        sp--;
        stack[sp - 1] = stack[sp - 1]! & stack[sp]!;
        ip += 1;
        break;
      case Op.I32Or:
        sp--;
        stack[sp - 1] = stack[sp - 1]! | stack[sp]!;
        ip += 1;
        break;
      case Op.I32Xor:
        sp--;
        stack[sp - 1] = stack[sp - 1]! ^ stack[sp]!;
        ip += 1;
        break;
      case Op.I32Shl:
        sp--;
        stack[sp - 1] = stack[sp - 1]! << stack[sp]!;
        ip += 1;
        break;
      case Op.I32ShrS:
        sp--;
        stack[sp - 1] = stack[sp - 1]! >> stack[sp]!;
        ip += 1;
        break;
      case Op.I32ShrU:
        sp--;
        stack[sp - 1] = stack[sp - 1]! >>> stack[sp]!;
        ip += 1;
        break;
      case Op.I32Rotl: {
        sp--;
        const x = stack[sp - 1]!;
        const k = stack[sp]! & 31;
        stack[sp - 1] = (x << k) | (x >>> ((32 - k) & 31));
        ip += 1;
        break;
      }
      case Op.I32Rotr: {
        sp--;
        const x = stack[sp - 1]!;
        const k = stack[sp]! & 31;
        stack[sp - 1] = (x >>> k) | (x << ((32 - k) & 31));
        ip += 1;
        break;
      }
      case Op.I32WrapI64:
        // The reference's I32WrapI64 is the identity on the top word.
        ip += 1;
        break;
      case Op.I32Extend8S:
        stack[sp - 1] = (stack[sp - 1]! << 24) >> 24;
        ip += 1;
        break;
      case Op.I32Extend16S:
        stack[sp - 1] = (stack[sp - 1]! << 16) >> 16;
        ip += 1;
        break;
      case Op.I32Mul64: {
        const a = stack[sp - 2]! >>> 0;
        const b = stack[sp - 1]! >>> 0;
        stack[sp - 2] = Math.imul(a, b);
        stack[sp - 1] = mulHigh(a, b);
        ip += 1;
        break;
      }
      case Op.I32Add64: {
        const sum = (stack[sp - 2]! >>> 0) + (stack[sp - 1]! >>> 0);
        stack[sp - 2] = sum | 0;
        stack[sp - 1] = sum > 0xffffffff ? 1 : 0;
        ip += 1;
        break;
      }

      // ---------------------------------------------------------------- fpu
      case Op.F32Load: {
        const address = (stack[sp - 1]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = view.getInt32(address, true);
        ip += 2;
        break;
      }
      case Op.F64Load: {
        const address = (stack[sp - 1]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 8 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[sp - 1] = view.getInt32(address, true);
        stack[sp] = view.getInt32(address + 4, true);
        sp++;
        ip += 2;
        break;
      }
      case Op.F32Store: {
        const address = (stack[sp - 2]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt32(address, stack[sp - 1]!, true);
        sp -= 2;
        ip += 2;
        break;
      }
      case Op.F64Store: {
        const address = (stack[sp - 3]! >>> 0) + (code[ip + 1]! >>> 0);
        if (address + 8 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt32(address, stack[sp - 2]!, true);
        view.setInt32(address + 4, stack[sp - 1]!, true);
        sp -= 3;
        ip += 2;
        break;
      }
      case Op.Fpu: {
        const next = executeFpu(code[ip + 1]!, stack, sp);
        if (next === FPU_TRAPPED) {
          trap = fpuTrapCode;
          exit = Exit.Trapped;
          break loop;
        }
        sp = next;
        ip += 2;
        break;
      }

      // ---------------------------------------------------------------- metering, tracing
      case Op.MeterBlock: {
        const cost = code[ip + 1]!;
        if (cost > fuel) {
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip += 2;
        break;
      }
      case Op.MeterStop:
        exit = Exit.MeterStop;
        break loop;
      case Op.Trace:
        store.fuel.budget = fuel;
        store.lastSignature = lastSig;
        m.traceInstruction(code[ip + 1]!, sp, csp);
        ip += 2;
        break;

      // ---------------------------------------------------------------- metered control transfers
      // When the entered block does not fit, control stops on that block's MeterBlock, which
      // the machine then settles exactly (see Machine).
      case Op.MBr: {
        const cost = code[ip + 2]! >>> 0;
        if (cost > fuel) {
          ip = code[ip + 1]! - 2;
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip = code[ip + 1]!;
        break;
      }
      case Op.MBrBack: {
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        const cost = code[ip + 2]! >>> 0;
        if (cost > fuel) {
          ip = code[ip + 1]! - 2;
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip = code[ip + 1]!;
        break;
      }
      // [targetIp, cost] at +1 when taken, at +3 when not
      case Op.MBrIfEqz:
      case Op.MBrIfNez: {
        const at = ip + ((stack[--sp] === 0) === (code[ip] === Op.MBrIfEqz) ? 1 : 3);
        const cost = code[at + 1]! >>> 0;
        if (cost > fuel) {
          ip = code[at]! - 2;
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip = code[at]!;
        break;
      }
      case Op.MBrIfEqzBack:
      case Op.MBrIfNezBack: {
        const at = ip + ((stack[--sp] === 0) === (code[ip] === Op.MBrIfEqzBack) ? 1 : 3);
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        const cost = code[at + 1]! >>> 0;
        if (cost > fuel) {
          ip = code[at]! - 2;
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip = code[at]!;
        break;
      }
      case Op.I64Snippet: {
        const kind = code[ip + 1]! as I64Kind;
        if (sp < 4 || sp + code[ip + 3]! > STACK_LIMIT || csp >= MAX_CALL_DEPTH || i64Traps(kind, stack, sp)) {
          // Anything unusual (a trap, a stack limit, a broken stack): call the snippet for real.
          if (sp < 0 || sp > STACK_LIMIT) {
            m.fatal = 'StackCorrupted';
            exit = Exit.Fatal;
            break loop;
          }
          if (csp >= MAX_CALL_DEPTH) {
            trap = TrapCode.StackOverflow;
            exit = Exit.Trapped;
            break loop;
          }
          callStack[csp++] = ip + 4;
          ip = code[ip + 2]!;
          break;
        }
        sp = i64Operation(kind, stack, sp);
        ip += 4;
        break;
      }
      case Op.CallFueled: {
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp >= MAX_CALL_DEPTH) {
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        callStack[csp++] = ip + 5;
        const target = code[ip + 1]!;
        if (lastSig !== NO_SIGNATURE) {
          const announced = lastSig;
          lastSig = NO_SIGNATURE;
          if (announced !== code[ip + 2]! >>> 0) {
            ip = code[ip + 4]!; // the SignatureCheck
            trap = TrapCode.BadSignature;
            exit = Exit.Trapped;
            break loop;
          }
        }
        const cost = code[ip + 3]! >>> 0;
        if (cost > fuel) {
          ip = target - 2; // the ConsumeFuel
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip = target;
        break;
      }
      case Op.CallChecked:
      case Op.CallFueledChecked: {
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp >= MAX_CALL_DEPTH) {
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        const fueled = code[ip] === Op.CallFueledChecked;
        callStack[csp++] = ip + (fueled ? 6 : 5);
        const target = code[ip + 1]!;
        // The prologue's later slots end at `target`: StackCheck at -2, ConsumeFuel at -4 (if
        // any); a trap or a stop is reported at the instruction it comes from.
        if (lastSig !== NO_SIGNATURE) {
          const announced = lastSig;
          lastSig = NO_SIGNATURE;
          if (announced !== code[ip + 2]! >>> 0) {
            ip = code[ip + (fueled ? 5 : 4)]!;
            trap = TrapCode.BadSignature;
            exit = Exit.Trapped;
            break loop;
          }
        }
        let height: number;
        if (fueled) {
          const cost = code[ip + 3]! >>> 0;
          if (cost > fuel) {
            ip = target - 4;
            m.pendingFuel = cost;
            exit = Exit.FuelCheck;
            break loop;
          }
          fuel -= cost;
          height = code[ip + 4]! >>> 0;
        } else {
          height = code[ip + 3]! >>> 0;
        }
        if (sp + height > STACK_LIMIT) {
          ip = target - 2;
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        ip = target;
        break;
      }
      case Op.PrologueChecked:
      case Op.PrologueFueled:
      case Op.PrologueFueledChecked: {
        const op = code[ip]!;
        if (lastSig !== NO_SIGNATURE) {
          const announced = lastSig;
          lastSig = NO_SIGNATURE;
          if (announced !== code[ip + 1]! >>> 0) {
            trap = TrapCode.BadSignature;
            exit = Exit.Trapped;
            break loop;
          }
        }
        if (op === Op.PrologueChecked) {
          if (sp + (code[ip + 2]! >>> 0) > STACK_LIMIT || sp < 0) {
            ip += 3; // the StackCheck
            if (sp < 0 || sp > STACK_LIMIT) {
              m.fatal = 'StackCorrupted';
              exit = Exit.Fatal;
              break loop;
            }
            trap = TrapCode.StackOverflow;
            exit = Exit.Trapped;
            break loop;
          }
          ip += 5;
          break;
        }
        const cost = code[ip + 2]! >>> 0;
        const slot = op === Op.PrologueFueled ? 3 : 4;
        if (cost > fuel) {
          ip += slot; // the ConsumeFuel
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        if (op === Op.PrologueFueled) {
          ip += 5;
          break;
        }
        if (sp + (code[ip + 3]! >>> 0) > STACK_LIMIT || sp < 0) {
          ip += 6; // the StackCheck
          if (sp < 0 || sp > STACK_LIMIT) {
            m.fatal = 'StackCorrupted';
            exit = Exit.Fatal;
            break loop;
          }
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        ip += 8;
        break;
      }
      case Op.FuelLocalGet:
      case Op.FuelDropReturn:
      case Op.FuelSetDropReturn: {
        const cost = code[ip + 1]! >>> 0;
        if (cost > fuel) {
          m.pendingFuel = cost;
          exit = Exit.FuelCheck; // on the ConsumeFuel: resuming runs it on its own
          break loop;
        }
        fuel -= cost;
        const op = code[ip]!;
        if (op === Op.FuelLocalGet) {
          stack[sp] = stack[sp - code[ip + 2]!]!;
          sp++;
          ip += 5;
          break;
        }
        let returnIp: number;
        if (op === Op.FuelSetDropReturn) {
          const value = stack[--sp]!;
          stack[sp - code[ip + 2]!] = value;
          sp -= code[ip + 3]! >>> 0;
          returnIp = ip + code[ip + 4]!;
        } else {
          sp -= code[ip + 2]! >>> 0;
          returnIp = ip + code[ip + 3]!;
        }
        if (sp < 0 || sp > STACK_LIMIT) {
          ip = returnIp;
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp === 0) {
          ip = returnIp;
          exit = Exit.Returned;
          break loop;
        }
        ip = callStack[--csp]!;
        break;
      }
      case Op.LocalGet2:
        stack[sp] = stack[sp - code[ip + 1]!]!;
        stack[sp + 1] = stack[sp + 1 - code[ip + 2]!]!;
        sp += 2;
        ip += 5;
        break;
      case Op.LocalGetConst:
        stack[sp] = stack[sp - code[ip + 1]!]!;
        stack[sp + 1] = code[ip + 2]!;
        sp += 2;
        ip += 5;
        break;
      case Op.LocalSetGet: {
        const value = stack[--sp]!;
        stack[sp - code[ip + 1]!] = value;
        stack[sp] = stack[sp - code[ip + 2]!]!;
        sp++;
        ip += 5;
        break;
      }
      case Op.SetDropReturn:
      case Op.DropReturn: {
        let returnIp: number;
        if (code[ip] === Op.SetDropReturn) {
          const value = stack[--sp]!;
          stack[sp - code[ip + 1]!] = value;
          sp -= code[ip + 2]! >>> 0;
          returnIp = ip + code[ip + 3]!;
        } else {
          sp -= code[ip + 1]! >>> 0;
          returnIp = ip + code[ip + 2]!;
        }
        if (sp < 0 || sp > STACK_LIMIT) {
          ip = returnIp; // the Return, which would have caught it
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp === 0) {
          ip = returnIp;
          exit = Exit.Returned;
          break loop;
        }
        ip = callStack[--csp]!;
        break;
      }
      case Op.MReturn: {
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp === 0) {
          exit = Exit.Returned;
          break loop;
        }
        ip = callStack[--csp]!;
        if (code[ip] === Op.MeterBlock) {
          const cost = code[ip + 1]!;
          if (cost > fuel) {
            m.pendingFuel = cost;
            exit = Exit.FuelCheck;
            break loop;
          }
          fuel -= cost;
          ip += 2;
        }
        break;
      }
      case Op.MCallInternal: {
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        if (csp >= MAX_CALL_DEPTH) {
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        callStack[csp++] = ip + 3;
        const cost = code[ip + 2]!;
        const target = code[ip + 1]!;
        if (cost > fuel) {
          ip = target - 2;
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip = target;
        break;
      }
      case Op.MReturnCallInternal: {
        if (sp < 0 || sp > STACK_LIMIT) {
          m.fatal = 'StackCorrupted';
          exit = Exit.Fatal;
          break loop;
        }
        const cost = code[ip + 2]!;
        const target = code[ip + 1]!;
        if (cost > fuel) {
          ip = target - 2;
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        ip = target;
        break;
      }

      case Op.FellOffEnd:
        m.fatal = 'PcOutOfBounds';
        exit = Exit.Fatal;
        break loop;
      default:
        m.fatal = 'PcOutOfBounds';
        exit = Exit.Fatal;
        break loop;
    }
  }

  m.sp = sp;
  m.ip = ip;
  m.csp = csp;
  m.trapCode = trap;
  store.fuel.budget = fuel;
  store.lastSignature = lastSig;
  return exit;
}
