import { RwasmError } from '../errors.js';
import { wordsOf } from '../format/import-linker.js';
import type { RwasmModule } from '../format/module.js';
import { OPCODE_TABLE, Opcode } from '../format/opcodes.js';
import { TrapCode } from '../format/trap-codes.js';
import { Op, runBlocks } from './engine.js';
import { Exit, MAX_CALL_DEPTH, STACK_LIMIT, STACK_SLACK, SYSCALL_OK, type ExecutionContext, type FatalKind } from './execution.js';
import type { FuelCostTable } from './fuel-costs.js';
import { HostCall, Trap, toFuel, type HostFunction, type HostHandler } from './host.js';
import { Program, prepareProgram } from './program.js';
import { step } from './stepper.js';
import { Store } from './store.js';
import { widthAt } from './units.js';
import { codeGenerationAllowed, translationFor, type Tier } from '../compiled/index.js';

export interface MachineOptions {
  /** Execute FPU opcodes (default false: they trap IllegalOpcode, as in the reference's default build). */
  fpu?: boolean;
  /** Fuel limit; without one, fuel is still counted but never runs out. */
  fuelLimit?: bigint | number;
  /** Memory cap in pages (default 1024 = 64 MiB, at most 32768 = 2 GiB). */
  maxMemoryPages?: number;
  /** Syscalls the program may `Call`; an index without a host function traps UnknownExternalFunction. */
  hostFunctions?: Iterable<HostFunction>;
  /** Handed to every host function as `call.context` (replaceable later through `hostContext`). */
  context?: unknown;
  /**
   * Engine metering: every executed instruction is charged its cost from this table (e.g.
   * `FuelCostTable.DEFAULT`), on top of whatever the program's own ConsumeFuel charges.
   */
  fuelCosts?: FuelCostTable;
  /** Called before every executed instruction; a hook that throws aborts the run. */
  trace?: TraceHook;
  /**
   * `'compiled'` runs the block engine's code as generated JavaScript where the host allows
   * `new Function` (falling back to the interpreter, without an error, where it does not);
   * `'interpreter'` never generates code; `'auto'` (default) is `'compiled'`. Results, traps,
   * fuel and snapshots are the same on both. A traced machine runs on the interpreter.
   */
  tier?: Tier;
  /**
   * Run on this store instead of a new one: machines of the same program can take turns on
   * one instance (its memory, globals, tables and fuel), one execution at a time.
   */
  store?: Store;
  /**
   * Edge coverage for fuzzing, into a map the caller owns (and clears when it wants): every
   * jump, call, return and not-taken branch bumps the byte `coverageIndex(from, to, length)`,
   * saturating at 255. The machine then runs on the interpreter's traced path; without a map
   * nothing is recorded and nothing is paid.
   */
  coverage?: Uint8Array;
}

/** Branches whose falling through is an edge of its own (one the program chose not to take). */
const CONDITIONAL_BRANCH = (() => {
  const table = new Uint8Array(Math.max(...OPCODE_TABLE.map(([, code]) => code)) + 1);
  for (const code of [Opcode.BrIfEqz, Opcode.BrIfNez, Opcode.BrTable]) table[code] = 1;
  return table;
})();

/** The byte of a coverage map of `length` bytes that the edge `from` → `to` (pcs) bumps. */
export function coverageIndex(from: number, to: number, length: number): number {
  return ((Math.imul(from + 1, 0x9e3779b1) ^ Math.imul(to, 0x85ebca6b)) >>> 0) % length;
}

/** What the trace hook sees before each instruction (one object, reused: copy what you keep). */
export interface TraceEvent {
  pc: number;
  opcode: Opcode;
  /** The instruction's immediate as encoded (its raw 32 bits). */
  immediate: number;
  /** Value stack height in 32-bit words. */
  stackHeight: number;
  callDepth: number;
  /** Fuel consumed so far, exact; with engine metering it includes this instruction's own cost. */
  fuelConsumed: bigint;
}
export type TraceHook = (event: TraceEvent) => void;

