import { RwasmError } from '../errors.js';
import { wordsOf } from '../format/import-linker.js';
import type { RwasmModule } from '../format/module.js';
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
import { HostCall, Trap, toFuel, type HostFunction, type HostHandler } from './host.js';
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
  /** Handed to every host function as `call.context`. */
  context?: unknown;
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
  readonly code: Int32Array;
  readonly ipOfPc: Int32Array;
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

  private readonly bindings = new Map<number, SyscallBinding>();
  private readonly hostCall: HostCall;
  private suspension: 'interrupted' | 'outOfFuel' | undefined;
  private resultWords = 0;
  private lastSyscall: number | undefined;
  private running = false;

  constructor(moduleOrProgram: RwasmModule | Program, options: MachineOptions = {}) {
    this.program = 'ipOfPc' in moduleOrProgram ? moduleOrProgram : prepareProgram(moduleOrProgram, { fpu: options.fpu ?? false });
    if (options.fpu !== undefined && options.fpu !== this.program.fpu) {
      throw new RwasmError('InvalidArgument', `the program was prepared with fpu ${this.program.fpu}, the machine asks for ${options.fpu}`);
    }
    this.code = this.program.code;
    this.ipOfPc = this.program.ipOfPc;
    this.codeLength = this.program.codeLength;
    this.data = this.program.data;
    this.elem = this.program.elem;
    this.store = new Store({
      globalSlots: this.program.globalIndexOfSlot.length,
      maxMemoryPages: options.maxMemoryPages,
      fuelLimit: options.fuelLimit === undefined ? undefined : toFuel(options.fuelLimit),
    });
    this.hostCall = new HostCall(this.store, options.context);
    for (const fn of options.hostFunctions ?? []) this.defineHostFunction(fn);
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
    this.ip = this.ipOfPc[pc]!;
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
    return pcOfIp(this.program, this.ip);
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
        const exit = execute(this);
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
            this.suspension = 'outOfFuel';
            return { status: 'outOfFuel', pc: this.pc, required: needed - remaining };
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
