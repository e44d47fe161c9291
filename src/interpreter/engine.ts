/**
 * The block engine's dispatch loop: one function, one `switch` over the prepared code that
 * lowering.ts writes, with the registers in locals. Operands are stack slots addressed relative
 * to `sp`, the base of the current region (see units.ts), so an instruction such as
 * `stack[d] = stack[a] + stack[b]` stands for a whole `local.get; local.get; i32.add;
 * local.set` and nothing is pushed or popped in between. The stack pointer itself changes only
 * where control enters a region: at calls, returns and the rare branch between regions, which
 * also check that the region's whole stack use lies in range (else the stepper takes over).
 *
 * Every point where a run can stop (fuel checks, syscalls, traps, calls and returns) is a block
 * boundary, where the value stack holds exactly what the stepper would hold; a trap inside a
 * block reports the pc of the instruction that raised it.
 *
 * `Op` is declared here, in the file that switches over it, so every `case` compiles to a
 * literal and V8 builds a jump table.
 */
import { TrapCode } from '../format/trap-codes.js';
import { OK, memoryCopy, memoryFill, memoryInit, tableCopy, tableFill, tableGrow, tableInit } from './bulk-ops.js';
import { Exit, MAX_CALL_DEPTH, NO_SIGNATURE, SYSCALL_OK, type ExecutionContext } from './execution.js';
import { FPU_TRAPPED, executeFpu, fpuTrapCode } from './fpu.js';
import { compareI64, i64Operation, i64Trap, mulHigh, type I64Kind } from './i64.js';
import { snippetTrapPc } from './snippets.js';
import { REGISTER_COUNT, REGISTER_CSP, REGISTER_FUEL, REGISTER_LAST_SIGNATURE, REGISTER_PAID_END, REGISTER_SP } from './compiled-code.js';

export enum Op {
  // moves: [op, d, s] / [op, d, value] / [op, d, count]
  Copy,
  Const,
  Zero,
  // i32 binary, registers: [op, d, a, b]
  Add,
  Sub,
  Mul,
  DivS,
  DivU,
  RemS,
  RemU,
  And,
  Or,
  Xor,
  Shl,
  ShrS,
  ShrU,
  Rotl,
  Rotr,
  Eq,
  Ne,
  LtS,
  LtU,
  GtS,
  GtU,
  LeS,
  LeU,
  GeS,
  GeU,
  // i32 binary with an immediate right operand: [op, d, a, value]
  AddI,
  MulI,
  AndI,
  OrI,
  XorI,
  ShlI,
  ShrSI,
  ShrUI,
  RotlI,
  RotrI,
  EqI,
  NeI,
  LtSI,
  LtUI,
  GtSI,
  GtUI,
  LeSI,
  LeUI,
  GeSI,
  GeUI,
  // unary: [op, d, a]
  Eqz,
  Clz,
  Ctz,
  Popcnt,
  Extend8S,
  Extend16S,
  // two words out: [op, d, a, b]
  Mul64,
  Add64,
  Select, // [op, d, a, b, condition]
  // two i32 operations in one, the inner result used once: [op, d, a, b, c] / [op, d, a, k, x]
  XorAdd, // (a ^ b) + c
  MulAdd, // a * b + c
  MulXor, // (a * b) ^ c
  XorMulI, // (a ^ b) * value
  ShlAddI, // (a << k) + value
  AddShl, // x + (a << k)
  ShlXor, // (a << k) ^ x
  ShrUXor, // (a >>> k) ^ x
  RotlXor, // rotl(a, k) ^ x
  // memory: [op, d, address, offset] / [op, address, value, offset]
  Load32,
  Load8S,
  Load8U,
  Load16S,
  Load16U,
  Load64,
  Store32,
  Store8,
  Store16,
  Store64,
  Store32I,
  Store8I,
  Store16I,
  // addressed by a sum: [op, d, a, value, offset] (a + value) / [op, d, a, b, offset] (a + b) /
  // [op, d, i, k, value, offset] ((i << k) + value); stores [op, a, value, v, offset]
  Load32A,
  Load8SA,
  Load8UA,
  Load16SA,
  Load16UA,
  Load32R,
  Load8UR,
  Load32S,
  Store32A,
  Store8A,
  MemorySize, // [op, d]
  MemoryGrow, // [op, d, a]
  // on the stack's own top (operands in their slots below h): [op, h, …]
  MemoryFill,
  MemoryCopy,
  MemoryInit, // [op, h, segment]
  DataDrop, // [op, segment]
  ElemDrop,
  TableSize, // [op, h, table]
  TableGrow,
  TableFill,
  TableGet,
  TableSet,
  TableCopy, // [op, h, dst, src]
  TableInit, // [op, h, segment, table]
  GlobalGet, // [op, d, slot]
  GlobalSet, // [op, slot, s]
  GlobalSetI, // [op, slot, value]
  Fpu, // [op, h, n]: FPU opcode 1000 + n
  // checks and fuel (a StackCheck needs no op: the region's range check covers it, see units.ts)
  SignatureCheck, // [op, signature]
  Fuel, // [op, amount, h]: the program's ConsumeFuel
  FuelStack, // [op, h]: ConsumeFuelStack, the amount in slot h - 1
  Meter, // [op, cost, h, end]: engine metering charges a block (up to pc `end`) on entry
  // calls of i64 snippet functions, run natively on word pairs given by their halves' slots
  I64Add, // [op, d, aLo, aHi, bLo, bHi]
  I64Sub,
  I64Mul,
  I64AddI, // [op, d, aLo, aHi, lo, hi]
  I64MulI,
  I64AddU32, // [op, d, aLo, aHi, b]: b zero-extended
  I64MulU32,
  I64ShlI, // [op, d, aLo, aHi, k], 0 < k < 32
  I64ShrSI,
  I64ShrUI,
  I64RotlI,
  I64Compare, // [op, kind, d, aLo, aHi, bLo, bHi]
  // the compiler's inline i64 sequences: [op, d, aLo, aHi, bLo, bHi]
  And64,
  Or64,
  Xor64,
  AndNot64, // ~a & b
  XorRotl64, // [op, d, aLo, aHi, bLo, bHi, k]: rotl(a ^ b, k), 0 < k < 32
  RotlXor64, // [op, d, aLo, aHi, k, bLo, bHi]: rotl(a, k) ^ b, 0 < k < 32
  XorXor64, // [op, d, aLo, aHi, bLo, bHi, cLo, cHi]: a ^ b ^ c
  I64CompareI, // [op, kind, d, aLo, aHi, lo, hi]
  // any other snippet (divisions, shifts by a register), operands in adjacent slots
  I64, // [op, kind, d, a, b, snippetPc]
  I64I, // [op, kind, d, a, lo, hi, snippetPc]
  // control
  Jump, // [op, ip]
  JumpRebase, // [op, ip, delta, lo, limit, offset, pc]: into another region (sp += delta, then its range check)
  BrNez, // [op, c, ip]
  BrEqz,
  BrEq, // [op, a, b, ip]
  BrNe,
  BrLtS,
  BrLtU,
  BrGtS,
  BrGtU,
  BrLeS,
  BrLeU,
  BrGeS,
  BrGeU,
  BrEqI, // [op, a, value, ip]
  BrNeI,
  BrLtSI,
  BrLtUI,
  BrGtSI,
  BrGtUI,
  BrLeSI,
  BrLeUI,
  BrGeSI,
  BrGeUI,
  AddIBrNeI, // [op, d, a, value, k, ip]: d = a + value, then branch when d != k
  AddIBrNez, // [op, d, a, value, ip]: d = a + value, then branch when d != 0
  BrTable, // [op, index, n, ip × n]
  Return, // [op, h]
  Call, // [op, h, targetPc, returnPc]
  CallIndirect, // [op, h, index, signature, table, returnPc]
  ReturnCall, // [op, h, targetPc]
  ReturnCallIndirect, // [op, h, index, signature, table]
  Syscall, // [op, h, sysIndex, returnPc]
  Unreachable,
  Trap, // [op, trapCode, h]
  Leave, // [op, pc, h]: continue at pc outside this unit
  SlowPath, // [op, h]: the stepper runs this block
  Lazy, // [op, stub]: lower the block the program's stub names (and what it falls into), then continue there
  Compiled, // [op, index, ip, spare]: at a block's start, run the program's compiled code `index` from here (negative: a countdown to translation, step over)
}