/**
 * A suspended execution without its store: the registers, in pcs, so that any preparation of
 * the same module (in any process) can continue it. Snapshots are built from this.
 */
export interface ExecutionState {
  readonly suspension: 'interrupted' | 'outOfFuel';
  /** Next instruction. */
  readonly pc: number;
  /**
   * With engine metering: the instructions from `pc` up to this pc were paid for with their
   * block before the run stopped (-1: none).
   */
  readonly paidUntil: number;
  /** Value stack, bottom first. */
  readonly stack: Uint32Array;
  /** Return pcs of the call stack, outermost first. */
  readonly returnPcs: Uint32Array;
  readonly resultWords: number;
  /** Index of the syscall that interrupted, if one did. */
  readonly syscall: number | undefined;
}

export interface RunOptions {
  /** Parameter words pushed before the run, bottom first (an i64 is low word, high word). */
  params?: ArrayLike<number>;
  /** How many result words to pop when the program returns. */
  resultWords?: number;
  /** Where to start: the module's `source_pc` (default), its init code at pc 0, or any pc. */
  entry?: 'source' | 'init' | number;
}

/** How a run (or a resumed run) ended. */
export type RunOutcome =
  | { readonly status: 'returned'; readonly results: Uint32Array }
  | { readonly status: 'halted' }
  | { readonly status: 'trapped'; readonly trap: TrapCode; readonly pc: number }
  /** Suspended; `syscall` is the interrupting syscall's index (undefined for `Trap(InterruptionCalled)`). */
  | { readonly status: 'interrupted'; readonly pc: number; readonly syscall: number | undefined }
  /** Suspended before the fuel charge at `pc`, which needs `required` more fuel than is left. */
  | { readonly status: 'outOfFuel'; readonly pc: number; readonly required: bigint };

interface SyscallBinding {
  readonly handler: HostHandler;
  readonly paramWords: number;
  readonly reserve: number;
  readonly params: Uint32Array;
  readonly results: Uint32Array;
}

/**
 * One instance of a module: its store (memory, globals, tables, fuel) and at most one execution
 * at a time, which may be suspended (by an interrupting syscall, or by running out of fuel)
 * and resumed exactly where it stopped.
 *
 * Two engines share the execution: the block engine (engine.ts) runs prepared blocks, the
 * stepper (stepper.ts) one instruction at a time where that is needed — traced machines, a
 * metered block that does not fit the fuel left, stack use out of range. Both keep the same
 * registers (pc, stack, call stack of return pcs), so either continues what the other stopped.
 *
 * ```ts
 * const machine = new Machine(module, { fuelLimit: 1_000_000n, hostFunctions });
 * machine.instantiate();                               // the init code at pc 0
 * let outcome = machine.run({ params: [2, 3], resultWords: 1 });
 * while (outcome.status === 'interrupted') outcome = machine.resume([answer]);
 * ```
 */
export class Machine implements ExecutionContext {
  readonly program: Program;
  readonly store: Store;
  readonly traced: boolean;
  // Execution registers, shared with the engines (read them, do not write them).
  readonly stack = new Int32Array(STACK_LIMIT + STACK_SLACK);
  readonly callStack = new Int32Array(MAX_CALL_DEPTH);
  sp = 0;
  pc = 0;
  ip = 0;
  csp = 0;
  trapCode: TrapCode = TrapCode.UnreachableCodeReached;
  pendingFuel = 0;
  fatal: FatalKind | undefined = undefined;
  paidUntil = -1;

  private readonly bindings = new Map<number, SyscallBinding>();
  private readonly hostCall: HostCall;
  private suspension: 'interrupted' | 'outOfFuel' | undefined;
  private resultWords = 0;
  private lastSyscall: number | undefined;
  private running = false;
  /** The rest of this run goes through the stepper (the block engine could not prove its stack use). */
  private stepping = false;
  private readonly traceHook: TraceHook | undefined;
  private readonly coverage: Uint8Array | undefined;
  /** The pc before this one in the current run, while it may be the start of an edge (-1: none). */
  private edgeFrom = -1;

