import { RwasmError } from '../errors.js';
import { wordsOf } from '../format/import-linker.js';
import type { RwasmModule } from '../format/module.js';
import type { Opcode } from '../format/opcodes.js';
import { TrapCode } from '../format/trap-codes.js';
import {
  Exit,
  MAX_CALL_DEPTH,
  STACK_LIMIT,
  STACK_SLACK,
  SYSCALL_OK,
  execute,
  type ExecutionContext,
  type FatalKind,
} from './execute.js';
import type { FuelCostTable } from './fuel-costs.js';
import { HostCall, Trap, toFuel, type HostFunction, type HostHandler } from './host.js';
import { Op } from './execute.js';
import { pcOfIp, prepareProgram, type Program } from './prepare.js';
import { Store } from './store.js';

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
   * Run on this store instead of a new one: machines of the same program can take turns on
   * one instance (its memory, globals, tables and fuel), one execution at a time.
   */
  store?: Store;
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
 * A suspended execution without its store: the registers, as pcs so that any preparation of
 * the same module can continue it. Snapshots are built from this.
 */
export interface ExecutionState {
  readonly suspension: 'interrupted' | 'outOfFuel';
  /** Next instruction. */
  readonly pc: number;
  /** The MeterBlock in front of `pc` has already been paid. */
  readonly afterMeter: boolean;
  /** With engine metering: the block is paid only up to this pc (-1: all of it). */
  readonly meterStopPc: number;
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
  // The prepared code running now: `program`, or with engine metering for a stretch metered
  // instruction by instruction, its unfused twin (see activate). Read them, do not write them.
  code: Int32Array;
  ipOfPc: Int32Array;
  entryIpOfPc: Int32Array;
  readonly codeLength: number;
  readonly data: Uint8Array;
  readonly elem: Int32Array;
  // Execution registers, shared with the dispatch loop (read them, do not write them).
  readonly stack = new Int32Array(STACK_LIMIT + STACK_SLACK);
  readonly callStack = new Int32Array(MAX_CALL_DEPTH);
  sp = 0;
  ip = 0;
  csp = 0;
  trapCode: TrapCode = TrapCode.UnreachableCodeReached;
  pendingFuel = 0;
  fatal: FatalKind | undefined = undefined;
  meterStopPc = -1;

  private readonly bindings = new Map<number, SyscallBinding>();
  private readonly hostCall: HostCall;
  private suspension: 'interrupted' | 'outOfFuel' | undefined;
  private resultWords = 0;
  private lastSyscall: number | undefined;
  private running = false;
  private active: Program;
  private stepping: Program | undefined;
  private readonly traceHook: TraceHook | undefined;
  private readonly traceEvent: TraceEvent = { pc: 0, opcode: 0 as Opcode, immediate: 0, stackHeight: 0, callDepth: 0, fuelConsumed: 0n };

  constructor(moduleOrProgram: RwasmModule | Program, options: MachineOptions = {}) {
    const given = 'ipOfPc' in moduleOrProgram ? moduleOrProgram : undefined;
    this.program =
      given ?? prepareProgram(moduleOrProgram as RwasmModule, { fpu: options.fpu ?? false, fuelCosts: options.fuelCosts, trace: options.trace !== undefined });
    if (options.fpu !== undefined && options.fpu !== this.program.fpu) {
      throw new RwasmError('InvalidArgument', `the program was prepared with fpu ${this.program.fpu}, the machine asks for ${options.fpu}`);
    }
    if (given && (options.fuelCosts !== undefined) !== (given.metering !== undefined)) {
      throw new RwasmError('InvalidArgument', 'engine metering must match the prepared program (prepare it with the same fuelCosts)');
    }
    if (given && (options.trace !== undefined) !== given.traced) {
      throw new RwasmError('InvalidArgument', 'tracing must match the prepared program (prepare it with trace: true)');
    }
    this.traceHook = options.trace;
    this.active = this.program;
    this.code = this.program.code;
    this.ipOfPc = this.program.ipOfPc;
    this.entryIpOfPc = this.program.entryIpOfPc;
    this.codeLength = this.program.codeLength;
    this.data = this.program.data;
    this.elem = this.program.elem;
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
    if (!Number.isInteger(pc) || pc < 0 || pc >= this.codeLength) {
      throw new RwasmError('InvalidArgument', `entry pc ${pc} is outside the code (0..${this.codeLength - 1})`);
    }
    const resultWords = options.resultWords ?? 0;
    if (!Number.isInteger(resultWords) || resultWords < 0 || resultWords > STACK_LIMIT) {
      throw new RwasmError('InvalidArgument', `resultWords ${resultWords} is not a word count`);
    }
    const params = options.params ?? [];
    this.sp = 0;
    this.csp = 0;
    this.use(this.program);
    this.ip = this.ipOfPc[pc]!;
    // Entering a metered program in the middle of a block: meter it from the entry on.
    if (this.entryIpOfPc[pc]! < 0) this.meterStopPc = pc;
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
    const pc = this.pc;
    const metering = this.active.metering;
    const instructionIp = metering ? metering.instructionIp[pc]! : this.ipOfPc[pc]!;
    const returnPcs = new Uint32Array(this.csp);
    for (let i = 0; i < this.csp; i++) returnPcs[i] = pcOfIp(this.active, this.callStack[i]!);
    return {
      suspension: this.suspension,
      pc,
      afterMeter: instructionIp !== this.ipOfPc[pc] && this.ip >= instructionIp,
      meterStopPc: this.meterStopPc,
      stack: this.valueStack(),
      returnPcs,
      resultWords: this.resultWords,
      syscall: this.lastSyscall,
    };
  }

