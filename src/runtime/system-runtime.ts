/**
 * A frame of a Fluent system runtime, in the shape of Fluent's `SystemRuntime`: one cached,
 * instantiated instance per module and configuration, shared by every frame in turn; an entry
 * chosen by `ctx.state` (`main(0, 0)` or `deploy()`, each returning an i32 exit code); output
 * and exit codes by Fluent's conventions; eviction of the instance after an abnormal end.
 *
 * Better than the reference: a syscall that interrupts (`_exec`) suspends the interpreter
 * frame itself, and `resume` continues it where it stopped (Fluent re-runs the entry and lets
 * the guest find its own state); a frame that runs out of fuel can be topped up and continued;
 * a suspended frame serialises to a portable snapshot.
 */
import { RwasmError } from '../errors.js';
import { fluentImportLinker } from '../format/fluent-syscalls.js';
import type { ImportLinker } from '../format/import-linker.js';
import type { RwasmModule } from '../format/module.js';
import { TrapCode } from '../format/trap-codes.js';
import { MAX_ALLOWED_MEMORY_PAGES, Store, Table, DropFlags } from '../interpreter/store.js';
import { FuelCostTable } from '../interpreter/fuel-costs.js';
import type { HostFunction } from '../interpreter/host.js';
import { Machine, type RunOutcome, type TraceHook } from '../interpreter/machine.js';
import type { Program } from '../interpreter/program.js';
import { translationFor, type Tier } from '../compiled/index.js';
import { RuntimeContext, STATE_DEPLOY, STATE_MAIN, u64, i64, type ExecutionResult } from './context.js';
import { ExitCode } from './exit-code.js';
import { fluentHostFunctions, markSyscallEnvironment, type HostHandlers, type SyscallEnvironment } from './fluent-host.js';
import { encodeInvocationParams } from './invocation.js';
import { defaultModuleCache, type CachedModule, type CodeHashInput, type ModuleCache } from './module-cache.js';
import { decodeSnapshot, encodeSnapshot, trimmedMemory, type FrameSnapshot, type FrameSuspension } from './snapshot.js';

export interface SystemRuntimeOptions {
  /** The module, decoded or as bytes; leave out to take it from the cache by `codeHash`. */
  module?: RwasmModule | Uint8Array;
  /**
   * Its keccak256. Given with the bytes it is trusted, as Fluent trusts the code hash that comes
   * with a runtime's bytecode (hashing 1 MB costs more than starting the runtime); set
   * `verifyCodeHash` to hash the bytes and refuse a mismatch (`CodeHashMismatch`).
   */
  codeHash?: CodeHashInput;
  verifyCodeHash?: boolean;
  /** The frame's context (fuel limit, state, call depth, input); a default one otherwise. */
  context?: RuntimeContext;
  /**
   * `true`: the engine meters every instruction (by `fuelCosts`, default: the reference's
   * costs); `false` (default): the program meters itself with `ConsumeFuel` and `_charge_fuel`.
   */
  consumeFuel?: boolean;
  fuelCosts?: FuelCostTable;
  /** Syscall signatures (default: Fluent's `fluentbase_v1preview` table). */
  importLinker?: ImportLinker;
  /** Handlers to add or replace, by syscall index or name. */
  host?: HostHandlers;
  /** Receives `_debug_log` messages (otherwise they are dropped, as in Fluent's release build). */
  debugLog?: (message: Uint8Array) => void;
  /** Called before every executed instruction (such frames run on a traced preparation). */
  trace?: TraceHook;
  /**
   * Edge coverage of the frame's own execution (not the module's instantiation), into a map the
   * caller owns: see `MachineOptions.coverage`. Such frames run on a traced preparation.
   */
  coverage?: Uint8Array;
  cache?: ModuleCache;
  /** Execute FPU opcodes (default false, like the reference's build). */
  fpu?: boolean;
  /** Memory cap in pages (default 32768, Fluent's cap for system runtimes). */
  maxMemoryPages?: number;
  /** The engine tier (Machine's `tier`: default `'auto'`, compiled where the host allows it). */
  tier?: Tier;
}

