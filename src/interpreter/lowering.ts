/**
 * Lowering: a unit's blocks (units.ts) become block-engine ops (engine.ts). Within a block the
 * value stack is tracked symbolically: a pushed value is a stack slot (a `local.get` of it), a
 * constant, or the slot an op just wrote. Ops then read their operands from where the values
 * already are and write their result straight to where it is consumed — a following
 * `local.set`/`local.tee` target, a compare-and-branch — so the pushes and pops in between
 * never happen. Before anything that lets control leave the block (a branch, call, return, fuel
 * check or trap that can be resumed) every slot the block pushed is written with its value, so
 * the stack is then exactly what the stepper would hold.
 *
 * Why it is exact: slots are written only in program order, and a slot is never overwritten
 * while a pushed value still stands for its old content (that value is copied to its own slot
 * first); every trapping instruction stays an op of its own, at its place, reporting its pc;
 * slots above the stack top are dead for the stepper too. The region's stack use (lowest and
 * highest slot and height of every instruction, as the stepper would check them) is recorded,
 * and the engine runs the region only when all of it is in range.
 */
import { FPU_CODE_BASE, Opcode } from '../format/opcodes.js';
import { popsOf, pushesOf } from '../format/stack-effects.js';
import { TrapCode } from '../format/trap-codes.js';
import { OK } from './bulk-ops.js';
import { Op } from './engine.js';
import { fuseBinary, fuseBranch, fuseImmediate, fuseLoad, fuseStore } from './fusion.js';
import type { LazyUnit } from './lazy-unit.js';
import { WideLowering } from './lowering-i64.js';
import { BINARY_OP, BRANCH_IMMEDIATE, BRANCH_OF_COMPARE, IMMEDIATE_BASE, IMMEDIATE_OP, leftConstantResult, LOAD_OP, rightConstantResult, STORE_OP, SWAPPED, TABLE_OP, UNARY_OP, X } from './op-tables.js';
import { binary, divisionTrap, unary } from './stepper.js';
import { CONSTANT, IN_PLACE, SLOT } from './symbolic-stack.js';
import { widthAt, type Block } from './units.js';

export class BlockLowering extends WideLowering {
  /** The block ended in a branch that, when not taken, goes on at the next pc. */
  private continues = false;
  /** Set when the block ended in a jump to a block that is to be laid out right after it. */
  jumpsOnTo: Block | undefined;

  constructor(
    private readonly context: LazyUnit,
    block: Block,
    private readonly next: Block | undefined,
  ) {
    super(context.source, context.out, block, context.scratch);
  }

  /** Lowers the block; true when control falls through into the next one, to be laid out right after. */
  lower(): boolean {
    const { block, source, out } = this;
    const { codes, bits } = source;
    if (this.tooTall) {
      out.emit1(Op.SlowPath, block.start, this.h);
      return false;
    }
    if (source.costOf) {
      // Every block has one, even at cost 0: it also says which block is paid for, should the
      // run stop in it.
      let cost = 0;
      for (let pc = block.start; pc < block.end; pc += widthAt(codes, pc)) cost += source.costOf(pc);
      out.emit3(Op.Meter, block.start, cost, this.h, block.end);
    }
    this.firstIp = out.size;
    for (let pc = block.start; pc < block.end; ) {
      // A block ending in a conditional branch continues at the next block when not taken.
      if (this.instruction(pc, codes[pc]!, bits[pc]!)) {
        if (!this.continues) return false;
        if (this.fallsInto(this.h)) return true;
        this.context.jump(block.end, this.h, block.end);
        return false;
      }
      pc += widthAt(codes, pc) + this.skip;
      this.skip = 0;
    }
    // Falling through into the next block.
    this.materialize(this.h);
    if (this.fallsInto(this.h)) return true;
    this.context.jump(block.end, this.h, block.end);
    return false;
  }

  /** Whether control reaching the block's end with height `h` may just run on into the next block. */
  private fallsInto(h: number): boolean {
    const next = this.next;
    return next !== undefined && next.start === this.block.end && next.region === this.block.region && next.offset === h && !next.landing;
  }