/** Words an op takes, by op (for walking prepared code). */
export const OP_WORDS: Readonly<Record<number, number>> = (() => {
  const words: Record<number, number> = {};
  const set = (size: number, ...ops: Op[]) => ops.forEach((op) => (words[op] = size));
  for (let op = Op.Copy; op <= Op.Compiled; op++) words[op] = 0;
  set(3, Op.Copy, Op.Const, Op.Zero, Op.Eqz, Op.Clz, Op.Ctz, Op.Popcnt, Op.Extend8S, Op.Extend16S, Op.MemoryGrow);
  for (let op = Op.Add; op <= Op.GeUI; op++) words[op] = 4;
  set(4, Op.Mul64, Op.Add64, Op.Load32, Op.Load8S, Op.Load8U, Op.Load16S, Op.Load16U, Op.Load64);
  set(4, Op.Store32, Op.Store8, Op.Store16, Op.Store64, Op.Store32I, Op.Store8I, Op.Store16I);
  set(5, Op.Select, Op.XorAdd, Op.MulAdd, Op.MulXor, Op.XorMulI, Op.ShlAddI, Op.AddShl, Op.ShlXor, Op.ShrUXor, Op.RotlXor);
  set(5, Op.Load32A, Op.Load8SA, Op.Load8UA, Op.Load16SA, Op.Load16UA, Op.Load32R, Op.Load8UR, Op.Store32A, Op.Store8A, Op.AddIBrNez);
  set(6, Op.Load32S, Op.AddIBrNeI);
  set(2, Op.MemorySize, Op.MemoryFill, Op.MemoryCopy, Op.DataDrop, Op.ElemDrop, Op.SignatureCheck, Op.FuelStack, Op.Jump, Op.Return, Op.SlowPath);
  set(3, Op.MemoryInit, Op.TableSize, Op.TableGrow, Op.TableFill, Op.TableGet, Op.TableSet, Op.GlobalGet, Op.GlobalSet, Op.GlobalSetI, Op.Fpu);
  set(4, Op.Meter);
  set(3, Op.Fuel, Op.BrNez, Op.BrEqz, Op.ReturnCall, Op.Trap, Op.Leave);
  set(2, Op.Lazy);
  set(4, Op.Compiled);
  set(4, Op.TableCopy, Op.TableInit, Op.Call, Op.Syscall);
  for (let op = Op.BrEq; op <= Op.BrGeUI; op++) words[op] = 4;
  set(6, Op.I64Add, Op.I64Sub, Op.I64Mul, Op.I64AddI, Op.I64MulI, Op.I64, Op.And64, Op.Or64, Op.Xor64, Op.AndNot64);
  set(5, Op.I64AddU32, Op.I64MulU32, Op.I64ShlI, Op.I64ShrSI, Op.I64ShrUI, Op.I64RotlI);
  set(7, Op.I64Compare, Op.I64CompareI, Op.I64I, Op.XorRotl64, Op.RotlXor64);
  set(8, Op.XorXor64);
  set(5, Op.ReturnCallIndirect);
  set(7, Op.JumpRebase);
  set(6, Op.CallIndirect);
  set(1, Op.Unreachable);
  return words;
})();

/**
 * After a call or return into code that moved while it was prepared: the entry check, done on
 * the new code. SlowPath when it fails, Moved (continue at ip on the new code) otherwise.
 */
function enteredMoved(code: Int32Array, sp: number, ip: number, csp: number): Exit {
  return ((sp + code[ip - 2]!) >>> 0) > code[ip - 1]! || csp === MAX_CALL_DEPTH ? Exit.SlowPath : Exit.Moved;
}

/**
 * Runs prepared code from `m.ip` with `m.sp` the base of the region it is in, until the run
 * ends or stops. On return `m.sp` is the real stack pointer and `m.pc` the pc to report or
 * continue at.
 */
/** The registers handed to compiled code and back (it returns only an ip): see compiled-code.ts. */
const registers = new Float64Array(REGISTER_COUNT);