/** Where `resume` gets what the host has to say about the interruption. */
/** How `SystemRuntime.restore` rebuilds a frame: the runtime's options a snapshot does not fix, and its key. */
export interface RestoreOptions extends Omit<SystemRuntimeOptions, 'codeHash' | 'verifyCodeHash' | 'context' | 'consumeFuel' | 'fuelCosts' | 'fpu' | 'maxMemoryPages'> {
  /** The key the snapshot was made with: given, only a keyed snapshot with a matching HMAC is accepted. */
  key?: Uint8Array;
}

export interface ResumeOptions {
  /** What the frame will read through `_output_size`/`_read_output` (the callee's output). */
  returnData?: Uint8Array;
  fuelRefunded?: bigint | number;
  /** When non-zero, `fuelConsumed` and `fuelRefunded` are written there (16 bytes) first. */
  fuel16Ptr?: number;
}

/** One instantiated store, shared by the frames of a module and configuration. */
interface Instance {
  readonly store: Store;
  evicted: boolean;
  /** The frame whose fuel and signature registers the store holds now (others keep copies). */
  owner: SystemRuntime | undefined;
  /** Idle machines (stacks) on this store, by the host functions they were built with. */
  readonly idle: Map<readonly HostFunction[], Machine[]>;
}

/** A frame's share of the shared store: what another frame's run would overwrite. */
interface FrameRegisters {
  consumed: bigint;
  limit: bigint | undefined;
  lastSignature: number;
}

/** Fluent's runtime executor, as far as a frame needs it (see RuntimeExecutor). */
export interface ParkedFrames {
  resume(callId: number, options: { returnData: Uint8Array; fuel16Ptr: number; fuelConsumed: bigint; fuelRefunded: bigint; exitCode: number }): ExecutionResult;
}

const FATAL_CODES = new Set(['StackCorrupted', 'PcOutOfBounds', 'MissingTable']);
const MAX_IDLE_MACHINES = 4;
const EMPTY = new Uint8Array(0);

let defaultLinker: ImportLinker | undefined;
const bindingsByLinker = new WeakMap<ImportLinker, Map<HostHandlers | undefined, readonly HostFunction[]>>();
const costTableIds = new WeakMap<FuelCostTable, number>();
let nextCostTableId = 1;
const costTablesByContent = new Map<string, FuelCostTable>();

function hostFunctionsFor(linker: ImportLinker, host: HostHandlers | undefined): readonly HostFunction[] {
  let byHost = bindingsByLinker.get(linker);
  if (!byHost) bindingsByLinker.set(linker, (byHost = new Map()));
  let functions = byHost.get(host);
  if (!functions) byHost.set(host, (functions = Object.freeze(fluentHostFunctions(linker, host))));
  return functions;
}

function costTableId(costs: FuelCostTable): number {
  let id = costTableIds.get(costs);
  if (id === undefined) costTableIds.set(costs, (id = nextCostTableId++));
  return id;
}

/** A cost table from a snapshot, shared with equal tables so restored frames share preparations. */
function costTableOf(costs: readonly number[]): FuelCostTable {
  const key = costs.join(',');
  let table = costTablesByContent.get(key);
  if (!table) {
    const candidate = FuelCostTable.fromArray(costs);
    table = candidate.equals(FuelCostTable.DEFAULT) ? FuelCostTable.DEFAULT : candidate;
    costTablesByContent.set(key, table);
  }
  return table;
}

interface Setup {
  readonly entry: CachedModule;
  readonly program: Program;
  readonly consumeFuel: boolean;
  readonly fuelCosts: FuelCostTable | undefined;
  readonly fpu: boolean;
  readonly maxMemoryPages: number;
  readonly hostFunctions: readonly HostFunction[];
  readonly trace: TraceHook | undefined;
  readonly coverage: Uint8Array | undefined;
  readonly debugLog: ((message: Uint8Array) => void) | undefined;
}

/**
 * ```ts
 * const runtime = SystemRuntime.create({ module: bytes, codeHash, context: new RuntimeContext({ fuelLimit, state: STATE_MAIN, input }) });
 * let result = runtime.execute();
 * while (runtime.suspended === 'interrupted') {
 *   const request = decodeInvocationParams(result.output);
 *   result = runtime.resume(answer.exitCode, answer.fuelConsumed, { returnData: answer.output });
 * }
 * ```
 */
