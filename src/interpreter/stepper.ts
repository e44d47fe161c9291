/**
 * The stepper: rWasm run one instruction at a time straight from the module's code, with no
 * preparation. It is the engine's definition of what every instruction does, and it runs
 * wherever one instruction at a time is what is wanted: traced runs (a hook before every
 * instruction), engine-metered stretches paid instruction by instruction (a block that does not
 * fit the fuel left), and programs whose stack use the block engine cannot prove in range.
 * The block engine (blocks.ts) must agree with it on every outcome, stop point and side effect.
 *
 * Stack discipline: every slot an instruction reads or writes must lie in [0, STACK_LIMIT), and
 * the transfers that check the stack pointer (backward branches, tables, calls, returns) need
 * it in [0, STACK_LIMIT]. Otherwise the run stops with the fatal `StackCorrupted` at that
 * instruction: the reference has no defined behaviour there.
 */
import { Opcode, FPU_CODE_BASE } from '../format/opcodes.js';
import { stackEffect } from '../format/stack-effects.js';
import { TrapCode } from '../format/trap-codes.js';
import { OK, memoryCopy, memoryFill, memoryInit, tableCopy, tableFill, tableGrow, tableInit } from './bulk-ops.js';
import { FPU_TRAPPED, executeFpu, fpuTrapCode } from './fpu.js';
import { mulHigh } from './i64.js';
import { Exit, MAX_CALL_DEPTH, NO_SIGNATURE, STACK_LIMIT, SYSCALL_OK, type ExecutionContext } from './execution.js';

/**
 * Runs from `m.pc` until the run ends or stops. With `handOff`, returns `Exit.HandOff` before
 * an instruction where the block engine can take over (once nothing prepaid is left), except
 * before the first one when `stepFirst` is set (the block engine just gave that block up).
 */