  // ------------------------------------------------------------------ instructions
  /** Lowers one instruction; true when it ended the block. */
  private instruction(pc: number, code: number, imm: number): boolean {
    const { out, source } = this;
    const h = this.h;
    if (code >= FPU_CODE_BASE && !source.fpu) {
      out.emit2(Op.Trap, pc, TrapCode.IllegalOpcode, h);
      return true;
    }
    switch (code) {
      case Opcode.LocalGet: {
        if (imm === 3 && this.inlineI64(pc)) return false;
        const p = h - imm;
        const kind = this.kindAt(p);
        if (kind === IN_PLACE) this.push(SLOT, p);
        else this.push(kind, this.values[this.index(p)]!);
        return false;
      }
      case Opcode.LocalSet:
        this.localSet(pc, h - 1 - imm);
        return false;
      case Opcode.LocalTee:
        this.localTee(pc, h - imm);
        return false;
      case Opcode.I32Const:
      case Opcode.RefFunc:
        this.push(CONSTANT, imm | 0);
        return false;
      case Opcode.Drop:
        this.pop();
        return false;
      case Opcode.BulkDrop:
        this.pop(imm);
        return false;
      case Opcode.BulkConst:
        if (imm <= 64) {
          for (let k = 0; k < imm; k++) this.push(CONSTANT, 0);
        } else {
          out.emit2(Op.Zero, pc, h, imm);
          this.barrier();
          this.h += imm;
        }
        return false;
      case Opcode.Select: {
        const c = this.operand(h - 1, pc);
        const b = this.operand(h - 2, pc);
        const a = this.operand(h - 3, pc);
        const at = out.emit(Op.Select, pc, h - 3, a, b, c);
        this.pop(2);
        this.produce(at, h - 3);
        return false;
      }
      case Opcode.I32WrapI64:
        return false; // the reference's identity on the top word
      case Opcode.I32Mul64:
      case Opcode.I32Add64: {
        const b = this.operand(h - 1, pc);
        const a = this.operand(h - 2, pc);
        const at = out.emit3(code === Opcode.I32Mul64 ? Op.Mul64 : Op.Add64, pc, h - 2, a, b);
        this.produce(at, h - 2, 2);
        return false;
      }
      case Opcode.GlobalGet: {
        const at = out.emit2(Op.GlobalGet, pc, h, source.slotOfGlobal.get(imm)!);
        this.push(IN_PLACE, 0);
        this.produce(at, h);
        return false;
      }
      case Opcode.GlobalSet: {
        const slot = source.slotOfGlobal.get(imm)!;
        if (this.isConstant(h - 1)) out.emit2(Op.GlobalSetI, pc, slot, this.constantAt(h - 1));
        else out.emit2(Op.GlobalSet, pc, slot, this.read(h - 1));
        this.forget();
        this.pop();
        return false;
      }
      case Opcode.MemorySize: {
        const at = out.emit1(Op.MemorySize, pc, h);
        this.push(IN_PLACE, 0);
        this.produce(at, h);
        return false;
      }
      case Opcode.MemoryGrow: {
        const at = out.emit2(Op.MemoryGrow, pc, h - 1, this.operand(h - 1, pc));
        this.produce(at, h - 1);
        return false;
      }
      case Opcode.MemoryFill:
      case Opcode.MemoryCopy:
      case Opcode.MemoryInit:
        this.placeTop(3, pc);
        if (code === Opcode.MemoryInit) out.emit2(Op.MemoryInit, pc, h, imm);
        else out.emit1(code === Opcode.MemoryFill ? Op.MemoryFill : Op.MemoryCopy, pc, h);
        this.barrier();
        this.pop(3);
        return false;
      case Opcode.DataDrop:
      case Opcode.ElemDrop:
        out.emit1(code === Opcode.DataDrop ? Op.DataDrop : Op.ElemDrop, pc, imm);
        this.forget();
        return false;
      case Opcode.StackCheck:
        return false; // it cannot fail where the region's range check passed (units.ts)
      case Opcode.SignatureCheck:
        out.emit1(Op.SignatureCheck, pc, imm);
        this.forget();
        return false;
      case Opcode.ConsumeFuel:
        this.materialize(h);
        out.emit2(Op.Fuel, pc, imm, h);
        this.forget();
        return false;
      case Opcode.ConsumeFuelStack:
        this.materialize(h);
        out.emit1(Op.FuelStack, pc, h);
        this.barrier();
        this.pop();
        return false;
      default:
        return this.otherInstruction(pc, code, imm);
    }
  }