export class SystemRuntime implements SyscallEnvironment {
  readonly ctx: RuntimeContext;
  /** Set by a RuntimeExecutor that parks this frame (0 otherwise). */
  callId = 0;
  /** The executor whose parked frames `_resume` reaches. */
  executor: ParkedFrames | undefined = undefined;

  private machine: Machine | undefined = undefined;
  private suspension: FrameSuspension | undefined = undefined;
  private registers: FrameRegisters;
  private segmentStart = 0n;
  private interruptedAtRoot = false;
  private running = false;

  private constructor(
    private readonly setup: Setup,
    private readonly instance: Instance,
    private readonly instanceKey: string | undefined,
    context: RuntimeContext,
  ) {
    this.ctx = context;
    const fuel = instance.store.fuel.state();
    this.registers = { consumed: fuel.consumed, limit: fuel.limit, lastSignature: instance.store.lastSignature };
    markSyscallEnvironment(this);
  }

  /** A frame on the cached instance for this module and configuration (instantiated on first use). */
  static create(options: SystemRuntimeOptions): SystemRuntime {
    const setup = SystemRuntime.setupFor(options, SystemRuntime.cachedModule(options));
    const key = `${setup.consumeFuel ? costTableId(setup.fuelCosts!) : 0}|${setup.fpu ? 1 : 0}|${setup.maxMemoryPages}`;
    let instance = setup.entry.instances.get(key) as Instance | undefined;
    if (!instance || instance.evicted) {
      instance = SystemRuntime.instantiate(setup);
      setup.entry.instances.set(key, instance);
    }
    const context = options.context ?? new RuntimeContext();
    checkState(context.state);
    return new SystemRuntime(setup, instance, key, context);
  }

  private static cachedModule(options: {
    module?: RwasmModule | Uint8Array | undefined;
    codeHash?: CodeHashInput | undefined;
    cache?: ModuleCache | undefined;
    verifyCodeHash?: boolean | undefined;
  }): CachedModule {
    const cache = options.cache ?? defaultModuleCache;
    const verifyCodeHash = options.verifyCodeHash ?? false;
    if (options.module instanceof Uint8Array) return cache.load(options.module, options.codeHash, { verifyCodeHash });
    if (options.module) return cache.add(options.module, options.codeHash, { verifyCodeHash });
    if (options.codeHash !== undefined) return cache.get(options.codeHash);
    throw new RwasmError('InvalidArgument', 'a SystemRuntime needs its module (or bytes) or the code hash of a cached one');
  }

  private static setupFor(options: Omit<SystemRuntimeOptions, 'module' | 'codeHash' | 'cache' | 'context'>, entry: CachedModule): Setup {
    const consumeFuel = options.consumeFuel ?? false;
    if (options.fuelCosts && !consumeFuel) throw new RwasmError('InvalidArgument', 'fuelCosts is for engine metering: set consumeFuel too');
    const fuelCosts = consumeFuel ? (options.fuelCosts ?? FuelCostTable.DEFAULT) : undefined;
    const fpu = options.fpu ?? false;
    const maxMemoryPages = options.maxMemoryPages ?? MAX_ALLOWED_MEMORY_PAGES;
    if (!Number.isInteger(maxMemoryPages) || maxMemoryPages < 0 || maxMemoryPages > MAX_ALLOWED_MEMORY_PAGES) {
      throw new RwasmError('InvalidArgument', `maxMemoryPages must be 0..${MAX_ALLOWED_MEMORY_PAGES}`);
    }
    const linker = options.importLinker ?? (defaultLinker ??= fluentImportLinker());
    const traced = options.trace !== undefined || options.coverage !== undefined;
    return {
      entry,
      program: entry.program({
        fpu,
        fuelCosts,
        trace: traced,
        ...(traced ? {} : translationFor(options.tier)),
      }),
      consumeFuel,
      fuelCosts,
      fpu,
      maxMemoryPages,
      hostFunctions: hostFunctionsFor(linker, options.host),
      trace: options.trace,
      coverage: options.coverage,
      debugLog: options.debugLog,
    };
  }