  /** The tier in effect: `'compiled'` when the program's code runs as generated JavaScript. */
  get tier(): 'interpreter' | 'compiled' {
    return this.program.compiledTier ? 'compiled' : 'interpreter';
  }
  private readonly traceEvent: TraceEvent = { pc: 0, opcode: 0 as Opcode, immediate: 0, stackHeight: 0, callDepth: 0, fuelConsumed: 0n };

  constructor(moduleOrProgram: RwasmModule | Program, options: MachineOptions = {}) {
    const given = moduleOrProgram instanceof Program ? moduleOrProgram : undefined;
    if (options.coverage !== undefined && (!(options.coverage instanceof Uint8Array) || options.coverage.length === 0)) {
      throw new RwasmError('InvalidArgument', 'coverage must be a non-empty Uint8Array');
    }
    const traced = options.trace !== undefined || options.coverage !== undefined;
    const translation = traced ? {} : translationFor(options.tier);
    this.program = given ?? prepareProgram(moduleOrProgram as RwasmModule, { fpu: options.fpu ?? false, fuelCosts: options.fuelCosts, trace: traced, ...translation });
    if (given && options.tier !== undefined && options.tier !== 'auto' && (options.tier === 'compiled') !== given.compiledTier && !traced && codeGenerationAllowed()) {
      throw new RwasmError('InvalidArgument', `the program was prepared for the ${given.compiledTier ? 'compiled' : 'interpreter'} tier, the machine asks for ${options.tier}`);
    }
    if (options.fpu !== undefined && options.fpu !== this.program.fpu) {
      throw new RwasmError('InvalidArgument', `the program was prepared with fpu ${this.program.fpu}, the machine asks for ${options.fpu}`);
    }
    if (given && options.fuelCosts !== given.fuelCosts) {
      throw new RwasmError('InvalidArgument', 'engine metering must match the prepared program (prepare it with the same fuelCosts)');
    }
    // A traced program may run without a hook (a runtime instantiating it does), never the reverse.
    if (given && traced && !given.traced) {
      throw new RwasmError('InvalidArgument', 'a trace hook or a coverage map needs a program prepared with trace: true');
    }
    this.traceHook = options.trace;
    this.coverage = options.coverage;
    this.traced = this.program.traced;
    if (options.store) {
      if (options.fuelLimit !== undefined || options.maxMemoryPages !== undefined) {
        throw new RwasmError('InvalidArgument', 'fuelLimit and maxMemoryPages belong to the store; set them where the shared store is made');
      }
      if (options.store.globals.length !== this.program.globalIndexOfSlot.length) {
        throw new RwasmError('InvalidArgument', 'the shared store was made for another program');
      }
      this.store = options.store;
    } else {
      this.store = Machine.createStore(this.program, options);
    }
    this.hostCall = new HostCall(this.store, options.context);
    for (const fn of options.hostFunctions ?? []) this.defineHostFunction(fn);
  }

  /** A fresh store for `program`, to share between machines (see `MachineOptions.store`). */
  static createStore(program: Program, options: { fuelLimit?: bigint | number | undefined; maxMemoryPages?: number | undefined } = {}): Store {
    return new Store({
      globalSlots: program.globalIndexOfSlot.length,
      maxMemoryPages: options.maxMemoryPages,
      fuelLimit: options.fuelLimit === undefined ? undefined : toFuel(options.fuelLimit),
    });
  }

  /** What host functions receive as `call.context`. */
  get hostContext(): unknown {
    return this.hostCall.context;
  }

  set hostContext(value: unknown) {
    this.hostCall.context = value;
  }