  private otherInstruction(pc: number, code: number, imm: number): boolean {
    const { out, source } = this;
    const h = this.h;
    const binaryOp = BINARY_OP.get(code);
    if (binaryOp !== undefined) {
      this.binary(pc, binaryOp, code);
      return false;
    }
    const unaryOp = UNARY_OP.get(code);
    if (unaryOp !== undefined) {
      if (this.isConstant(h - 1)) {
        this.set(h - 1, CONSTANT, unary(code, this.constantAt(h - 1)));
        return false;
      }
      const at = out.emit2(unaryOp, pc, h - 1, this.read(h - 1));
      this.produce(at, h - 1);
      if (unaryOp === Op.Eqz) {
        this.compareAt = at;
        this.compareEnd = out.size;
      }
      return false;
    }
    const loadOp = LOAD_OP.get(code);
    if (loadOp !== undefined || code === Opcode.F64Load) {
      const from = this.fusable(h - 1);
      const address = this.operand(h - 1, pc);
      let at = loadOp === undefined ? -1 : fuseLoad(out, loadOp, pc, h - 1, address, imm | 0, from);
      if (at < 0) at = out.emit3(loadOp ?? Op.Load64, pc, h - 1, address, imm | 0);
      if (code === Opcode.F64Load) {
        this.push(IN_PLACE, 0);
        this.produce(at, h - 1, 2);
      } else this.produce(at, h - 1);
      return false;
    }
    const storeOps = STORE_OP.get(code);
    if (storeOps !== undefined) {
      const from = this.fusable(h - 2);
      const address = this.operand(h - 2, pc);
      if (this.isConstant(h - 1)) out.emit3(storeOps[1], pc, address, this.constantAt(h - 1), imm | 0);
      else {
        const value = this.read(h - 1);
        if (fuseStore(out, storeOps[0], pc, address, value, imm | 0, from) < 0) out.emit3(storeOps[0], pc, address, value, imm | 0);
      }
      this.forget();
      this.pop(2);
      return false;
    }
    if (code === Opcode.F64Store) {
      const address = this.operand(h - 3, pc);
      out.emit3(Op.Store64, pc, address, this.pairOperand(h - 2, pc), imm | 0);
      this.forget();
      this.pop(3);
      return false;
    }
    const tableOp = TABLE_OP.get(code);
    if (tableOp !== undefined) {
      const pops = popsOf(code, imm);
      this.placeTop(pops, pc);
      if (code === Opcode.TableCopy) out.emit3(Op.TableCopy, pc, h, imm & 0xffff, imm >>> 16);
      else if (code === Opcode.TableInit) out.emit3(Op.TableInit, pc, h, imm, source.bits[pc + 1]!);
      else out.emit2(tableOp, pc, h, imm);
      this.barrier();
      this.h += pushesOf(code, imm) - pops;
      return false;
    }
    if (code >= FPU_CODE_BASE) {
      const pops = popsOf(code, imm);
      this.placeTop(pops, pc);
      out.emit2(Op.Fpu, pc, h, code - FPU_CODE_BASE);
      this.barrier();
      this.h += pushesOf(code, imm) - pops;
      return false;
    }
    if (code === Opcode.CallInternal) {
      const snippet = source.nativeCall(pc);
      if (snippet) {
        this.nativeCall(pc, imm, snippet);
        return false;
      }
    }
    return this.terminator(pc, code, imm);
  }