  private static instantiate(setup: Setup): Instance {
    const store = Machine.createStore(setup.program, { maxMemoryPages: setup.maxMemoryPages });
    const instance: Instance = { store, evicted: false, owner: undefined, idle: new Map() };
    const machine = new Machine(setup.program, { store, hostFunctions: setup.hostFunctions, fuelCosts: setup.fuelCosts, trace: setup.trace, fpu: setup.fpu });
    // Like Fluent's cached runtimes: instantiated without a fuel limit, outside any frame.
    const outcome = machine.instantiate();
    if (outcome.status !== 'returned') {
      throw new RwasmError('InstantiationFailed', `the module's init code did not complete: ${describe(outcome)}`);
    }
    release(instance, setup, machine);
    return instance;
  }

  // -------------------------------------------------------------- the Fluent surface
  context(): RuntimeContext {
    return this.ctx;
  }

  /** Why the frame is waiting, if it is: a syscall or guest interruption, or fuel. */
  get suspended(): 'interrupted' | 'outOfFuel' | undefined {
    return this.suspension === undefined ? undefined : this.suspension === 'outOfFuel' ? 'outOfFuel' : 'interrupted';
  }

  /** True when the last interruption came from `_exec` in a root frame (Fluent refuses those). */
  get interruptedAsRoot(): boolean {
    return this.interruptedAtRoot;
  }

  /** Runs the entry `ctx.state` selects. Returns the segment's result (see ExecutionResult). */
  execute(): ExecutionResult {
    this.assertIdle('execute');
    checkState(this.ctx.state);
    return this.runEntry();
  }

  /**
   * Continues an interrupted frame. After a syscall interruption the frame is charged
   * `fuelConsumed` (the callee's fuel) and continues with `exitCode` as the syscall's result;
   * after a guest-level one (the entry returned InterruptionCalled) the entry runs again with
   * the host's answer as its return data, as in Fluent.
   */
  resume(exitCode: number, fuelConsumed: bigint | number, options: ResumeOptions = {}): ExecutionResult {
    if (this.running) throw new RwasmError('InvalidState', 'the frame is running');
    if (!Number.isInteger(exitCode) || exitCode < -0x80000000 || exitCode > 0x7fffffff) throw new RwasmError('InvalidArgument', `exit code ${exitCode} is not an i32`);
    const consumed = u64('fuelConsumed', fuelConsumed);
    const refunded = i64('fuelRefunded', options.fuelRefunded ?? 0n);
    const returnData = options.returnData ?? EMPTY;
    const fuel16Ptr = options.fuel16Ptr ?? 0;
    switch (this.suspension) {
      case 'syscall': {
        const machine = this.machine!;
        this.ctx.executionResult.returnData = returnData.length === 0 ? EMPTY : returnData.slice();
        this.claim();
        const store = this.instance.store;
        if (fuel16Ptr !== 0 && !store.write(fuel16Ptr, fuel16(consumed, refunded))) {
          return this.endSuspended(machine, ExitCode.MemoryOutOfBounds);
        }
        if (!store.fuel.tryConsume(consumed)) return this.endSuspended(machine, ExitCode.OutOfFuel);
        this.segmentStart = store.fuel.remaining() ?? 0n;
        this.suspension = undefined;
        return this.continueWith(machine, () => machine.resume([exitCode]));
      }
      case 'guest': {
        this.suspension = undefined;
        this.ctx.executionResult.returnData = returnData.slice();
        if (fuel16Ptr !== 0 && !this.instance.store.write(fuel16Ptr, fuel16(consumed, refunded))) {
          return this.finish(ExitCode.MemoryOutOfBounds, 0n);
        }
        this.ctx.clearOutput();
        return this.runEntry();
      }
      case 'outOfFuel':
        throw new RwasmError('InvalidState', 'the frame ran out of fuel: refuel() it instead');
      default:
        throw new RwasmError('InvalidState', 'nothing to resume: the frame is not interrupted');
    }
  }