  /** Adds or replaces the host function for a syscall index. */
  defineHostFunction(fn: HostFunction): void {
    const paramWords = wordsOf(fn.params);
    this.bindings.set(fn.index >>> 0, {
      handler: fn.handler,
      paramWords,
      reserve: Math.max(fn.params.length, fn.results.length),
      params: new Uint32Array(paramWords),
      results: new Uint32Array(wordsOf(fn.results)),
    });
  }

  /**
   * Instantiation as the reference's `RwasmInstance::new` does it: runs the init code at pc 0
   * (memory, tables, globals, segments) once, unless `source_pc` is 0 — a legacy module whose
   * every run starts with its init code anyway.
   */
  instantiate(): RunOutcome {
    if (this.program.module.sourcePc === 0) return { status: 'returned', results: new Uint32Array(0) };
    return this.run({ entry: 'init' });
  }

  /** Starts a fresh execution (fresh stacks; the store carries over). */
  run(options: RunOptions = {}): RunOutcome {
    this.assertIdle('run');
    const entry = options.entry ?? 'source';
    const pc = entry === 'source' ? this.program.module.sourcePc : entry === 'init' ? 0 : entry;
    if (!Number.isInteger(pc) || pc < 0 || pc >= this.program.codeLength) {
      throw new RwasmError('InvalidArgument', `entry pc ${pc} is outside the code (0..${this.program.codeLength - 1})`);
    }
    const resultWords = options.resultWords ?? 0;
    if (!Number.isInteger(resultWords) || resultWords < 0 || resultWords > STACK_LIMIT) {
      throw new RwasmError('InvalidArgument', `resultWords ${resultWords} is not a word count`);
    }
    const params = options.params ?? [];
    this.edgeFrom = -1;
    this.sp = 0;
    this.csp = 0;
    this.pc = pc;
    this.paidUntil = -1;
    this.resultWords = resultWords;
    if (params.length > STACK_LIMIT) return this.trapNow(TrapCode.StackOverflow);
    this.pushWords(params);
    return this.drive();
  }

  /**
   * Continues a suspended execution. After an interruption `values` are pushed as the
   * interrupting call's results; after running out of fuel (top up first) pass nothing.
   */
  resume(values: ArrayLike<number> = []): RunOutcome {
    if (this.running) throw new RwasmError('InvalidState', 'the machine is running (a host function may not resume it)');
    if (this.suspension === undefined) throw new RwasmError('InvalidState', 'nothing to resume: no execution is suspended');
    if (this.suspension === 'outOfFuel' && values.length !== 0) {
      throw new RwasmError('InvalidArgument', 'an execution that ran out of fuel resumes without values');
    }
    this.suspension = undefined;
    if (this.sp + values.length > STACK_LIMIT) return this.trapNow(TrapCode.StackOverflow);
    this.pushWords(values);
    return this.drive();
  }

  /** Drops a suspended execution (the store keeps whatever it did so far). */
  abandon(): void {
    if (this.running) throw new RwasmError('InvalidState', 'the machine is running');
    this.resetExecution();
  }

  /** Why the current execution is suspended, if it is. */
  get suspended(): 'interrupted' | 'outOfFuel' | undefined {
    return this.suspension;
  }

  /** The registers of the suspended execution, in pcs (for snapshots). */
  captureExecution(): ExecutionState {
    if (this.running) throw new RwasmError('InvalidState', 'the machine is running');
    if (this.suspension === undefined) throw new RwasmError('InvalidState', 'no execution is suspended');
    return {
      suspension: this.suspension,
      pc: this.pc,
      paidUntil: this.paidUntil > this.pc ? this.paidUntil : -1,
      stack: this.valueStack(),
      returnPcs: Uint32Array.from(this.callStack.subarray(0, this.csp)),
      resultWords: this.resultWords,
      // Only an interruption is about its syscall: for a fuel stop the last syscall is whatever the
      // engine segment happened to call before it, which differs between engines.
      syscall: this.suspension === 'interrupted' ? this.lastSyscall : undefined,
    };
  }