export function runBlocks(m: ExecutionContext): Exit {
  const program = m.program;
  // Fixed for this call: when preparing more code moves the array, the loop exits (Moved) and
  // is entered again on the new one, so the engine can keep it in a register.
  const code = program.code;
  const ipOfPc = program.ipOfPc;
  const stack = m.stack;
  const callStack = m.callStack;
  const store = m.store;
  const globals = store.globals;
  const tables = store.tables;
  const elem = program.elem;
  const compiled = program.compiled; // grows in place as more is translated
  let memory = store.memory.bytes;
  let view = store.memory.view;
  let memLen = memory.length;
  // `| 0` wherever a register takes a value from outside the loop keeps it an int32 in a
  // machine register (else V8 keeps it tagged and checks it on every use).
  let sp = m.sp | 0;
  let ip = m.ip | 0;
  let csp = m.csp | 0;
  let fuel = store.fuel.budget;
  let lastSig = store.lastSignature;
  let exit: Exit;
  let trap = TrapCode.UnreachableCodeReached;
  // Where the run stops: the real stack pointer and, when not the pc of the op at `ip`, the pc.
  let exitSp = 0;
  let exitPc = -1;
  // With engine metering: the end of the block the last Meter paid for.
  let paidEnd = -1;

  loop: for (;;) {
    switch (code[ip]) {
      // ---------------------------------------------------------------- moves
      case Op.Copy:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        ip += 3;
        break;
      case Op.Const:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = code[(ip + 2) | 0]!;
        ip += 3;
        break;
      case Op.Zero: {
        const at = sp + code[(ip + 1) | 0]!;
        stack.fill(0, at, at + code[(ip + 2) | 0]!);
        ip += 3;
        break;
      }

      // ---------------------------------------------------------------- i32, registers
      case Op.Add:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! + stack[(sp + code[(ip + 3) | 0]!) | 0]!) | 0;
        ip += 4;
        break;
      case Op.Sub:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! - stack[(sp + code[(ip + 3) | 0]!) | 0]!) | 0;
        ip += 4;
        break;
      case Op.Mul:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = Math.imul(stack[(sp + code[(ip + 2) | 0]!) | 0]!, stack[(sp + code[(ip + 3) | 0]!) | 0]!);
        ip += 4;
        break;
      case Op.DivS: {
        const a = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const b = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        if (b === 0 || (a === -0x80000000 && b === -1)) {
          trap = b === 0 ? TrapCode.IntegerDivisionByZero : TrapCode.IntegerOverflow;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (a / b) | 0;
        ip += 4;
        break;
      }
      case Op.DivU: {
        const b = stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0;
        if (b === 0) {
          trap = TrapCode.IntegerDivisionByZero;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = ((stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) / b) | 0;
        ip += 4;
        break;
      }
      case Op.RemS: {
        const b = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        if (b === 0) {
          trap = TrapCode.IntegerDivisionByZero;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! % b) | 0;
        ip += 4;
        break;
      }
      case Op.RemU: {
        const b = stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0;
        if (b === 0) {
          trap = TrapCode.IntegerDivisionByZero;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = ((stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) % b) | 0;
        ip += 4;
        break;
      }
      case Op.And:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! & stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 4;
        break;
      case Op.Or:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! | stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 4;
        break;
      case Op.Xor:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! ^ stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 4;
        break;
      case Op.Shl:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! << stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 4;
        break;
      case Op.ShrS:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >> stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 4;
        break;
      case Op.ShrU:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 4;
        break;
      case Op.Rotl: {
        const x = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const k = stack[(sp + code[(ip + 3) | 0]!) | 0]! & 31;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (x << k) | (x >>> ((32 - k) & 31));
        ip += 4;
        break;
      }
      case Op.Rotr: {
        const x = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const k = stack[(sp + code[(ip + 3) | 0]!) | 0]! & 31;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (x >>> k) | (x << ((32 - k) & 31));
        ip += 4;
        break;
      }
      case Op.Eq:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0] === stack[(sp + code[(ip + 3) | 0]!) | 0] ? 1 : 0;
        ip += 4;
        break;
      case Op.Ne:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0] !== stack[(sp + code[(ip + 3) | 0]!) | 0] ? 1 : 0;
        ip += 4;
        break;
      case Op.LtS:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! < stack[(sp + code[(ip + 3) | 0]!) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.LtU:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 < stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;
      case Op.GtS:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! > stack[(sp + code[(ip + 3) | 0]!) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.GtU:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 > stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;
      case Op.LeS:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! <= stack[(sp + code[(ip + 3) | 0]!) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.LeU:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 <= stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;
      case Op.GeS:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >= stack[(sp + code[(ip + 3) | 0]!) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.GeU:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 >= stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;

      // ---------------------------------------------------------------- i32, immediate
      case Op.AddI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) | 0;
        ip += 4;
        break;
      case Op.MulI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = Math.imul(stack[(sp + code[(ip + 2) | 0]!) | 0]!, code[(ip + 3) | 0]!);
        ip += 4;
        break;
      case Op.AndI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! & code[(ip + 3) | 0]!;
        ip += 4;
        break;
      case Op.OrI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! | code[(ip + 3) | 0]!;
        ip += 4;
        break;
      case Op.XorI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! ^ code[(ip + 3) | 0]!;
        ip += 4;
        break;
      case Op.ShlI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! << code[(ip + 3) | 0]!;
        ip += 4;
        break;
      case Op.ShrSI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >> code[(ip + 3) | 0]!;
        ip += 4;
        break;
      case Op.ShrUI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> code[(ip + 3) | 0]!;
        ip += 4;
        break;
      case Op.RotlI: {
        const x = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const k = code[(ip + 3) | 0]! & 31;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (x << k) | (x >>> ((32 - k) & 31));
        ip += 4;
        break;
      }
      case Op.RotrI: {
        const x = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const k = code[(ip + 3) | 0]! & 31;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (x >>> k) | (x << ((32 - k) & 31));
        ip += 4;
        break;
      }
      case Op.EqI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0] === code[(ip + 3) | 0] ? 1 : 0;
        ip += 4;
        break;
      case Op.NeI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0] !== code[(ip + 3) | 0] ? 1 : 0;
        ip += 4;
        break;
      case Op.LtSI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! < code[(ip + 3) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.LtUI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 < code[(ip + 3) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;
      case Op.GtSI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! > code[(ip + 3) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.GtUI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 > code[(ip + 3) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;
      case Op.LeSI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! <= code[(ip + 3) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.LeUI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 <= code[(ip + 3) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;
      case Op.GeSI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >= code[(ip + 3) | 0]! ? 1 : 0;
        ip += 4;
        break;
      case Op.GeUI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 >= code[(ip + 3) | 0]! >>> 0 ? 1 : 0;
        ip += 4;
        break;

      // ---------------------------------------------------------------- unary, wide, select
      case Op.Eqz:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 2) | 0]!) | 0] === 0 ? 1 : 0;
        ip += 3;
        break;
      case Op.Clz:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = Math.clz32(stack[(sp + code[(ip + 2) | 0]!) | 0]!);
        ip += 3;
        break;
      case Op.Ctz: {
        const x = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = x === 0 ? 32 : 31 - Math.clz32(x & -x);
        ip += 3;
        break;
      }
      case Op.Popcnt: {
        let x = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        x = x - ((x >>> 1) & 0x55555555);
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        stack[(sp + code[(ip + 1) | 0]!) | 0] = Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
        ip += 3;
        break;
      }
      case Op.Extend8S:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! << 24) >> 24;
        ip += 3;
        break;
      case Op.Extend16S:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! << 16) >> 16;
        ip += 3;
        break;
      case Op.Mul64: {
        const a = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0;
        const b = stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = Math.imul(a, b);
        stack[d + 1] = mulHigh(a, b);
        ip += 4;
        break;
      }
      case Op.Add64: {
        const sum = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (stack[(sp + code[(ip + 3) | 0]!) | 0]! >>> 0);
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = sum | 0;
        stack[d + 1] = sum > 0xffffffff ? 1 : 0;
        ip += 4;
        break;
      }
      case Op.Select:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = stack[(sp + code[(ip + 4) | 0]!) | 0] !== 0 ? stack[(sp + code[(ip + 2) | 0]!) | 0]! : stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 5;
        break;
      case Op.XorAdd:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = ((stack[(sp + code[(ip + 2) | 0]!) | 0]! ^ stack[(sp + code[(ip + 3) | 0]!) | 0]!) + stack[(sp + code[(ip + 4) | 0]!) | 0]!) | 0;
        ip += 5;
        break;
      case Op.MulAdd:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (Math.imul(stack[(sp + code[(ip + 2) | 0]!) | 0]!, stack[(sp + code[(ip + 3) | 0]!) | 0]!) + stack[(sp + code[(ip + 4) | 0]!) | 0]!) | 0;
        ip += 5;
        break;
      case Op.MulXor:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = Math.imul(stack[(sp + code[(ip + 2) | 0]!) | 0]!, stack[(sp + code[(ip + 3) | 0]!) | 0]!) ^ stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        ip += 5;
        break;
      case Op.XorMulI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = Math.imul(stack[(sp + code[(ip + 2) | 0]!) | 0]! ^ stack[(sp + code[(ip + 3) | 0]!) | 0]!, code[(ip + 4) | 0]!);
        ip += 5;
        break;
      case Op.ShlAddI:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = ((stack[(sp + code[(ip + 2) | 0]!) | 0]! << code[(ip + 3) | 0]!) + code[(ip + 4) | 0]!) | 0;
        ip += 5;
        break;
      case Op.AddShl:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 4) | 0]!) | 0]! + (stack[(sp + code[(ip + 2) | 0]!) | 0]! << code[(ip + 3) | 0]!)) | 0;
        ip += 5;
        break;
      case Op.ShlXor:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! << code[(ip + 3) | 0]!) ^ stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        ip += 5;
        break;
      case Op.ShrUXor:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> code[(ip + 3) | 0]!) ^ stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        ip += 5;
        break;
      case Op.RotlXor: {
        const x = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const k = code[(ip + 3) | 0]!;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = ((x << k) | (x >>> ((32 - k) & 31))) ^ stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        ip += 5;
        break;
      }

      // ---------------------------------------------------------------- memory
      case Op.Load32: {
        const address = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getInt32(address, true);
        ip += 4;
        break;
      }
      case Op.Load8S: {
        const address = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (memory[address]! << 24) >> 24;
        ip += 4;
        break;
      }
      case Op.Load8U: {
        const address = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = memory[address]!;
        ip += 4;
        break;
      }
      case Op.Load16S: {
        const address = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getInt16(address, true);
        ip += 4;
        break;
      }
      case Op.Load16U: {
        const address = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getUint16(address, true);
        ip += 4;
        break;
      }
      case Op.Load64: {
        const address = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 8 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = view.getInt32(address, true);
        stack[d + 1] = view.getInt32(address + 4, true);
        ip += 4;
        break;
      }
      case Op.Store32: {
        const address = (stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt32(address, stack[(sp + code[(ip + 2) | 0]!) | 0]!, true);
        ip += 4;
        break;
      }
      case Op.Store8: {
        const address = (stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        memory[address] = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        ip += 4;
        break;
      }
      case Op.Store16: {
        const address = (stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt16(address, stack[(sp + code[(ip + 2) | 0]!) | 0]!, true);
        ip += 4;
        break;
      }
      case Op.Store64: {
        const address = (stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 8 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        const v = sp + code[(ip + 2) | 0]!;
        view.setInt32(address, stack[v]!, true);
        view.setInt32(address + 4, stack[v + 1]!, true);
        ip += 4;
        break;
      }
      case Op.Store32I: {
        const address = (stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt32(address, code[(ip + 2) | 0]!, true);
        ip += 4;
        break;
      }
      case Op.Store8I: {
        const address = (stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        memory[address] = code[(ip + 2) | 0]!;
        ip += 4;
        break;
      }
      case Op.Store16I: {
        const address = (stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0) + (code[(ip + 3) | 0]! >>> 0);
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt16(address, code[(ip + 2) | 0]!, true);
        ip += 4;
        break;
      }
      case Op.Load32A: {
        const address = (((stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getInt32(address, true);
        ip += 5;
        break;
      }
      case Op.Load8SA: {
        const address = (((stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = (memory[address]! << 24) >> 24;
        ip += 5;
        break;
      }
      case Op.Load8UA: {
        const address = (((stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = memory[address]!;
        ip += 5;
        break;
      }
      case Op.Load16SA: {
        const address = (((stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getInt16(address, true);
        ip += 5;
        break;
      }
      case Op.Load16UA: {
        const address = (((stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 2 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getUint16(address, true);
        ip += 5;
        break;
      }
      case Op.Load32R: {
        const address = (((stack[(sp + code[(ip + 2) | 0]!) | 0]! + stack[(sp + code[(ip + 3) | 0]!) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getInt32(address, true);
        ip += 5;
        break;
      }
      case Op.Load8UR: {
        const address = (((stack[(sp + code[(ip + 2) | 0]!) | 0]! + stack[(sp + code[(ip + 3) | 0]!) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = memory[address]!;
        ip += 5;
        break;
      }
      case Op.Load32S: {
        const address = ((((stack[(sp + code[(ip + 2) | 0]!) | 0]! << code[(ip + 3) | 0]!) + code[(ip + 4) | 0]!) >>> 0) + (code[(ip + 5) | 0]! >>> 0));
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        stack[(sp + code[(ip + 1) | 0]!) | 0] = view.getInt32(address, true);
        ip += 6;
        break;
      }
      case Op.Store32A: {
        const address = (((stack[(sp + code[(ip + 1) | 0]!) | 0]! + code[(ip + 2) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 4 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        view.setInt32(address, stack[(sp + code[(ip + 3) | 0]!) | 0]!, true);
        ip += 5;
        break;
      }
      case Op.Store8A: {
        const address = (((stack[(sp + code[(ip + 1) | 0]!) | 0]! + code[(ip + 2) | 0]!) >>> 0) + (code[(ip + 4) | 0]! >>> 0));
        if (address + 1 > memLen) {
          trap = TrapCode.MemoryOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        memory[address] = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        ip += 5;
        break;
      }
      case Op.MemorySize:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = store.memory.pages;
        ip += 2;
        break;
      case Op.MemoryGrow:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = store.memory.grow(stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0);
        memory = store.memory.bytes;
        view = store.memory.view;
        memLen = memory.length;
        ip += 3;
        break;
      case Op.MemoryFill:
      case Op.MemoryCopy:
      case Op.MemoryInit: {
        const top = sp + code[(ip + 1) | 0]!;
        const a = stack[top - 3]!;
        const b = stack[top - 2]!;
        const n = stack[top - 1]!;
        const op = code[ip]!;
        const status = op === Op.MemoryFill ? memoryFill(store, a, b, n) : op === Op.MemoryCopy ? memoryCopy(store, a, b, n) : memoryInit(store, program.data, code[(ip + 2) | 0]! >>> 0, a, b, n);
        if (status !== OK) {
          trap = status;
          exit = Exit.Trapped;
          break loop;
        }
        ip += op === Op.MemoryInit ? 3 : 2;
        break;
      }
      case Op.DataDrop:
        store.dataDropped.drop(code[(ip + 1) | 0]! >>> 0);
        ip += 2;
        break;
      case Op.ElemDrop:
        store.elemDropped.drop(code[(ip + 1) | 0]! >>> 0);
        ip += 2;
        break;

      // ---------------------------------------------------------------- tables
      case Op.TableGrow: {
        const top = sp + code[(ip + 1) | 0]!;
        stack[top - 2] = tableGrow(store, code[(ip + 2) | 0]!, stack[top - 2]!, stack[top - 1]!);
        ip += 3;
        break;
      }
      case Op.TableSize:
      case Op.TableFill:
      case Op.TableGet:
      case Op.TableSet:
      case Op.TableCopy:
      case Op.TableInit: {
        const op = code[ip]!;
        const top = sp + code[(ip + 1) | 0]!;
        const table = tables[op === Op.TableInit ? code[(ip + 3) | 0]! : code[(ip + 2) | 0]!];
        const source = op === Op.TableCopy ? tables[code[(ip + 3) | 0]!] : table;
        if (table === undefined || source === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        let status = OK;
        switch (op) {
          case Op.TableSize:
            stack[top] = table.size;
            break;
          case Op.TableGet: {
            const i = stack[top - 1]! >>> 0;
            if (i >= table.size) status = TrapCode.TableOutOfBounds;
            else stack[top - 1] = table.elements[i]!;
            break;
          }
          case Op.TableSet: {
            const i = stack[top - 2]! >>> 0;
            if (i >= table.size) status = TrapCode.TableOutOfBounds;
            else table.elements[i] = stack[top - 1]!;
            break;
          }
          case Op.TableFill:
            status = tableFill(table, stack[top - 3]!, stack[top - 2]!, stack[top - 1]!);
            break;
          case Op.TableCopy:
            status = tableCopy(table, source, stack[top - 3]!, stack[top - 2]!, stack[top - 1]!);
            break;
          default:
            status = tableInit(store, table, elem, code[(ip + 2) | 0]! >>> 0, stack[top - 3]!, stack[top - 2]!, stack[top - 1]!);
        }
        if (status !== OK) {
          trap = status;
          exit = Exit.Trapped;
          break loop;
        }
        ip += op === Op.TableCopy || op === Op.TableInit ? 4 : 3;
        break;
      }

      // ---------------------------------------------------------------- globals, fpu
      case Op.GlobalGet:
        stack[(sp + code[(ip + 1) | 0]!) | 0] = globals[code[(ip + 2) | 0]!]!;
        ip += 3;
        break;
      case Op.GlobalSet:
        globals[code[(ip + 1) | 0]!] = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        ip += 3;
        break;
      case Op.GlobalSetI:
        globals[code[(ip + 1) | 0]!] = code[(ip + 2) | 0]!;
        ip += 3;
        break;
      case Op.Fpu:
        if (executeFpu(code[(ip + 2) | 0]!, stack, sp + code[(ip + 1) | 0]!) === FPU_TRAPPED) {
          trap = fpuTrapCode;
          exit = Exit.Trapped;
          break loop;
        }
        ip += 3;
        break;

      // ---------------------------------------------------------------- checks, fuel
      case Op.SignatureCheck:
        if (lastSig !== NO_SIGNATURE) {
          const announced = lastSig;
          lastSig = NO_SIGNATURE;
          if (announced !== code[(ip + 1) | 0]! >>> 0) {
            trap = TrapCode.BadSignature;
            exit = Exit.Trapped;
            break loop;
          }
        }
        ip += 2;
        break;
      case Op.Fuel: {
        const amount = code[(ip + 1) | 0]! >>> 0;
        if (amount > fuel) {
          m.pendingFuel = amount;
          exitSp = sp + code[(ip + 2) | 0]!;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= amount;
        ip += 3;
        break;
      }
      case Op.Meter: {
        const cost = code[(ip + 1) | 0]!;
        if (cost > fuel) {
          m.pendingFuel = cost;
          exitSp = sp + code[(ip + 2) | 0]!;
          paidEnd = -1;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= cost;
        paidEnd = code[(ip + 3) | 0]!;
        ip += 4;
        break;
      }
      case Op.FuelStack: {
        // The amount stays on the stack until it is charged, so a refuelled run re-executes this.
        const top = sp + code[(ip + 1) | 0]!;
        const amount = stack[top - 1]! >>> 0;
        if (amount > fuel) {
          m.pendingFuel = amount;
          exitSp = top;
          exit = Exit.FuelCheck;
          break loop;
        }
        fuel -= amount;
        ip += 2;
        break;
      }

      // ---------------------------------------------------------------- i64 snippets
      case Op.I64Add: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const low = (aLo >>> 0) + (bLo >>> 0);
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = low | 0;
        stack[d + 1] = (aHi + bHi + (low > 0xffffffff ? 1 : 0)) | 0;
        ip += 6;
        break;
      }
      case Op.I64Sub: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = (aLo - bLo) | 0;
        stack[d + 1] = (aHi - bHi - (aLo >>> 0 < bLo >>> 0 ? 1 : 0)) | 0;
        ip += 6;
        break;
      }
      case Op.I64Mul: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = Math.imul(aLo, bLo);
        stack[d + 1] = (mulHigh(aLo >>> 0, bLo >>> 0) + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
        ip += 6;
        break;
      }
      case Op.I64AddI: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = code[(ip + 4) | 0]!;
        const low = (aLo >>> 0) + (bLo >>> 0);
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = low | 0;
        stack[d + 1] = (aHi + code[(ip + 5) | 0]! + (low > 0xffffffff ? 1 : 0)) | 0;
        ip += 6;
        break;
      }
      case Op.I64MulI: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = code[(ip + 4) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = Math.imul(aLo, bLo);
        stack[d + 1] = (mulHigh(aLo >>> 0, bLo >>> 0) + Math.imul(aLo, code[(ip + 5) | 0]!) + Math.imul(aHi, bLo)) | 0;
        ip += 6;
        break;
      }
      case Op.I64AddU32: {
        const low = (stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0) + (stack[(sp + code[(ip + 4) | 0]!) | 0]! >>> 0);
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = low | 0;
        stack[d + 1] = (aHi + (low > 0xffffffff ? 1 : 0)) | 0;
        ip += 5;
        break;
      }
      case Op.I64MulU32: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const b = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = Math.imul(aLo, b);
        stack[d + 1] = (mulHigh(aLo >>> 0, b >>> 0) + Math.imul(aHi, b)) | 0;
        ip += 5;
        break;
      }
      case Op.I64ShlI: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const k = code[(ip + 4) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = aLo << k;
        stack[d + 1] = (aHi << k) | (aLo >>> (32 - k));
        ip += 5;
        break;
      }
      case Op.I64ShrSI: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const k = code[(ip + 4) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = (aLo >>> k) | (aHi << (32 - k));
        stack[d + 1] = aHi >> k;
        ip += 5;
        break;
      }
      case Op.I64ShrUI: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const k = code[(ip + 4) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = (aLo >>> k) | (aHi << (32 - k));
        stack[d + 1] = aHi >>> k;
        ip += 5;
        break;
      }
      case Op.I64RotlI: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const k = code[(ip + 4) | 0]!;
        const d = sp + code[(ip + 1) | 0]!;
        stack[d] = (aLo << k) | (aHi >>> (32 - k));
        stack[d + 1] = (aHi << k) | (aLo >>> (32 - k));
        ip += 5;
        break;
      }
      case Op.And64: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const d = (sp + code[(ip + 1) | 0]!) | 0;
        stack[d] = aLo & bLo;
        stack[(d + 1) | 0] = aHi & bHi;
        ip += 6;
        break;
      }
      case Op.Or64: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const d = (sp + code[(ip + 1) | 0]!) | 0;
        stack[d] = aLo | bLo;
        stack[(d + 1) | 0] = aHi | bHi;
        ip += 6;
        break;
      }
      case Op.Xor64: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const d = (sp + code[(ip + 1) | 0]!) | 0;
        stack[d] = aLo ^ bLo;
        stack[(d + 1) | 0] = aHi ^ bHi;
        ip += 6;
        break;
      }
      case Op.AndNot64: {
        const aLo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const bLo = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const d = (sp + code[(ip + 1) | 0]!) | 0;
        stack[d] = ~aLo & bLo;
        stack[(d + 1) | 0] = ~aHi & bHi;
        ip += 6;
        break;
      }
      case Op.XorRotl64: {
        const lo = stack[(sp + code[(ip + 2) | 0]!) | 0]! ^ stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        const hi = stack[(sp + code[(ip + 3) | 0]!) | 0]! ^ stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const k = code[(ip + 6) | 0]!;
        const d = (sp + code[(ip + 1) | 0]!) | 0;
        stack[d] = (lo << k) | (hi >>> (32 - k));
        stack[(d + 1) | 0] = (hi << k) | (lo >>> (32 - k));
        ip += 7;
        break;
      }
      case Op.RotlXor64: {
        const lo = stack[(sp + code[(ip + 2) | 0]!) | 0]!;
        const hi = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const k = code[(ip + 4) | 0]!;
        const bLo = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
        const bHi = stack[(sp + code[(ip + 6) | 0]!) | 0]!;
        const d = (sp + code[(ip + 1) | 0]!) | 0;
        stack[d] = ((lo << k) | (hi >>> (32 - k))) ^ bLo;
        stack[(d + 1) | 0] = ((hi << k) | (lo >>> (32 - k))) ^ bHi;
        ip += 7;
        break;
      }
      case Op.XorXor64: {
        const lo = stack[(sp + code[(ip + 2) | 0]!) | 0]! ^ stack[(sp + code[(ip + 4) | 0]!) | 0]! ^ stack[(sp + code[(ip + 6) | 0]!) | 0]!;
        const hi = stack[(sp + code[(ip + 3) | 0]!) | 0]! ^ stack[(sp + code[(ip + 5) | 0]!) | 0]! ^ stack[(sp + code[(ip + 7) | 0]!) | 0]!;
        const d = (sp + code[(ip + 1) | 0]!) | 0;
        stack[d] = lo;
        stack[(d + 1) | 0] = hi;
        ip += 8;
        break;
      }
      case Op.I64Compare:
      case Op.I64CompareI: {
        const aLo = stack[(sp + code[(ip + 3) | 0]!) | 0]!;
        const aHi = stack[(sp + code[(ip + 4) | 0]!) | 0]!;
        let bLo: number;
        let bHi: number;
        if (code[ip] === Op.I64Compare) {
          bLo = stack[(sp + code[(ip + 5) | 0]!) | 0]!;
          bHi = stack[(sp + code[(ip + 6) | 0]!) | 0]!;
        } else {
          bLo = code[(ip + 5) | 0]!;
          bHi = code[(ip + 6) | 0]!;
        }
        stack[(sp + code[(ip + 2) | 0]!) | 0] = compareI64(code[(ip + 1) | 0]! as I64Kind, aLo, aHi, bLo, bHi);
        ip += 7;
        break;
      }
      case Op.I64:
      case Op.I64I: {
        const immediate = code[ip] === Op.I64I;
        const kind = code[(ip + 1) | 0]! as I64Kind;
        const a = sp + code[(ip + 3) | 0]!;
        const aLo = stack[a]!;
        const aHi = stack[a + 1]!;
        let bLo: number;
        let bHi: number;
        if (immediate) {
          bLo = code[(ip + 4) | 0]!;
          bHi = code[(ip + 5) | 0]!;
        } else {
          const b = sp + code[(ip + 4) | 0]!;
          bLo = stack[b]!;
          bHi = stack[b + 1]!;
        }
        const snippetPc = immediate ? ip + 6 : ip + 5;
        // The division traps, where the snippet body would raise them (the call's own checks
        // are the region's: see units.ts and the call depth rule in Call).
        const failure = i64Trap(kind, aLo, aHi, bLo, bHi);
        if (failure >= 0) {
          trap = failure;
          exitPc = snippetTrapPc(kind, code[snippetPc]!, failure);
          exit = Exit.Trapped;
          break loop;
        }
        i64Operation(kind, aLo, aHi, bLo, bHi, stack, sp + code[(ip + 2) | 0]!);
        ip = snippetPc + 1;
        break;
      }

      // ---------------------------------------------------------------- control
      case Op.Jump:
        ip = code[(ip + 1) | 0]!;
        break;
      case Op.JumpRebase: {
        sp += code[(ip + 2) | 0]!;
        if (((sp + code[(ip + 3) | 0]!) >>> 0) > code[(ip + 4) | 0]!) {
          exitSp = sp + code[(ip + 5) | 0]!;
          exitPc = code[(ip + 6) | 0]!;
          paidEnd = -1; // control is at the start of a block nothing has paid for yet
          exit = Exit.SlowPath;
          break loop;
        }
        ip = code[(ip + 1) | 0]!;
        break;
      }
      case Op.BrNez:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0] !== 0 ? code[(ip + 2) | 0]! : ip + 3;
        break;
      case Op.BrEqz:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0] === 0 ? code[(ip + 2) | 0]! : ip + 3;
        break;
      case Op.BrEq:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0] === stack[(sp + code[(ip + 2) | 0]!) | 0] ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrNe:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0] !== stack[(sp + code[(ip + 2) | 0]!) | 0] ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLtS:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! < stack[(sp + code[(ip + 2) | 0]!) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLtU:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 < stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGtS:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! > stack[(sp + code[(ip + 2) | 0]!) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGtU:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 > stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLeS:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! <= stack[(sp + code[(ip + 2) | 0]!) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLeU:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 <= stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGeS:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >= stack[(sp + code[(ip + 2) | 0]!) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGeU:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 >= stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrEqI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0] === code[(ip + 2) | 0] ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrNeI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0] !== code[(ip + 2) | 0] ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLtSI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! < code[(ip + 2) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLtUI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 < code[(ip + 2) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGtSI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! > code[(ip + 2) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGtUI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 > code[(ip + 2) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLeSI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! <= code[(ip + 2) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrLeUI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 <= code[(ip + 2) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGeSI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >= code[(ip + 2) | 0]! ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.BrGeUI:
        ip = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0 >= code[(ip + 2) | 0]! >>> 0 ? code[(ip + 3) | 0]! : ip + 4;
        break;
      case Op.AddIBrNeI: {
        const sum = (stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) | 0;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = sum;
        ip = sum !== code[(ip + 4) | 0]! ? code[(ip + 5) | 0]! : ip + 6;
        break;
      }
      case Op.AddIBrNez: {
        const sum = (stack[(sp + code[(ip + 2) | 0]!) | 0]! + code[(ip + 3) | 0]!) | 0;
        stack[(sp + code[(ip + 1) | 0]!) | 0] = sum;
        ip = sum !== 0 ? code[(ip + 4) | 0]! : ip + 5;
        break;
      }
      case Op.BrTable: {
        const n = code[(ip + 2) | 0]!;
        const index = stack[(sp + code[(ip + 1) | 0]!) | 0]! >>> 0;
        ip = code[ip + 3 + (index < n ? index : n - 1)]!;
        break;
      }
      case Op.Return: {
        sp += code[(ip + 1) | 0]!;
        if (csp === 0) {
          exitSp = sp;
          exit = Exit.Returned;
          break loop;
        }
        const returnPc = callStack[--csp]!;
        let target = ipOfPc[returnPc]!;
        if (target < 0) {
          target = program.prepareEntry(returnPc) | 0;
          // Not worth preparing yet (the stepper runs it), or preparing moved the code.
          if (target < 0 || program.code !== code) {
            exitSp = sp;
            exitPc = returnPc;
            paidEnd = -1;
            if (target < 0) exit = Exit.Cold;
            else {
              ip = target;
              exit = enteredMoved(program.code, sp, ip, csp);
            }
            break loop;
          }
        }
        ip = target;
        if (((sp + code[ip - 2]!) >>> 0) > code[ip - 1]!) {
          exitSp = sp;
          exitPc = returnPc;
          paidEnd = -1; // control is at the start of a block nothing has paid for yet
          exit = Exit.SlowPath;
          break loop;
        }
        break;
      }
      case Op.Call:
      case Op.ReturnCall: {
        const call = code[ip] === Op.Call;
        if (call) {
          if (csp >= MAX_CALL_DEPTH) {
            trap = TrapCode.StackOverflow;
            exit = Exit.Trapped;
            break loop;
          }
          callStack[csp++] = code[(ip + 3) | 0]!;
        }
        sp += code[(ip + 1) | 0]!;
        const targetPc = code[(ip + 2) | 0]!;
        let target = ipOfPc[targetPc]!;
        if (target < 0) {
          target = program.prepareEntry(targetPc) | 0;
          // Not worth preparing yet (the stepper runs it), or preparing moved the code.
          if (target < 0 || program.code !== code) {
            exitSp = sp;
            exitPc = targetPc;
            paidEnd = -1;
            if (target < 0) exit = Exit.Cold;
            else {
              ip = target;
              exit = enteredMoved(program.code, sp, ip, csp);
            }
            break loop;
          }
        }
        ip = target;
        // A frame at the deepest call depth can call nothing, not even an i64 snippet: the
        // stepper runs it, so the block engine needs no depth check but at calls.
        if (((sp + code[ip - 2]!) >>> 0) > code[ip - 1]! || csp === MAX_CALL_DEPTH) {
          exitSp = sp;
          exitPc = targetPc;
          paidEnd = -1; // control is at the start of a block nothing has paid for yet
          exit = Exit.SlowPath;
          break loop;
        }
        break;
      }
      case Op.CallIndirect:
      case Op.ReturnCallIndirect: {
        const call = code[ip] === Op.CallIndirect;
        const table = tables[code[(ip + 4) | 0]!];
        if (table === undefined) {
          m.fatal = 'MissingTable';
          exit = Exit.Fatal;
          break loop;
        }
        const index = stack[(sp + code[(ip + 2) | 0]!) | 0]! >>> 0;
        lastSig = code[(ip + 3) | 0]! >>> 0;
        if (index >= table.size) {
          trap = TrapCode.TableOutOfBounds;
          exit = Exit.Trapped;
          break loop;
        }
        const targetPc = table.elements[index]! >>> 0;
        if (targetPc === 0) {
          trap = TrapCode.IndirectCallToNull;
          exit = Exit.Trapped;
          break loop;
        }
        if (call) {
          if (csp >= MAX_CALL_DEPTH) {
            trap = TrapCode.StackOverflow;
            exit = Exit.Trapped;
            break loop;
          }
          callStack[csp++] = code[(ip + 5) | 0]!;
        }
        sp += code[(ip + 1) | 0]!;
        if (targetPc >= program.codeLength) {
          exitSp = sp;
          exitPc = targetPc;
          m.fatal = 'PcOutOfBounds';
          exit = Exit.Fatal;
          break loop;
        }
        let target = ipOfPc[targetPc]!;
        if (target < 0) {
          target = program.prepareEntry(targetPc) | 0;
          // Not worth preparing yet (the stepper runs it), or preparing moved the code.
          if (target < 0 || program.code !== code) {
            exitSp = sp;
            exitPc = targetPc;
            paidEnd = -1;
            if (target < 0) exit = Exit.Cold;
            else {
              ip = target;
              exit = enteredMoved(program.code, sp, ip, csp);
            }
            break loop;
          }
        }
        ip = target;
        // A frame at the deepest call depth can call nothing, not even an i64 snippet: the
        // stepper runs it, so the block engine needs no depth check but at calls.
        if (((sp + code[ip - 2]!) >>> 0) > code[ip - 1]! || csp === MAX_CALL_DEPTH) {
          exitSp = sp;
          exitPc = targetPc;
          paidEnd = -1; // control is at the start of a block nothing has paid for yet
          exit = Exit.SlowPath;
          break loop;
        }
        break;
      }
      case Op.Syscall: {
        // The pc moves past the Call first, so an interruption resumes after it.
        m.sp = sp + code[(ip + 1) | 0]!;
        m.pc = code[(ip + 3) | 0]!;
        store.fuel.budget = fuel;
        store.lastSignature = lastSig;
        const status = m.invokeSyscall(code[(ip + 2) | 0]! >>> 0);
        sp = m.sp | 0;
        fuel = store.fuel.budget;
        memory = store.memory.bytes;
        view = store.memory.view;
        memLen = memory.length;
        if (status !== SYSCALL_OK) {
          exitSp = sp;
          if (status === TrapCode.InterruptionCalled) {
            exitPc = m.pc;
            exit = Exit.Interrupted;
          } else if (status === TrapCode.ExecutionHalted) {
            exitPc = m.pc;
            exit = Exit.Halted;
          } else {
            trap = status; // a trap is reported at the Call
            exit = Exit.Trapped;
          }
          break loop;
        }
        // The return address starts a region of its own: the host decided the height.
        const returnPc = code[(ip + 3) | 0]!;
        let target = ipOfPc[returnPc]!;
        if (target < 0) target = program.prepareEntry(returnPc) | 0;
        // A host function may have run other code of this program and prepared more of it.
        if (program.code !== code) {
          ip = target;
          exitSp = sp;
          exitPc = returnPc;
          exit = enteredMoved(program.code, sp, ip, csp);
          paidEnd = -1;
          break loop;
        }
        ip = target;
        if (((sp + code[ip - 2]!) >>> 0) > code[ip - 1]!) {
          exitSp = sp;
          exitPc = returnPc;
          paidEnd = -1; // control is at the start of a block nothing has paid for yet
          exit = Exit.SlowPath;
          break loop;
        }
        break;
      }
      case Op.Unreachable:
        trap = TrapCode.UnreachableCodeReached;
        exit = Exit.Trapped;
        break loop;
      case Op.Trap: {
        const c = code[(ip + 1) | 0]!;
        exitSp = sp + code[(ip + 2) | 0]!;
        if (c === TrapCode.InterruptionCalled) exit = Exit.Interrupted;
        else if (c === TrapCode.ExecutionHalted) exit = Exit.Halted;
        else {
          trap = c;
          exit = Exit.Trapped;
        }
        break loop;
      }
      case Op.Leave: {
        // Into another unit, entered the way a return enters its landing: a loop whose unit was
        // found from a pc inside it (a return landing) leaves at every back edge, and going
        // round through the machine cost more than the loop body.
        const leavePc = code[(ip + 1) | 0]!;
        const arriveSp = sp + code[(ip + 2) | 0]!;
        let target = ipOfPc[leavePc]!;
        // The machine decides at the call-depth limit, and for a pc inside a prepared unit that
        // starts none of its blocks (it steps to one).
        const byMachine = csp >= MAX_CALL_DEPTH || (target < 0 && program.covers(leavePc) && !program.canEnter(leavePc));
        if (target < 0 && !byMachine) target = program.prepareEntry(leavePc) | 0;
        const moved = target >= 0 && program.code !== code;
        if (byMachine || target < 0 || moved || ((arriveSp + code[target - 2]!) >>> 0) > code[target - 1]!) {
          exitSp = arriveSp;
          exitPc = leavePc;
          paidEnd = -1; // control is at the start of a block nothing has paid for yet
          if (byMachine) exit = Exit.Leave;
          else if (target < 0) exit = Exit.Cold; // not worth preparing yet: the arrival is counted, the stepper runs it
          else if (moved) {
            ip = target;
            exit = enteredMoved(program.code, arriveSp, ip, csp);
          } else exit = Exit.SlowPath;
          break loop;
        }
        sp = arriveSp;
        ip = target;
        break;
      }
      case Op.Lazy:
        ip = program.lowerStub(code[(ip + 1) | 0]!) | 0;
        if (program.code !== code) {
          exitSp = sp;
          exit = Exit.Moved;
          break loop;
        }
        break;
      case Op.Compiled: {
        // Compiled code never stops a run: it returns where the interpreter goes on.
        const index = code[(ip + 1) | 0]!;
        if (index < 0) {
          // Not translated yet: count down; at zero, translate this block's chain and enter it.
          const count = index + 1;
          if (count !== 0) {
            code[(ip + 1) | 0] = count;
            ip += 4;
            break;
          }
          const translated = program.translateAt(ip);
          if (program.code !== code) {
            // Translating lowered the rest of the unit and the code moved: on there, at this op again.
            exitSp = sp;
            exit = Exit.Moved;
            break loop;
          }
          if (!translated) ip += 4;
          break;
        }
        registers[REGISTER_FUEL] = fuel;
        registers[REGISTER_SP] = sp;
        registers[REGISTER_CSP] = csp;
        registers[REGISTER_LAST_SIGNATURE] = lastSig;
        registers[REGISTER_PAID_END] = paidEnd;
        const next = compiled[index]!(stack, sp, memory, view, memLen, globals, registers, ip, code, callStack, csp, 0, tables) | 0;
        fuel = registers[REGISTER_FUEL]!;
        sp = registers[REGISTER_SP]! | 0;
        csp = registers[REGISTER_CSP]! | 0;
        lastSig = registers[REGISTER_LAST_SIGNATURE]!;
        paidEnd = registers[REGISTER_PAID_END]! | 0;
        ip = next;
        break;
      }
      case Op.SlowPath:
        exitSp = sp + code[(ip + 1) | 0]!;
        paidEnd = -1; // control is at the start of a block nothing has paid for yet
          exit = Exit.SlowPath;
        break loop;
      default:
        throw new Error(`rwasm-ts internal error: no block-engine op ${code[ip]} at ip ${ip}`);
    }
  }

  m.sp = exitSp;
  m.pc = exitPc >= 0 ? exitPc : program.pcOfIp[ip]!;
  m.ip = ip;
  m.csp = csp;
  m.trapCode = trap;
  m.paidUntil = paidEnd;
  store.fuel.budget = fuel;
  store.lastSignature = lastSig;
  return exit;
}