  /** Adds `amount` to the frame's fuel limit and continues a frame that ran out of fuel. */
  refuel(amount: bigint | number): ExecutionResult {
    if (this.running) throw new RwasmError('InvalidState', 'the frame is running');
    if (this.suspension !== 'outOfFuel') throw new RwasmError('InvalidState', 'the frame did not run out of fuel');
    const extra = u64('amount', amount);
    const machine = this.machine!;
    this.claim();
    this.ctx.fuelLimit = u64('fuel limit', this.ctx.fuelLimit + extra);
    const fuel = this.instance.store.fuel;
    fuel.setLimit(u64('fuel limit', (fuel.limit ?? 0n) + extra));
    this.segmentStart = fuel.remaining() ?? 0n;
    this.suspension = undefined;
    return this.continueWith(machine, () => machine.resume());
  }

  /** Gives up a suspended frame. Its instance is evicted: its memory may be half-way through. */
  abandon(): void {
    if (this.running) throw new RwasmError('InvalidState', 'the frame is running');
    if (this.machine) this.machine.abandon();
    this.machine = undefined;
    if (this.suspension !== undefined && this.suspension !== 'guest') this.evict();
    this.suspension = undefined;
  }

  memoryRead(offset: number, length: number): Uint8Array {
    const bytes = this.instance.store.read(offset, length);
    if (!bytes) throw new RwasmError('MemoryOutOfBounds', `memory read of ${length} bytes at ${offset} is outside the ${this.instance.store.memory.bytes.length}-byte memory`);
    return bytes;
  }

  memoryWrite(offset: number, bytes: Uint8Array): void {
    if (!this.instance.store.write(offset, bytes)) {
      throw new RwasmError('MemoryOutOfBounds', `memory write of ${bytes.length} bytes at ${offset} is outside the ${this.instance.store.memory.bytes.length}-byte memory`);
    }
  }

  /** The frame's remaining fuel when the engine meters it, undefined when it meters itself. */
  remainingFuel(): bigint | undefined {
    if (!this.setup.consumeFuel) return undefined;
    if (this.instance.owner === this) return this.instance.store.fuel.remaining();
    const { consumed, limit } = this.registers;
    return limit === undefined ? undefined : limit > consumed ? limit - consumed : 0n;
  }

  /** The code hash of the frame's module (64 hex digits). */
  /** The prepared program the frame runs (shared by every frame of its cache entry). */
  get program(): Program {
    return this.setup.program;
  }

  get codeHash(): string {
    return this.setup.entry.codeHash;
  }

  // -------------------------------------------------------------- SyscallEnvironment
  debugLog(message: Uint8Array): void {
    this.setup.debugLog?.(message);
  }

  resumeParked(callId: number, returnData: Uint8Array, fuel16Ptr: number, fuelConsumed: bigint, fuelRefunded: bigint, exitCode: number): ExecutionResult {
    if (!this.executor) return { exitCode: ExitCode.UnknownError, fuelConsumed, fuelRefunded: 0n, output: EMPTY, returnData: EMPTY };
    return this.executor.resume(callId, { returnData, fuel16Ptr, fuelConsumed, fuelRefunded, exitCode });
  }

  // -------------------------------------------------------------- snapshots
  /**
   * The suspended frame as portable bytes (see snapshot.ts); restore with `SystemRuntime.restore`.
   * With `key` (16 bytes or more) the bytes carry an HMAC-SHA256 instead of a checksum, so that a
   * restore given the same key refuses anything not made with it.
   */
  snapshot(options: { key?: Uint8Array } = {}): Uint8Array {
    if (this.running) throw new RwasmError('InvalidState', 'the frame is running');
    if (this.suspension === undefined) throw new RwasmError('InvalidState', 'only a suspended frame can be snapshotted');
    const store = this.instance.store;
    if (this.instance.owner === this) this.saveRegisters();
    const program = this.setup.program;
    const acc = this.ctx.executionResult;
    const tables: Array<{ index: number; elements: Uint32Array }> = [];
    store.tables.forEach((table, index) => {
      if (table) tables.push({ index, elements: Uint32Array.from(table.elements.subarray(0, table.size)) });
    });
    const snapshot: FrameSnapshot = {
      codeHash: this.codeHash,
      callId: this.callId,
      suspension: this.suspension,
      consumeFuel: this.setup.consumeFuel,
      fuelCosts: this.setup.fuelCosts?.toArray(),
      fpu: this.setup.fpu,
      maxMemoryPages: this.setup.maxMemoryPages,
      context: {
        fuelLimit: this.ctx.fuelLimit,
        state: this.ctx.state,
        callDepth: this.ctx.callDepth,
        input: this.ctx.input,
        exitCode: acc.exitCode,
        fuelConsumed: acc.fuelConsumed,
        fuelRefunded: acc.fuelRefunded,
        output: acc.output.view(),
        returnData: acc.returnData,
        resumable: this.ctx.resumableContext,
      },
      segmentStart: this.segmentStart,
      fuel: { consumed: this.registers.consumed, limit: this.registers.limit },
      store: {
        pages: store.memory.pages,
        memory: trimmedMemory(store.memory.bytes),
        globals: Array.from(program.globalIndexOfSlot, (index, slot) => [index, store.globals[slot]! >>> 0] as const),
        tables,
        dataDropped: store.dataDropped.toBytes(),
        elemDropped: store.elemDropped.toBytes(),
        lastSignature: this.registers.lastSignature,
      },
      execution: this.machine?.captureExecution(),
    };
    return encodeSnapshot(snapshot, options.key);
  }