  /** Makes a captured execution this machine's suspended one (the store is restored separately). */
  restoreExecution(state: ExecutionState): void {
    this.assertIdle('restore an execution');
    const bad = (why: string): never => {
      throw new RwasmError('MalformedSnapshot', `execution state: ${why}`);
    };
    this.use(this.program);
    const metering = this.program.metering;
    const { pc, meterStopPc } = state;
    if (state.suspension !== 'interrupted' && state.suspension !== 'outOfFuel') bad('unknown suspension');
    if (!Number.isInteger(pc) || pc < 0 || pc > this.codeLength) bad(`pc ${pc} is outside the code`);
    if (state.stack.length > STACK_LIMIT) bad('value stack deeper than the limit');
    if (state.returnPcs.length > MAX_CALL_DEPTH) bad('call stack deeper than the limit');
    if (!Number.isInteger(state.resultWords) || state.resultWords < 0 || state.resultWords > STACK_LIMIT) bad('result word count');
    for (const returnPc of state.returnPcs) {
      // A metered program may only be entered where a block starts.
      if (returnPc > this.codeLength || this.entryIpOfPc[returnPc]! < 0) bad(`return pc ${returnPc} is not a block start`);
    }
    if (meterStopPc !== -1) {
      if (!metering || pc >= this.codeLength || !Number.isInteger(meterStopPc) || meterStopPc < pc || meterStopPc >= metering.blockEnd[pc]!) {
        bad(`meter stop ${meterStopPc} is not inside the block of pc ${pc}`);
      }
    }
    this.sp = 0;
    this.pushWords(state.stack);
    for (let i = 0; i < state.returnPcs.length; i++) this.callStack[i] = this.ipOfPc[state.returnPcs[i]!]!;
    this.csp = state.returnPcs.length;
    this.ip = state.afterMeter && metering && pc < this.codeLength ? metering.instructionIp[pc]! : this.ipOfPc[pc]!;
    this.meterStopPc = meterStopPc;
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

  /** The pc of the next instruction to execute. */
  get pc(): number {
    return pcOfIp(this.active, this.ip);
  }

  // -------------------------------------------------------------- loop driver
  /** Called by the loop for `Call(sysIndex)`; see ExecutionContext. */
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

  private drive(): RunOutcome {
    this.running = true;
    try {
      for (;;) {
        this.fatal = undefined;
        this.lastSyscall = undefined;
        // Fused code runs whole blocks; a block paid only in part runs unfused up to its stop.
        this.activate(this.meterStopPc < 0 ? this.program : this.steppingProgram());
        const exit = this.meterStopPc < 0 ? execute(this) : this.executeUpToMeterStop();
        if (this.fatal !== undefined) return this.failFatal(this.fatal);
        switch (exit) {
          case Exit.Returned: {
            if (this.sp < this.resultWords) return this.failFatal('StackCorrupted');
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
            if (this.code[this.ip] === Op.MeterBlock) {
              // The block does not fit: pay for it instruction by instruction instead.
              const pc = this.pc;
              this.meterStopPc = pc;
              this.ip = this.active.metering!.instructionIp[pc]!;
              const stopped = this.meterFrom(pc);
              if (stopped) return stopped;
              continue;
            }
            this.suspension = 'outOfFuel';
            return { status: 'outOfFuel', pc: this.pc, required: needed - remaining };
          }
          case Exit.MeterStop: {
            const stopped = this.meterFrom(this.meterStopPc);
            if (stopped) return stopped;
            continue;
          }
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

  /**
   * Runs a block that is paid only up to `meterStopPc`: a MeterStop written over that
   * instruction (for the length of this synchronous call; no host code runs before it, as
   * calls end blocks) hands control back before it executes.
   */
  private executeUpToMeterStop(): Exit {
    const at = this.active.metering!.instructionIp[this.meterStopPc]!;
    const saved = this.code[at]!;
    this.code[at] = Op.MeterStop;
    try {
      return execute(this);
    } finally {
      this.code[at] = saved;
    }
  }

  /**
   * Pays for as much of the current block from `pc` on as the remaining fuel allows, and
   * continues at `pc`; when not even the instruction at `pc` fits, suspends there out of fuel.
   */
  private meterFrom(pc: number): RunOutcome | undefined {
    const { costOfPc, blockEnd, instructionIp } = this.active.metering!;
    const fuel = this.store.fuel;
    const remaining = fuel.remaining();
    const budget = remaining === undefined ? Infinity : remaining > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(remaining);
    const end = blockEnd[pc]!;
    let stop = pc;
    let paid = 0;
    while (stop < end && paid + costOfPc[stop]! <= budget) paid += costOfPc[stop++]!;
    this.ip = instructionIp[pc]!;
    this.meterStopPc = stop < end ? stop : -1;
    if (stop === pc && stop < end) {
      this.suspension = 'outOfFuel';
      return { status: 'outOfFuel', pc, required: BigInt(costOfPc[pc]!) - (remaining ?? 0n) };
    }
    if (paid > 0) fuel.tryConsume(BigInt(paid));
    return undefined;
  }

  /** After a trap inside a metered block, gives back what was paid for the instructions after it. */
  private refundUnexecuted(trapPc: number): void {
    const metering = this.active.metering;
    if (!metering || trapPc >= this.codeLength) return;
    const end = this.meterStopPc >= 0 ? this.meterStopPc : metering.blockEnd[trapPc]!;
    let unexecuted = 0;
    for (let pc = trapPc + 1; pc < end; pc++) unexecuted += metering.costOfPc[pc]!;
    if (unexecuted > 0) this.store.fuel.refund(BigInt(unexecuted));
  }

  /** The unfused preparation of a fused metered program (for stretches metered one by one). */
  private steppingProgram(): Program {
    if (!this.program.fused || !this.program.metering) return this.program;
    return (this.stepping ??= prepareProgram(this.program.module, { fpu: this.program.fpu, fuelCosts: this.program.metering.costs, fuse: false }));
  }

  /** Makes `program` the running code, carrying the execution's positions over (by pc). */
  private activate(program: Program): void {
    const from = this.active;
    if (from === program) return;
    const convert = (ip: number): number => {
      const pc = pcOfIp(from, ip);
      if (ip === from.ipOfPc[pc]) return program.ipOfPc[pc]!;
      if (from.metering && program.metering && ip === from.metering.instructionIp[pc]) return program.metering.instructionIp[pc]!;
      throw new Error(`rwasm-ts internal error: no matching position for ip ${ip} (pc ${pc})`);
    };
    this.ip = convert(this.ip);
    for (let i = 0; i < this.csp; i++) this.callStack[i] = convert(this.callStack[i]!);
    this.use(program);
  }

  private use(program: Program): void {
    this.active = program;
    this.code = program.code;
    this.ipOfPc = program.ipOfPc;
    this.entryIpOfPc = program.entryIpOfPc;
  }

  /** Called by a traced program's loop before each instruction. */
  traceInstruction(pc: number, sp: number, csp: number): void {
    const hook = this.traceHook;
    if (!hook) return;
    const event = this.traceEvent;
    event.pc = pc;
    const code = this.program.module.code.rawView();
    event.opcode = code.codes[pc] as Opcode;
    event.immediate = code.bits[pc]!;
    event.stackHeight = sp;
    event.callDepth = csp;
    event.fuelConsumed = this.store.fuel.consumed();
    hook(event);
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
    this.meterStopPc = -1;
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