  private localSet(pc: number, q: number): void {
    const h = this.h;
    const top = h - 1;
    if (this.kindAt(top) === SLOT && this.slotOf(top) === q) {
      this.pop();
      return;
    }
    const pair = this.unreadResult(top - 1, 2);
    // `local.set d; local.set d` of a two-word result, d > 1 (with d = 1 the first set overwrites
    // the low word before the second stores it): the op writes the pair in place.
    if (pair >= 0 && q < top - 1 && this.pairSetFollows(pc) && this.mayRedirect(q, pair) && this.mayRedirect(q - 1, pair)) {
      this.redirect(top - 1, q - 1);
      this.pop(2);
      this.skip = 1;
      return;
    }
    const single = this.unreadResult(top, 1);
    if (single >= 0 && this.mayRedirect(q, single)) {
      this.redirect(top, q);
      this.pop();
      return;
    }
    if (this.kindAt(top) === SLOT) {
      // `local.get p; local.set q` of a result nothing else read: the op writes q, and p's value
      // is read from there (q < p keeps values referring only downwards).
      const p = this.values[this.index(top)]!;
      this.set(top, IN_PLACE, 0);
      const moved = q < p ? this.unreadResult(p, 1) : -1;
      if (moved >= 0 && this.mayRedirect(q, moved)) {
        this.redirect(p, q);
        const j = this.index(q);
        if (j >= 0) this.producerIp[j] = -1;
        this.set(p, SLOT, q);
        this.pop();
        return;
      }
      this.set(top, SLOT, p);
    }
    // The value being stored no longer stands for itself once popped: keep it out of the search.
    const kind = this.kindAt(top);
    const value = kind === IN_PLACE ? top : this.values[this.index(top)]!;
    this.set(top, IN_PLACE, 0);
    this.preserve(q, pc);
    if (kind !== IN_PLACE && this.index(q) >= 0 && (kind === CONSTANT || value < q)) {
      // A slot this block pushed takes the value as a name: it is written when the block ends
      // with it still on the stack, if at all.
      this.touch(q, this.out.size);
      this.settle(q);
      this.set(q, kind, value);
      this.pop();
      return;
    }
    this.emitWrite(kind === CONSTANT ? Op.Const : Op.Copy, pc, q, value);
    this.set(q, IN_PLACE, 0);
    this.pop();
  }

  /** Whether the instruction after the local.set at `pc` is the same local.set, in the same block. */
  private pairSetFollows(pc: number): boolean {
    const { codes, bits } = this.source;
    return pc + 1 < this.block.end && codes[pc + 1] === Opcode.LocalSet && bits[pc + 1] === bits[pc];
  }

  /** Whether the local.tee at `pc` is the first of an i64 tee: `local.tee d; local.get 2; local.set d+1`, in the same block. */
  private pairTeeFollows(pc: number): boolean {
    const { codes, bits } = this.source;
    return pc + 2 < this.block.end && codes[pc + 1] === Opcode.LocalGet && bits[pc + 1] === 2 && codes[pc + 2] === Opcode.LocalSet && bits[pc + 2] === bits[pc]! + 1;
  }


  private localTee(pc: number, q: number): void {
    const top = this.h - 1;
    if (q === top || (this.kindAt(top) === SLOT && this.slotOf(top) === q)) return;
    const pair = this.unreadResult(top - 1, 2);
    if (pair >= 0 && q < top - 1 && this.pairTeeFollows(pc) && this.mayRedirect(q, pair) && this.mayRedirect(q - 1, pair)) {
      // The i64 tee `local.tee d; local.get 2; local.set d+1` of a two-word result: the op
      // writes the local pair, and the value on the stack is read from there.
      this.redirect(top - 1, q - 1);
      for (let k = 0; k < 2; k++) {
        const j = this.index(q - 1 + k);
        if (j >= 0) this.producerIp[j] = -1;
      }
      this.set(top - 1, SLOT, q - 1);
      this.set(top, SLOT, q);
      this.skip = 2;
      return;
    }
    const single = this.unreadResult(top, 1);
    if (single >= 0 && this.mayRedirect(q, single)) {
      // The op writes the local; the value on the stack is read from there.
      this.redirect(top, q);
      const j = this.index(q);
      if (j >= 0) this.producerIp[j] = -1;
      this.set(top, SLOT, q);
      return;
    }
    const kind = this.kindAt(top);
    const value = kind === IN_PLACE ? top : this.values[this.index(top)]!;
    this.preserve(q, pc);
    this.emitWrite(kind === CONSTANT ? Op.Const : Op.Copy, pc, q, value);
    this.set(q, IN_PLACE, 0);
  }