  /**
   * A frame from a snapshot, on a private instance built from the snapshot's store. The module
   * comes from `module` (checked against the snapshot's code hash) or from the cache.
   */
  static restore(bytes: Uint8Array, options: RestoreOptions = {}): SystemRuntime {
    const snap = decodeSnapshot(bytes, options.key);
    // The snapshot names the module, the caller brings it: check they are the same.
    const entry = SystemRuntime.cachedModule({ module: options.module, codeHash: snap.codeHash, cache: options.cache, verifyCodeHash: true });
    const setup = SystemRuntime.setupFor(
      {
        ...options,
        consumeFuel: snap.consumeFuel,
        fuelCosts: snap.fuelCosts ? costTableOf(snap.fuelCosts) : undefined,
        fpu: snap.fpu,
        maxMemoryPages: snap.maxMemoryPages,
      },
      entry,
    );
    const bad = (why: string): never => {
      throw new RwasmError('MalformedSnapshot', `snapshot: ${why}`);
    };
    const { program } = setup;
    const store = Machine.createStore(program, { maxMemoryPages: setup.maxMemoryPages });
    store.memory.restore(snap.store.pages, snap.store.memory);
    for (const [index, value] of snap.store.globals) {
      const slot = program.slotOfGlobal.get(index);
      if (slot === undefined) bad(`global ${index} is not used by the module`);
      store.globals[slot!] = value;
    }
    for (const { index, elements } of snap.store.tables) {
      const table = new Table();
      table.grow(elements.length, 0);
      table.elements.set(elements);
      store.tables[index] = table;
    }
    store.dataDropped = DropFlags.fromBytes(snap.store.dataDropped);
    store.elemDropped = DropFlags.fromBytes(snap.store.elemDropped);
    store.fuel.restore(snap.fuel.consumed, snap.fuel.limit);
    const instance: Instance = { store, evicted: false, owner: undefined, idle: new Map() };

    if (snap.context.state !== STATE_MAIN && snap.context.state !== STATE_DEPLOY) bad(`state ${snap.context.state} is neither main nor deploy`);
    const ctx = new RuntimeContext({ fuelLimit: snap.context.fuelLimit, state: snap.context.state, callDepth: snap.context.callDepth, input: snap.context.input });
    const acc = ctx.executionResult;
    acc.exitCode = snap.context.exitCode;
    acc.fuelConsumed = snap.context.fuelConsumed;
    acc.fuelRefunded = snap.context.fuelRefunded;
    acc.output.replace(snap.context.output);
    acc.returnData = snap.context.returnData;
    ctx.resumableContext = snap.context.resumable;

    const runtime = new SystemRuntime(setup, instance, undefined, ctx);
    instance.owner = runtime;
    runtime.registers = { consumed: snap.fuel.consumed, limit: snap.fuel.limit, lastSignature: snap.store.lastSignature };
    runtime.segmentStart = snap.segmentStart;
    runtime.callId = snap.callId;
    runtime.suspension = snap.suspension;
    if (snap.execution) {
      const expected = snap.suspension === 'outOfFuel' ? 'outOfFuel' : 'interrupted';
      if (snap.execution.suspension !== expected) bad('the frame and its execution disagree about why they are suspended');
      const machine = new Machine(program, { store, hostFunctions: setup.hostFunctions, fuelCosts: setup.fuelCosts, trace: setup.trace, coverage: setup.coverage, fpu: setup.fpu });
      machine.restoreExecution(snap.execution);
      runtime.machine = machine;
    }
    return runtime;
  }