  /** Makes a captured execution this machine's suspended one (the store is restored separately). */
  restoreExecution(state: ExecutionState): void {
    this.assertIdle('restore an execution');
    const bad = (why: string): never => {
      throw new RwasmError('MalformedSnapshot', `execution state: ${why}`);
    };
    const length = this.program.codeLength;
    const { pc, paidUntil } = state;
    if (state.suspension !== 'interrupted' && state.suspension !== 'outOfFuel') bad('unknown suspension');
    if (!Number.isInteger(pc) || pc < 0 || pc > length) bad(`pc ${pc} is outside the code`);
    if (state.stack.length > STACK_LIMIT) bad('value stack deeper than the limit');
    if (state.returnPcs.length > MAX_CALL_DEPTH) bad('call stack deeper than the limit');
    if (!Number.isInteger(state.resultWords) || state.resultWords < 0 || state.resultWords > STACK_LIMIT) bad('result word count');
    for (const returnPc of state.returnPcs) if (returnPc > length) bad(`return pc ${returnPc} is outside the code`);
    if (paidUntil !== -1 && (!this.program.metered || !Number.isInteger(paidUntil) || paidUntil <= pc || paidUntil > length)) {
      bad(`prepaid stretch up to ${paidUntil} does not follow pc ${pc}`);
    }
    this.sp = 0;
    this.pushWords(state.stack);
    this.callStack.set(state.returnPcs);
    this.csp = state.returnPcs.length;
    this.pc = pc;
    this.paidUntil = paidUntil;
    this.resultWords = state.resultWords;
    this.lastSyscall = state.syscall;
    this.suspension = state.suspension;
  }

  // -------------------------------------------------------------- fuel
  fuelConsumed(): bigint {
    return this.store.fuel.consumed();
  }

  remainingFuel(): bigint | undefined {
    return this.store.fuel.remaining();
  }

  /** The reference's `reset_fuel`: a new limit and nothing consumed (no argument: no limit). */
  resetFuel(limit?: bigint | number): void {
    this.store.fuel.reset(limit === undefined ? undefined : toFuel(limit));
  }

  /** Raises the limit by `amount`, keeping what was consumed (to top up a run that ran out). */
  addFuel(amount: bigint | number): void {
    const limit = this.store.fuel.limit;
    if (limit === undefined) return;
    this.store.fuel.setLimit(limit + toFuel(amount));
  }

  // -------------------------------------------------------------- state
  get memory(): Uint8Array {
    return this.store.memory.bytes;
  }

  get memoryPages(): number {
    return this.store.memory.pages;
  }

  /** The word in rWasm global `index` (0 when the program never names it). */
  global(index: number): number {
    const slot = this.program.slotOfGlobal.get(index);
    return slot === undefined ? 0 : this.store.globals[slot]! >>> 0;
  }

  setGlobal(index: number, value: number): void {
    const slot = this.program.slotOfGlobal.get(index);
    if (slot === undefined) throw new RwasmError('InvalidArgument', `the program never uses global ${index}`);
    this.store.globals[slot] = value;
  }

  /** A copy of table `index`'s elements, or undefined when it does not exist. */
  table(index: number): Uint32Array | undefined {
    const table = this.store.tables[index];
    return table && Uint32Array.from(table.elements.subarray(0, table.size));
  }

  /** The live value stack of a suspended execution (bottom first), as u32 words. */
  valueStack(): Uint32Array {
    return Uint32Array.from(this.stack.subarray(0, Math.max(0, Math.min(this.sp, this.stack.length))));
  }