export function step(m: ExecutionContext, handOff: boolean, stepFirst = false): Exit {
  const program = m.program;
  const { codes, bits, codeLength } = program;
  const costs = program.costByCode;
  const traced = m.traced;
  const fpu = program.fpu;
  const stack = m.stack;
  const callStack = m.callStack;
  const store = m.store;
  const globals = store.globals;
  const tables = store.tables;
  let sp = m.sp;
  let pc = m.pc;
  let csp = m.csp;
  let fuel = store.fuel.budget;
  let lastSig = store.lastSignature;
  // Instructions from here up to `prepaidEnd` are paid for (with their block, or the current one
  // by itself); a taken transfer leaves that stretch for good.
  let prepaidEnd = m.paidUntil;
  let exit: Exit;
  let trap = TrapCode.UnreachableCodeReached;

  const corrupted = (): Exit => {
    m.fatal = 'StackCorrupted';
    return Exit.Fatal;
  };

  loop: for (;;) {
    if (pc >= codeLength || pc < 0) {
      m.fatal = 'PcOutOfBounds';
      exit = Exit.Fatal;
      break;
    }
    const code = codes[pc]!;
    if (pc >= prepaidEnd) {
      if (handOff && !stepFirst && program.canEnter(pc)) {
        exit = Exit.HandOff;
        break;
      }
      prepaidEnd = -1;
      if (costs !== undefined) {
        const cost = costs[code]!;
        if (cost > fuel) {
          m.pendingFuel = cost;
          exit = Exit.FuelCheck;
          break;
        }
        fuel -= cost;
        // Paid: should this instruction stop (its own fuel check, an interrupting Trap), resuming
        // it must not pay again.
        prepaidEnd = pc + 1;
      }
    }
    if (traced) {
      store.fuel.budget = fuel;
      store.lastSignature = lastSig;
      m.traceInstruction(pc, sp, csp);
    }
    stepFirst = false;
    const imm = bits[pc]!;
    if (code >= FPU_CODE_BASE && !fpu) {
      trap = TrapCode.IllegalOpcode;
      exit = Exit.Trapped;
      break;
    }
    switch (code) {
      // ------------------------------------------------------------------ control
      case Opcode.Unreachable:
        trap = TrapCode.UnreachableCodeReached;
        exit = Exit.Trapped;
        break loop;
      case Opcode.Trap:
        if (imm === TrapCode.InterruptionCalled) exit = Exit.Interrupted;
        else if (imm === TrapCode.ExecutionHalted) exit = Exit.Halted;
        else {
          trap = imm;
          exit = Exit.Trapped;
        }
        break loop;
      case Opcode.Br:
      case Opcode.BrIfEqz:
      case Opcode.BrIfNez: {
        let taken = true;
        if (code !== Opcode.Br) {
          if (sp < 1 || sp > STACK_LIMIT) {
            exit = corrupted();
            break loop;
          }
          const condition = stack[--sp]!;
          taken = code === Opcode.BrIfEqz ? condition === 0 : condition !== 0;
        }
        const offset = imm | 0;
        if (offset <= 0 && (sp < 0 || sp > STACK_LIMIT)) {
          exit = corrupted();
          break loop;
        }
        if (taken) {
          pc += offset;
          prepaidEnd = -1;
          // A loop the stepper keeps going round is worth preparing (from its header on).
          if (offset <= 0 && handOff && !program.covers(pc) && program.arrive(pc)) program.entryAt(pc);
        } else pc++;
        break;
      }
      case Opcode.BrTable: {
        if (sp < 1 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const index = stack[--sp]! >>> 0;
        pc += 1 + 2 * (index < imm ? index : imm - 1);
        prepaidEnd = -1;
        break;
      }
      case Opcode.Return:
        if (sp < 0 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        if (csp === 0) {
          exit = Exit.Returned;
          break loop;
        }
        pc = callStack[--csp]!;
        prepaidEnd = -1;
        break;
      case Opcode.ReturnCallInternal:
        if (sp < 0 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        pc = imm;
        prepaidEnd = -1;
        if (handOff) program.prepareEntry(pc);
        break;
      case Opcode.CallInternal:
        if (sp < 0 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        if (csp >= MAX_CALL_DEPTH) {
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        callStack[csp++] = pc + 1;
        pc = imm;
        prepaidEnd = -1;
        if (handOff) program.prepareEntry(pc);
        break;
      case Opcode.CallIndirect:
      case Opcode.ReturnCallIndirect: {
        const table = tables[bits[pc + 1]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        if (sp < 1 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const index = stack[--sp]! >>> 0;
        lastSig = imm;
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
        if (code === Opcode.CallIndirect) {
          if (csp >= MAX_CALL_DEPTH) {
            trap = TrapCode.StackOverflow;
            exit = Exit.Trapped;
            break loop;
          }
          callStack[csp++] = pc + 2;
        }
        if (target >= codeLength) {
          pc = target;
          m.fatal = 'PcOutOfBounds';
          exit = Exit.Fatal;
          break loop;
        }
        pc = target;
        prepaidEnd = -1;
        if (handOff) program.prepareEntry(pc);
        break;
      }
      case Opcode.Call:
      case Opcode.ReturnCall: {
        // The pc moves past the Call first, so an interruption resumes after it.
        if (sp < 0 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        m.sp = sp;
        m.pc = pc + 1;
        store.fuel.budget = fuel;
        store.lastSignature = lastSig;
        const status = m.invokeSyscall(imm);
        sp = m.sp;
        fuel = store.fuel.budget;
        if (status !== SYSCALL_OK) {
          if (status === TrapCode.InterruptionCalled) {
            pc++;
            exit = Exit.Interrupted;
          } else if (status === TrapCode.ExecutionHalted) {
            pc++;
            exit = Exit.Halted;
          } else {
            trap = status; // a trap is reported at the Call
            exit = Exit.Trapped;
          }
          break loop;
        }
        // `ReturnCall` is `Call` in the reference: both continue after themselves.
        prepaidEnd = -1;
        pc++;
        break;
      }
      case Opcode.SignatureCheck:
        if (lastSig !== NO_SIGNATURE) {
          const announced = lastSig;
          lastSig = NO_SIGNATURE;
          if (announced !== imm) {
            trap = TrapCode.BadSignature;
            exit = Exit.Trapped;
            break loop;
          }
        }
        pc++;
        break;
      case Opcode.StackCheck:
        if (sp < 0 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        if (sp + imm > STACK_LIMIT) {
          trap = TrapCode.StackOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        pc++;
        break;
      case Opcode.ConsumeFuel:
        if (imm > fuel) {
          m.pendingFuel = imm;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= imm;
        pc++;
        break;
      case Opcode.ConsumeFuelStack: {
        // The amount stays on the stack until it is charged, so a refuelled run re-executes this.
        if (sp < 1 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const amount = stack[sp - 1]! >>> 0;
        if (amount > fuel) {
          m.pendingFuel = amount;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= amount;
        sp--;
        pc++;
        break;
      }

      // ------------------------------------------------------------------ stack
      case Opcode.LocalGet:
        if (sp - imm < 0 || sp >= STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        stack[sp] = stack[sp - imm]!;
        sp++;
        pc++;
        break;
      case Opcode.LocalSet: {
        if (sp - 1 - imm < 0 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const value = stack[--sp]!;
        stack[sp - imm] = value;
        pc++;
        break;
      }
      case Opcode.LocalTee:
        if (sp - imm < 0 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        stack[sp - imm] = stack[sp - 1]!;
        pc++;
        break;
      case Opcode.Drop:
        sp--;
        pc++;
        break;
      case Opcode.Select: {
        if (sp < 3 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const condition = stack[sp - 1]!;
        sp -= 2;
        if (condition === 0) stack[sp - 1] = stack[sp]!;
        pc++;
        break;
      }
      case Opcode.BulkConst:
        if (sp < 0 || imm > STACK_LIMIT - sp) {
          exit = corrupted();
          break loop;
        }
        stack.fill(0, sp, sp + imm);
        sp += imm;
        pc++;
        break;
      case Opcode.BulkDrop:
        sp -= imm;
        pc++;
        break;
      case Opcode.I32Const:
      case Opcode.RefFunc:
        if (sp < 0 || sp >= STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        stack[sp++] = imm;
        pc++;
        break;
      case Opcode.GlobalGet:
        if (sp < 0 || sp >= STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        stack[sp++] = globals[program.slotOfGlobal.get(imm)!]!;
        pc++;
        break;
      case Opcode.GlobalSet:
        if (sp < 1 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        globals[program.slotOfGlobal.get(imm)!] = stack[--sp]!;
        pc++;
        break;

      // ------------------------------------------------------------------ memory
      case Opcode.I32Load:
      case Opcode.I32Load8S:
      case Opcode.I32Load8U:
      case Opcode.I32Load16S:
      case Opcode.I32Load16U:
      case Opcode.F32Load:
      case Opcode.F64Load: {
        const wide = code === Opcode.F64Load;
        if (sp < 1 || sp > (wide ? STACK_LIMIT - 1 : STACK_LIMIT)) {
          exit = corrupted();
          break loop;
        }
        const address = (stack[sp - 1]! >>> 0) + imm;
        const size = code === Opcode.I32Load8S || code === Opcode.I32Load8U ? 1 : code === Opcode.I32Load16S || code === Opcode.I32Load16U ? 2 : wide ? 8 : 4;
        const memory = store.memory;
        if (address + size > memory.bytes.length) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        const view = memory.view;
        switch (code) {
          case Opcode.I32Load8S:
            stack[sp - 1] = view.getInt8(address);
            break;
          case Opcode.I32Load8U:
            stack[sp - 1] = view.getUint8(address);
            break;
          case Opcode.I32Load16S:
            stack[sp - 1] = view.getInt16(address, true);
            break;
          case Opcode.I32Load16U:
            stack[sp - 1] = view.getUint16(address, true);
            break;
          default:
            stack[sp - 1] = view.getInt32(address, true);
            if (wide) stack[sp++] = view.getInt32(address + 4, true);
        }
        pc++;
        break;
      }
      case Opcode.I32Store:
      case Opcode.I32Store8:
      case Opcode.I32Store16:
      case Opcode.F32Store:
      case Opcode.F64Store: {
        const wide = code === Opcode.F64Store;
        const operands = wide ? 3 : 2;
        if (sp < operands || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const address = (stack[sp - operands]! >>> 0) + imm;
        const size = code === Opcode.I32Store8 ? 1 : code === Opcode.I32Store16 ? 2 : wide ? 8 : 4;
        const memory = store.memory;
        if (address + size > memory.bytes.length) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        const view = memory.view;
        if (code === Opcode.I32Store8) view.setInt8(address, stack[sp - 1]!);
        else if (code === Opcode.I32Store16) view.setInt16(address, stack[sp - 1]!, true);
        else if (wide) {
          view.setInt32(address, stack[sp - 2]!, true);
          view.setInt32(address + 4, stack[sp - 1]!, true);
        } else view.setInt32(address, stack[sp - 1]!, true);
        sp -= operands;
        pc++;
        break;
      }
      case Opcode.MemorySize:
        if (sp < 0 || sp >= STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        stack[sp++] = store.memory.pages;
        pc++;
        break;
      case Opcode.MemoryGrow:
        if (sp < 1 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        stack[sp - 1] = store.memory.grow(stack[sp - 1]! >>> 0);
        pc++;
        break;
      case Opcode.MemoryFill:
      case Opcode.MemoryCopy:
      case Opcode.MemoryInit: {
        if (sp < 3 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const a = stack[sp - 3]!;
        const b = stack[sp - 2]!;
        const n = stack[sp - 1]!;
        sp -= 3;
        const status =
          code === Opcode.MemoryFill ? memoryFill(store, a, b, n) : code === Opcode.MemoryCopy ? memoryCopy(store, a, b, n) : memoryInit(store, program.data, imm, a, b, n);
        if (status !== OK) {
          trap = status;
          exit = Exit.Trapped;
          break loop;
        }
        pc++;
        break;
      }
      case Opcode.DataDrop:
        store.dataDropped.drop(imm);
        pc++;
        break;

      // ------------------------------------------------------------------ tables
      case Opcode.TableGrow: {
        if (sp < 2 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const delta = stack[--sp]!;
        stack[sp - 1] = tableGrow(store, imm, stack[sp - 1]!, delta);
        pc++;
        break;
      }
      case Opcode.TableSize:
      case Opcode.TableFill:
      case Opcode.TableGet:
      case Opcode.TableSet:
      case Opcode.TableCopy:
      case Opcode.TableInit: {
        const table = tables[code === Opcode.TableCopy ? imm & 0xffff : code === Opcode.TableInit ? bits[pc + 1]! : imm];
        const source = code === Opcode.TableCopy ? tables[imm >>> 16] : table;
        if (table === undefined || source === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const operands = code === Opcode.TableSize ? 0 : code === Opcode.TableGet ? 1 : code === Opcode.TableSet ? 2 : 3;
        if (sp < operands || sp > (code === Opcode.TableSize ? STACK_LIMIT - 1 : STACK_LIMIT)) {
          exit = corrupted();
          break loop;
        }
        let status = OK;
        switch (code) {
          case Opcode.TableSize:
            stack[sp++] = table.size;
            break;
          case Opcode.TableGet: {
            const i = stack[sp - 1]! >>> 0;
            if (i >= table.size) status = TrapCode.TableOutOfBounds;
            else stack[sp - 1] = table.elements[i]!;
            break;
          }
          case Opcode.TableSet: {
            const i = stack[sp - 2]! >>> 0;
            const value = stack[sp - 1]!;
            sp -= 2;
            if (i >= table.size) status = TrapCode.TableOutOfBounds;
            else table.elements[i] = value;
            break;
          }
          default: {
            const a = stack[sp - 3]!;
            const b = stack[sp - 2]!;
            const n = stack[sp - 1]!;
            sp -= 3;
            status =
              code === Opcode.TableFill ? tableFill(table, a, b, n) : code === Opcode.TableCopy ? tableCopy(table, source, a, b, n) : tableInit(store, table, program.elem, imm, a, b, n);
          }
        }
        if (status !== OK) {
          trap = status;
          exit = Exit.Trapped;
          break loop;
        }
        pc += code === Opcode.TableInit ? 2 : 1;
        break;
      }
      case Opcode.ElemDrop:
        store.elemDropped.drop(imm);
        pc++;
        break;

      // ------------------------------------------------------------------ alu
      case Opcode.I32Eqz:
      case Opcode.I32Clz:
      case Opcode.I32Ctz:
      case Opcode.I32Popcnt:
      case Opcode.I32WrapI64:
      case Opcode.I32Extend8S:
      case Opcode.I32Extend16S: {
        if (sp < 1 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const x = stack[sp - 1]!;
        stack[sp - 1] = unary(code, x);
        pc++;
        break;
      }
      case Opcode.I32Mul64: {
        if (sp < 2 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const a = stack[sp - 2]! >>> 0;
        const b = stack[sp - 1]! >>> 0;
        stack[sp - 2] = Math.imul(a, b);
        stack[sp - 1] = mulHigh(a, b);
        pc++;
        break;
      }
      case Opcode.I32Add64: {
        if (sp < 2 || sp > STACK_LIMIT) {
          exit = corrupted();
          break loop;
        }
        const sum = (stack[sp - 2]! >>> 0) + (stack[sp - 1]! >>> 0);
        stack[sp - 2] = sum | 0;
        stack[sp - 1] = sum > 0xffffffff ? 1 : 0;
        pc++;
        break;
      }
      default: {
        if (code >= Opcode.I32Eq && code <= Opcode.I32Rotr) {
          if (sp < 2 || sp > STACK_LIMIT) {
            exit = corrupted();
            break loop;
          }
          const a = stack[sp - 2]!;
          const b = stack[sp - 1]!;
          const divides = code >= Opcode.I32DivS && code <= Opcode.I32RemU;
          if (divides) {
            const failure = divisionTrap(code, a, b);
            if (failure !== OK) {
              trap = failure;
              exit = Exit.Trapped;
              break loop;
            }
          }
          sp--;
          stack[sp - 1] = binary(code, a, b);
          pc++;
          break;
        }
        if (code >= FPU_CODE_BASE) {
          const n = code - FPU_CODE_BASE;
          const next = executeFpuChecked(n, stack, sp);
          if (next === STACK_OUT_OF_RANGE) {
            exit = corrupted();
            break loop;
          }
          if (next === FPU_TRAPPED) {
            trap = fpuTrapCode;
            exit = Exit.Trapped;
            break loop;
          }
          sp = next;
          pc++;
          break;
        }
        // No other wire code survives decoding.
        m.fatal = 'PcOutOfBounds';
        exit = Exit.Fatal;
        break loop;
      }
    }
  }

  m.sp = sp;
  m.pc = pc;
  m.csp = csp;
  m.trapCode = trap;
  m.paidUntil = prepaidEnd > pc ? prepaidEnd : -1;
  store.fuel.budget = fuel;
  store.lastSignature = lastSig;
  return exit;
}

const STACK_OUT_OF_RANGE = Number.MIN_SAFE_INTEGER + 1;

/** FPU opcodes with the stack discipline checked first (their effect is in stack-effects.ts). */
function executeFpuChecked(n: number, stack: Int32Array, sp: number): number {
  const { pops, pushes } = fpuEffect(n);
  if (sp < pops || sp > STACK_LIMIT || sp - pops + pushes > STACK_LIMIT) return STACK_OUT_OF_RANGE;
  return executeFpu(n, stack, sp);
}

function fpuEffect(n: number): { pops: number; pushes: number } {
  return stackEffect(FPU_CODE_BASE + n, 0);
}

/** The i32 unary operators (and the reference's identity I32WrapI64). */
export function unary(code: number, x: number): number {
  switch (code) {
    case Opcode.I32Eqz:
      return x === 0 ? 1 : 0;
    case Opcode.I32Clz:
      return Math.clz32(x);
    case Opcode.I32Ctz:
      return x === 0 ? 32 : 31 - Math.clz32(x & -x);
    case Opcode.I32Popcnt: {
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    case Opcode.I32Extend8S:
      return (x << 24) >> 24;
    case Opcode.I32Extend16S:
      return (x << 16) >> 16;
    default:
      return x; // I32WrapI64
  }
}

/** The trap an i32 division or remainder raises, or OK. */
export function divisionTrap(code: number, a: number, b: number): number {
  if (b === 0) return TrapCode.IntegerDivisionByZero;
  if (code === Opcode.I32DivS && a === -0x80000000 && b === -1) return TrapCode.IntegerOverflow;
  return OK;
}

/** The i32 binary operators and comparisons (divisions already checked for traps). */
export function binary(code: number, a: number, b: number): number {
  switch (code) {
    case Opcode.I32Eq:
      return a === b ? 1 : 0;
    case Opcode.I32Ne:
      return a !== b ? 1 : 0;
    case Opcode.I32LtS:
      return a < b ? 1 : 0;
    case Opcode.I32LtU:
      return a >>> 0 < b >>> 0 ? 1 : 0;
    case Opcode.I32GtS:
      return a > b ? 1 : 0;
    case Opcode.I32GtU:
      return a >>> 0 > b >>> 0 ? 1 : 0;
    case Opcode.I32LeS:
      return a <= b ? 1 : 0;
    case Opcode.I32LeU:
      return a >>> 0 <= b >>> 0 ? 1 : 0;
    case Opcode.I32GeS:
      return a >= b ? 1 : 0;
    case Opcode.I32GeU:
      return a >>> 0 >= b >>> 0 ? 1 : 0;
    case Opcode.I32Add:
      return (a + b) | 0;
    case Opcode.I32Sub:
      return (a - b) | 0;
    case Opcode.I32Mul:
      return Math.imul(a, b);
    case Opcode.I32DivS:
      return (a / b) | 0;
    case Opcode.I32DivU:
      return ((a >>> 0) / (b >>> 0)) | 0;
    case Opcode.I32RemS:
      return (a % b) | 0;
    case Opcode.I32RemU:
      return ((a >>> 0) % (b >>> 0)) | 0;
    case Opcode.I32And:
      return a & b;
    case Opcode.I32Or:
      return a | b;
    case Opcode.I32Xor:
      return a ^ b;
    case Opcode.I32Shl:
      return a << b;
    case Opcode.I32ShrS:
      return a >> b;
    case Opcode.I32ShrU:
      return a >>> b;
    case Opcode.I32Rotl: {
      const k = b & 31;
      return (a << k) | (a >>> ((32 - k) & 31));
    }
    default: {
      // I32Rotr
      const k = b & 31;
      return (a >>> k) | (a << ((32 - k) & 31));
    }
  }
}