  // -------------------------------------------------------------- running
  private runEntry(): ExecutionResult {
    const machine = this.acquire();
    this.claim();
    const fuel = this.instance.store.fuel;
    // The instance is shared: every segment starts from the frame's own limit, as in Fluent.
    fuel.reset(this.ctx.fuelLimit);
    this.instance.store.lastSignature = -1;
    this.segmentStart = this.ctx.fuelLimit;
    const params = this.ctx.state === STATE_MAIN ? [0, 0] : [];
    return this.continueWith(machine, () => machine.run({ params, resultWords: 1 }));
  }

  private continueWith(machine: Machine, step: () => RunOutcome): ExecutionResult {
    machine.hostContext = this;
    this.running = true;
    let outcome: RunOutcome;
    try {
      outcome = step();
    } catch (error) {
      this.running = false;
      this.machine = undefined;
      if (error instanceof RwasmError && FATAL_CODES.has(error.code)) {
        // A program the reference has no defined behaviour for: an unexpected failure, like a trap.
        this.evict();
        return this.finish(ExitCode.UnexpectedFatalExecutionFailure, this.fuelUsed());
      }
      throw error;
    }
    this.running = false;
    return this.settle(outcome, machine);
  }

  private settle(outcome: RunOutcome, machine: Machine): ExecutionResult {
    const ctx = this.ctx;
    const acc = ctx.executionResult;
    const fuelUsed = this.fuelUsed();
    if (outcome.status === 'interrupted' || outcome.status === 'outOfFuel') {
      this.machine = machine;
      let result: ExecutionResult;
      if (outcome.status === 'interrupted') {
        this.suspension = 'syscall';
        const request = ctx.resumableContext;
        ctx.resumableContext = undefined;
        this.interruptedAtRoot = request?.isRoot ?? false;
        const output = request ? encodeInvocationParams(request.params) : acc.returnData.slice();
        result = { exitCode: ExitCode.InterruptionCalled, fuelConsumed: fuelUsed, fuelRefunded: acc.fuelRefunded, output, returnData: EMPTY };
      } else {
        this.suspension = 'outOfFuel';
        result = { exitCode: ExitCode.OutOfFuel, fuelConsumed: fuelUsed, fuelRefunded: acc.fuelRefunded, output: acc.output.bytes(), returnData: acc.returnData.slice() };
      }
      // The frame goes on: its output and return data stay, the per-segment figures restart.
      acc.exitCode = 0;
      acc.fuelConsumed = 0n;
      acc.fuelRefunded = 0n;
      return result;
    }

    this.machine = undefined;
    release(this.instance, this.setup, machine);
    if (acc.exitCode !== 0) {
      // `_exit` or a handler that halted with a code: that code, and the instance is suspect.
      this.evict();
      return this.finish(acc.exitCode, fuelUsed);
    }
    if (outcome.status === 'trapped') {
      this.evict();
      return this.finish(outcome.trap === TrapCode.OutOfFuel ? ExitCode.OutOfFuel : ExitCode.UnexpectedFatalExecutionFailure, fuelUsed);
    }
    const returned = outcome.status === 'returned' ? outcome.results[0]! | 0 : 0;
    if (returned === ExitCode.InterruptionCalled) {
      // Guest-level interruption: the entry returned after writing its request as output.
      this.suspension = 'guest';
      this.interruptedAtRoot = false;
      const request = acc.output.bytes();
      const result = { exitCode: ExitCode.InterruptionCalled, fuelConsumed: fuelUsed, fuelRefunded: acc.fuelRefunded, output: request, returnData: EMPTY };
      this.resetResult();
      return result;
    }
    return this.finish(returned, fuelUsed);
  }