  // -------------------------------------------------------------- engines
  /** Called by the engines for `Call(sysIndex)`; see ExecutionContext. */
  invokeSyscall(sysIndex: number): number {
    this.lastSyscall = sysIndex;
    const binding = this.bindings.get(sysIndex);
    if (binding === undefined) return TrapCode.UnknownExternalFunction;
    const stack = this.stack;
    // The reference reserves max(#params, #results) values (not words) before popping.
    if (this.sp + binding.reserve > STACK_LIMIT) return TrapCode.StackOverflow;
    const base = this.sp - binding.paramWords;
    if (base < 0) {
      this.fatal = 'StackCorrupted';
      return TrapCode.UnreachableCodeReached;
    }
    const params = binding.params;
    for (let i = 0; i < params.length; i++) params[i] = stack[base + i]!;
    this.sp = base;
    const results = binding.results;
    results.fill(0);
    const call = this.hostCall;
    call.sysIndex = sysIndex;
    call.params = params;
    call.results = results;
    let status: number;
    try {
      const answer = binding.handler(call);
      status = answer === undefined ? SYSCALL_OK : answer;
    } catch (error) {
      if (!(error instanceof Trap)) throw error;
      status = error.trapCode;
    }
    if (status === SYSCALL_OK || status === TrapCode.ExecutionHalted) {
      for (let i = 0; i < results.length; i++) stack[this.sp++] = results[i]!;
    }
    return status;
  }

  /** Called by the stepper before each instruction of a traced machine. */
  traceInstruction(pc: number, sp: number, csp: number): void {
    const map = this.coverage;
    if (map !== undefined) {
      const from = this.edgeFrom;
      if (from >= 0 && (pc !== from + 1 || CONDITIONAL_BRANCH[this.program.codes[from]!] === 1)) {
        const at = coverageIndex(from, pc, map.length);
        if (map[at] !== 255) map[at]!++;
      }
      this.edgeFrom = pc;
    }
    const hook = this.traceHook;
    if (!hook) return;
    const event = this.traceEvent;
    event.pc = pc;
    event.opcode = this.program.codes[pc] as Opcode;
    event.immediate = this.program.bits[pc]!;
    event.stackHeight = sp;
    event.callDepth = csp;
    event.fuelConsumed = this.store.fuel.consumed();
    hook(event);
  }

  private drive(): RunOutcome {
    this.running = true;
    let stepFirst = false;
    try {
      for (;;) {
        this.fatal = undefined;
        this.lastSyscall = undefined;
        const exit = this.runEngine(stepFirst);
        stepFirst = false;
        if (this.fatal !== undefined) return this.failFatal(this.fatal);
        switch (exit) {
          case Exit.Returned: {
            if (this.sp < this.resultWords || this.sp > STACK_LIMIT) return this.failFatal('StackCorrupted');
            const results = Uint32Array.from(this.stack.subarray(this.sp - this.resultWords, this.sp));
            this.resetExecution();
            return { status: 'returned', results };
          }
          case Exit.Halted:
            this.resetExecution();
            this.store.lastSignature = -1;
            return { status: 'halted' };
          case Exit.Trapped: {
            const pc = this.pc;
            this.refundUnexecuted(pc);
            this.resetExecution();
            this.store.lastSignature = -1;
            return { status: 'trapped', trap: this.trapCode, pc };
          }
          case Exit.Interrupted:
            this.suspension = 'interrupted';
            return { status: 'interrupted', pc: this.pc, syscall: this.lastSyscall };
          case Exit.FuelCheck: {
            const fuel = this.store.fuel;
            fuel.settle();
            const remaining = fuel.remaining();
            const needed = BigInt(this.pendingFuel);
            if (remaining === undefined || remaining >= needed) continue; // the budget now covers it
            if (this.lastEngineWasBlocks && this.program.code[this.ip] === Op.Meter) {
              // The block does not fit: pay for it instruction by instruction instead.
              stepFirst = true;
              continue;
            }
            this.suspension = 'outOfFuel';
            return { status: 'outOfFuel', pc: this.pc, required: needed - remaining };
          }
          case Exit.SlowPath:
            this.stepping = true;
            continue;
          case Exit.Cold:
            this.steppingCold = true;
            continue;
          case Exit.HandOff:
          case Exit.Leave:
            continue;
          case Exit.Moved:
            this.moved = true;
            continue;
          case Exit.Fatal:
            return this.failFatal('StackCorrupted');
        }
      }
    } catch (error) {
      this.resetExecution();
      throw error;
    } finally {
      this.running = false;
    }
  }