  private binary(pc: number, op: Op, code: number): void {
    const { out } = this;
    const h = this.h;
    const a = h - 2;
    const b = h - 1;
    const aConstant = this.isConstant(a);
    const bConstant = this.isConstant(b);
    if (aConstant && bConstant) {
      const x = this.constantAt(a);
      const y = this.constantAt(b);
      const divides = code >= Opcode.I32DivS && code <= Opcode.I32RemU;
      if (!divides || divisionTrap(code, x, y) === OK) {
        this.pop();
        this.set(a, CONSTANT, binary(code, x, y));
        return;
      }
    }
    if (aConstant !== bConstant && this.simplified(op, a, b, aConstant)) return;
    // Producers of the operands that may be fused into this op (found before reading them).
    const fromA = this.fusable(a);
    const fromB = this.fusable(b);
    let at: number;
    if ((bConstant && !aConstant && (IMMEDIATE_OP.has(op) || op === Op.Sub)) || (aConstant && !bConstant && SWAPPED.has(op))) {
      const [p, from, c] = bConstant ? [a, fromA, this.constantAt(b)] : [b, fromB, this.constantAt(a)];
      const immediate = op === Op.Sub ? Op.AddI : IMMEDIATE_OP.get(bConstant ? op : SWAPPED.get(op)!)!;
      const value = op === Op.Sub ? -c | 0 : c;
      const slot = this.read(p);
      at = fuseImmediate(out, immediate, pc, a, slot, value, from);
      if (at < 0) at = out.emit3(immediate, pc, a, slot, value);
    } else {
      const y = this.operand(b, pc);
      const x = this.operand(a, pc);
      at = fuseBinary(out, op, pc, a, x, y, fromA, fromB);
      if (at < 0) at = out.emit3(op, pc, a, x, y);
    }
    this.pop();
    this.produce(at, a);
    const emitted = out.code[at]! as Op;
    if (BRANCH_OF_COMPARE.has(emitted) || IMMEDIATE_BASE.has(emitted)) {
      this.compareAt = at;
      this.compareEnd = out.size;
    }
  }

  /**
   * A call of an i64 snippet, as one op on the operands' halves wherever they are (constants
   * folded in, zero-extended operands taking narrower ops, shifts by constants of 32 and more
   * becoming i32 work or nothing at all). Only divisions can stop a run here: the call's stack
   * and depth checks cannot fail where the block engine runs (units.ts, Call).
   */
  /**
   * `x op c` or `c op x` that needs no op: the result is x itself (x + 0, x & -1, a shift by 0,
   * the compiler's masks on i64 halves) or a constant (x & 0, x * 0, x | -1, 0 << x).
   */
  private simplified(op: Op, a: number, b: number, constantLeft: boolean): boolean {
    const c = this.constantAt(constantLeft ? a : b);
    const result = constantLeft ? leftConstantResult(op, c) : rightConstantResult(op, c);
    if (result === undefined) return false;
    if (result === X) {
      if (constantLeft) {
        // x moves down to a: only as a name for where it lives below (not its own slot b)
        if (!this.movable(b, a)) return false;
        const [kind, value] = this.valueAt(b);
        this.pop();
        this.set(a, kind, value);
        return true;
      }
      this.pop();
      return true;
    }
    this.pop();
    this.set(a, CONSTANT, result);
    return true;
  }












  // ------------------------------------------------------------------ block ends
  private terminator(pc: number, code: number, imm: number): boolean {
    const { out, source } = this;
    const h = this.h;
    switch (code) {
      case Opcode.Br:
        this.materialize(h);
        this.jump(pc + (imm | 0), h, pc);
        return true;
      case Opcode.BrIfEqz:
      case Opcode.BrIfNez:
        this.conditional(pc, code === Opcode.BrIfNez, pc + (imm | 0));
        return true;
      case Opcode.BrTable: {
        const target = (k: number) => pc + 1 + 2 * k;
        if (this.isConstant(h - 1)) {
          const index = this.constantAt(h - 1) >>> 0;
          this.pop();
          this.materialize(this.h);
          this.jump(target(index < imm ? index : imm - 1), this.h, pc);
          return true;
        }
        const index = this.read(h - 1);
        this.pop();
        this.materialize(this.h);
        const at = out.reserve(3 + imm, pc);
        out.code[at] = Op.BrTable;
        out.code[at + 1] = index;
        out.code[at + 2] = imm;
        for (let k = 0; k < imm; k++) this.branchTo(at + 3 + k, target(k), this.h, pc);
        return true;
      }
      case Opcode.Return:
        this.materialize(h);
        out.emit1(Op.Return, pc, h);
        return true;
      case Opcode.CallInternal:
        this.materialize(h);
        out.emit3(Op.Call, pc, h, imm, pc + 1);
        return true;
      case Opcode.ReturnCallInternal:
        this.materialize(h);
        out.emit2(Op.ReturnCall, pc, h, imm);
        return true;
      case Opcode.CallIndirect:
      case Opcode.ReturnCallIndirect: {
        const index = this.operand(h - 1, pc);
        this.pop();
        this.materialize(this.h);
        const table = source.bits[pc + 1]!;
        if (code === Opcode.CallIndirect) out.emit(Op.CallIndirect, pc, this.h, index, imm, table, pc + 2);
        else out.emit(Op.ReturnCallIndirect, pc, this.h, index, imm, table);
        return true;
      }
      case Opcode.Call:
      case Opcode.ReturnCall: {
        this.materialize(h);
        out.emit3(Op.Syscall, pc, h, imm, pc + 1);
        return true;
      }
      case Opcode.Unreachable:
        out.emit(Op.Unreachable, pc);
        return true;
      case Opcode.Trap:
        this.materialize(h);
        out.emit2(Op.Trap, pc, imm, h);
        return true;
      default:
        throw new Error(`rwasm-ts internal error: cannot lower opcode ${code} at pc ${pc}`);
    }
  }