  /** Ends a frame suspended in a syscall before it could continue (bad fuel16 pointer, no fuel). */
  private endSuspended(machine: Machine, exitCode: number): ExecutionResult {
    machine.abandon();
    this.machine = undefined;
    this.suspension = undefined;
    this.evict();
    return this.finish(exitCode, 0n);
  }

  private finish(exitCode: number, fuelConsumed: bigint): ExecutionResult {
    const acc = this.ctx.executionResult;
    const result = { exitCode, fuelConsumed, fuelRefunded: acc.fuelRefunded, output: acc.output.bytes(), returnData: acc.returnData.slice() };
    this.resetResult();
    return result;
  }

  private resetResult(): void {
    const acc = this.ctx.executionResult;
    acc.exitCode = 0;
    acc.fuelConsumed = 0n;
    acc.fuelRefunded = 0n;
    acc.output.clear();
    acc.returnData = EMPTY;
  }

  /** This segment's fuel: the store's use when the engine meters, the frame's own count otherwise. */
  private fuelUsed(): bigint {
    if (!this.setup.consumeFuel) return this.ctx.executionResult.fuelConsumed;
    const remaining = this.instance.store.fuel.remaining() ?? 0n;
    return this.segmentStart > remaining ? this.segmentStart - remaining : 0n;
  }

  /**
   * Makes the store hold this frame's fuel and signature registers: the previous owner's are
   * copied out first, ours copied in (frames take turns on one shared instance).
   */
  private claim(): void {
    const owner = this.instance.owner;
    if (owner === this) return;
    owner?.saveRegisters();
    this.instance.owner = this;
    this.restoreRegisters();
  }

  private saveRegisters(): void {
    const fuel = this.instance.store.fuel.state();
    this.registers = { consumed: fuel.consumed, limit: fuel.limit, lastSignature: this.instance.store.lastSignature };
  }

  private restoreRegisters(): void {
    this.instance.store.fuel.restore(this.registers.consumed, this.registers.limit);
    this.instance.store.lastSignature = this.registers.lastSignature;
  }

  private acquire(): Machine {
    const { setup, instance } = this;
    if (!setup.program.traced) {
      const machine = instance.idle.get(setup.hostFunctions)?.pop();
      if (machine) return machine;
    }
    return new Machine(setup.program, { store: instance.store, hostFunctions: setup.hostFunctions, fuelCosts: setup.fuelCosts, trace: setup.trace, coverage: setup.coverage, fpu: setup.fpu });
  }

  private evict(): void {
    const instance = this.instance;
    instance.evicted = true;
    instance.idle.clear();
    if (this.instanceKey !== undefined && this.setup.entry.instances.get(this.instanceKey) === instance) {
      this.setup.entry.instances.delete(this.instanceKey);
    }
  }

  private assertIdle(action: string): void {
    if (this.running) throw new RwasmError('InvalidState', `cannot ${action}: the frame is running`);
    if (this.suspension !== undefined) throw new RwasmError('InvalidState', `cannot ${action}: the frame is suspended; resume, refuel or abandon it`);
  }
}

function release(instance: Instance, setup: Setup, machine: Machine): void {
  if (setup.program.traced || instance.evicted || machine.program !== setup.program) return;
  let idle = instance.idle.get(setup.hostFunctions);
  if (!idle) instance.idle.set(setup.hostFunctions, (idle = []));
  if (idle.length < MAX_IDLE_MACHINES) idle.push(machine);
}

function checkState(state: number): void {
  if (state !== STATE_MAIN && state !== STATE_DEPLOY) {
    throw new RwasmError('InvalidArgument', `state ${state} selects no entry (0 = main, 1 = deploy)`);
  }
}

function fuel16(consumed: bigint, refunded: bigint): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, consumed, true);
  view.setBigInt64(8, refunded, true);
  return bytes;
}

function describe(outcome: RunOutcome): string {
  switch (outcome.status) {
    case 'trapped':
      return `trapped (${TrapCode[outcome.trap]}) at pc ${outcome.pc}`;
    case 'interrupted':
      return `interrupted at pc ${outcome.pc}`;
    case 'outOfFuel':
      return `out of fuel at pc ${outcome.pc}`;
    default:
      return outcome.status;
  }
}