  private lastEngineWasBlocks = false;
  /** The block engine left for code not worth preparing yet (it counted the arrival): the stepper runs it. */
  private steppingCold = false;
  /** The block engine's code moved under it: it continues at `ip` with `sp` its region's base. */
  private moved = false;

  /** Runs the engine that can continue from the registers as they are. */
  private runEngine(stepFirst: boolean): Exit {
    const program = this.program;
    if (this.moved) {
      this.moved = false;
      this.lastEngineWasBlocks = true;
      return runBlocks(this);
    }
    this.lastEngineWasBlocks = false;
    if (this.traced || this.stepping) return step(this, false);
    if (this.steppingCold) {
      this.steppingCold = false;
      return step(this, true);
    }
    // A prepaid stretch, a block given up for lack of fuel, or a stop inside a block (engine
    // metering stops anywhere): step to where a prepared block starts.
    if (stepFirst || this.paidUntil > this.pc || (program.covers(this.pc) && !program.canEnter(this.pc))) return step(this, true, stepFirst);
    if (!program.arrive(this.pc)) return step(this, true);
    const entry = program.entryAt(this.pc);
    if (entry === undefined) {
      this.fatal = 'PcOutOfBounds';
      return Exit.Fatal;
    }
    const base = this.sp - entry.offset;
    // The block engine runs frames that can still make a call (see Call in engine.ts).
    if (((base + entry.region.lo) >>> 0) > entry.region.limit || this.csp >= MAX_CALL_DEPTH) {
      this.stepping = true;
      return step(this, false);
    }
    this.sp = base;
    this.ip = entry.ip;
    this.lastEngineWasBlocks = true;
    return runBlocks(this);
  }

  /** After a trap inside a paid-for block, gives back the cost of the instructions after it. */
  private refundUnexecuted(trapPc: number): void {
    const costs = this.program.costByCode;
    if (!costs || this.paidUntil <= trapPc) return;
    const { codes } = this.program;
    let unexecuted = 0;
    // Payload words (the TableGet after CallIndirect, TableInit) are part of their instruction.
    for (let pc = trapPc + widthAt(codes, trapPc); pc < this.paidUntil; pc += widthAt(codes, pc)) unexecuted += costs[codes[pc]!]!;
    if (unexecuted > 0) this.store.fuel.refund(BigInt(unexecuted));
  }

  private failFatal(kind: FatalKind): never {
    const pc = this.pc;
    this.resetExecution();
    const what: Record<FatalKind, string> = {
      StackCorrupted: 'the program broke its stack discipline (value stack out of range)',
      PcOutOfBounds: 'control reached a pc outside the code',
      MissingTable: 'a table instruction used a table that was never created',
    };
    throw new RwasmError(kind, `${what[kind]} at pc ${pc}; the reference has no defined behaviour here`, { pc });
  }

  private trapNow(trap: TrapCode): RunOutcome {
    const pc = this.pc;
    this.resetExecution();
    return { status: 'trapped', trap, pc };
  }

  private resetExecution(): void {
    this.sp = 0;
    this.csp = 0;
    this.paidUntil = -1;
    this.stepping = false;
    this.steppingCold = false;
    this.suspension = undefined;
  }

  private pushWords(words: ArrayLike<number>): void {
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (!Number.isInteger(word) || word < -0x80000000 || word > 0xffffffff) {
        throw new RwasmError('InvalidArgument', `value ${word} is not a 32-bit word`);
      }
    }
    for (let i = 0; i < words.length; i++) this.stack[this.sp++] = words[i]!;
  }

  private assertIdle(action: string): void {
    if (this.running) throw new RwasmError('InvalidState', `cannot ${action}: the machine is running`);
    if (this.suspension !== undefined) {
      throw new RwasmError('InvalidState', `cannot ${action}: an execution is suspended (${this.suspension}); resume() or abandon() it`);
    }
  }
}