  private conditional(pc: number, whenNonZero: boolean, target: number): void {
    const { out } = this;
    const h = this.h;
    this.continues = true;
    const condition = h - 1;
    if (this.isConstant(condition)) {
      // Decided now: a jump, or nothing (control just goes on).
      const taken = (this.constantAt(condition) !== 0) === whenNonZero;
      this.pop();
      this.materialize(this.h);
      this.continues = !taken;
      if (taken) this.jump(target, this.h, pc);
      return;
    }
    if (this.compareEnd === out.size && this.unreadResult(condition, 1) === this.compareAt) {
      // Branch on the comparison itself: take the compare op back and branch with its operands.
      const at = this.compareAt;
      const op = out.code[at]! as Op;
      const x = out.code[at + 2]!;
      const y = out.code[at + 3]!;
      out.truncate(at);
      this.forget();
      this.pop();
      this.materialize(this.h);
      if (op === Op.Eqz) {
        const branch = out.emit2(whenNonZero ? Op.BrEqz : Op.BrNez, pc, x, 0);
        this.branchTo(branch + 2, target, this.h, pc);
        return;
      }
      const immediate = IMMEDIATE_BASE.get(op);
      const compare = immediate ?? op;
      const [taken, negated] = BRANCH_OF_COMPARE.get(compare)!;
      const branchOp = immediate === undefined ? (whenNonZero ? taken : negated) : BRANCH_IMMEDIATE.get(whenNonZero ? taken : negated)!;
      const fused = fuseBranch(out, branchOp, pc, x, y, this.firstIp);
      this.branchTo(fused >= 0 ? fused : out.emit3(branchOp, pc, x, y, 0) + 3, target, this.h, pc);
      return;
    }
    const slot = this.read(condition);
    this.pop();
    this.materialize(this.h);
    const branchOp = whenNonZero ? Op.BrNez : Op.BrEqz;
    const fused = fuseBranch(out, branchOp, pc, slot, 0, this.firstIp);
    this.branchTo(fused >= 0 ? fused : out.emit2(branchOp, pc, slot, 0) + 2, target, this.h, pc);
  }


  /** An unconditional jump to `target` arriving with `height`. */
  private jump(target: number, height: number, pc: number): void {
    const block = this.context.unit.blockAt.get(target);
    if (block && block.region === this.block.region && block.offset === height) {
      // A block not lowered yet (and not entered by calls or returns, whose range check words
      // come first) is laid out right here: no jump.
      if (!this.context.isLowered(block) && !block.landing && block.index !== 0) {
        this.jumpsOnTo = block;
        return;
      }
      const at = this.out.emit1(Op.Jump, pc, 0);
      this.context.refer(at + 1, target);
      return;
    }
    this.context.jump(target, height, pc);
  }

  /** Fills the word at `at` with where a branch to `target` (arriving with `height`) goes. */
  private branchTo(at: number, target: number, height: number, pc: number): void {
    const block = this.context.unit.blockAt.get(target);
    if (block && block.region === this.block.region && block.offset === height) this.context.refer(at, target);
    else this.context.detours.push({ at, target, height, pc });
  }
}
