/**
 * SystemRuntime conventions (Fluent's): entries by state, exit codes, output, the cached
 * instance and its eviction, fuel in both metering modes, out-of-fuel top-ups, guest-level
 * interruptions, snapshots as untrusted input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExitCode,
  ModuleCache,
  RuntimeContext,
  RuntimeExecutor,
  RwasmModule,
  STATE_DEPLOY,
  STATE_MAIN,
  SystemRuntime,
  assemble,
  ins,
  type RuntimeContextInit,
  type Tier,
} from '../../src/index.js';
import { rwasmErrorOf } from '../support/errors.js';
import { program, statement } from '../support/random-programs.js';
import { setWarmArrivals } from '../../src/interpreter/program.js';
import { compileProgram } from './support/exec-host.js';

const system = compileProgram('system', true);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function frame(input: number, init: RuntimeContextInit = {}, options: { cache?: ModuleCache; consumeFuel?: boolean } = {}) {
  return SystemRuntime.create({
    module: system,
    cache: options.cache ?? new ModuleCache(),
    consumeFuel: options.consumeFuel,
    context: new RuntimeContext({ fuelLimit: 1_000_000n, callDepth: 1, input: Uint8Array.of(input), ...init }),
  });
}
const runsOf = (runtime: SystemRuntime) => new DataView(runtime.memoryRead(0, 4).buffer).getUint32(0, true);

describe('entries and results', () => {
  it('state main runs main(0, 0) and state deploy runs deploy(); the returned i32 is the exit code', () => {
    const main = frame(0, { state: STATE_MAIN }).execute();
    expect(main).toMatchObject({ exitCode: ExitCode.Ok });
    expect(text(main.output)).toBe('main');
    const deploy = frame(0, { state: STATE_DEPLOY }).execute();
    expect(deploy.exitCode).toBe(7);
    expect(text(deploy.output)).toBe('main');
    expect(rwasmErrorOf(() => frame(0, { state: 2 })).code).toBe('InvalidArgument');
  });

  it('frames of one module share its cached instance: memory carries over between them', () => {
    const cache = new ModuleCache();
    const first = frame(0, {}, { cache });
    first.execute();
    expect(runsOf(first)).toBe(1);
    const second = frame(1, {}, { cache });
    expect(second.execute().exitCode).toBe(ExitCode.Panic); // a revert keeps the instance
    expect(runsOf(second)).toBe(2);
    expect(cache.stats).toMatchObject({ misses: 1, hits: 1 });
    // Another configuration is another instance.
    const metered = frame(0, {}, { cache, consumeFuel: true });
    metered.execute();
    expect(runsOf(metered)).toBe(1);
  });

  it('_exit ends the frame with its code and output, and evicts the instance', () => {
    const cache = new ModuleCache();
    const exiting = frame(2, {}, { cache });
    const result = exiting.execute();
    expect(result.exitCode).toBe(ExitCode.Panic);
    expect(text(result.output)).toBe('main');
    const next = frame(0, {}, { cache });
    next.execute();
    expect(runsOf(next)).toBe(1); // a fresh instance
  });

  it('a trap becomes UnexpectedFatalExecutionFailure instead of escaping, and evicts the instance', () => {
    const cache = new ModuleCache();
    const trapping = frame(3, {}, { cache });
    expect(trapping.execute()).toMatchObject({ exitCode: ExitCode.UnexpectedFatalExecutionFailure });
    const next = frame(0, {}, { cache });
    next.execute();
    expect(runsOf(next)).toBe(1);
  });

  it('memoryRead and memoryWrite are bounds-checked with MemoryOutOfBounds', () => {
    const runtime = frame(0);
    runtime.memoryWrite(100, Uint8Array.of(1, 2, 3));
    expect(runtime.memoryRead(99, 5)).toEqual(Uint8Array.of(0, 1, 2, 3, 0));
    expect(rwasmErrorOf(() => runtime.memoryRead(65535, 2)).code).toBe('MemoryOutOfBounds');
    expect(rwasmErrorOf(() => runtime.memoryWrite(-1, Uint8Array.of(1))).code).toBe('MemoryOutOfBounds');
    expect(runtime.memoryRead(65535, 1)).toEqual(Uint8Array.of(0));
  });
});

describe('fuel', () => {
  it('self-metered: the frame reports its _charge_fuel total and remainingFuel() is undefined', () => {
    const runtime = frame(5, { fuelLimit: 1005n });
    const result = runtime.execute();
    // 100 charges of 10 fit; the 101st passes the limit and traps OutOfFuel.
    expect(result).toMatchObject({ exitCode: ExitCode.OutOfFuel, fuelConsumed: 1000n });
    expect(runtime.remainingFuel()).toBeUndefined();
    expect(runtime.suspended).toBeUndefined();
    expect(frame(6).execute()).toMatchObject({ exitCode: ExitCode.OutOfFuel, fuelConsumed: 0n });
  });

  it('engine-metered: a frame that runs out of fuel can be topped up and continued', () => {
    const runtime = frame(9, { fuelLimit: 3000n }, { consumeFuel: true });
    const first = runtime.execute();
    expect(first.exitCode).toBe(ExitCode.OutOfFuel);
    expect(runtime.suspended).toBe('outOfFuel');
    expect(first.fuelConsumed).toBeLessThanOrEqual(3000n);
    expect(first.fuelConsumed).toBeGreaterThan(2990n);
    expect(runtime.remainingFuel()).toBe(3000n - first.fuelConsumed);
    const second = runtime.refuel(500n);
    expect(second.exitCode).toBe(ExitCode.OutOfFuel); // it spins forever
    expect(first.fuelConsumed + second.fuelConsumed).toBeGreaterThan(3490n);
    expect(runtime.context().fuelLimit).toBe(3500n);
    expect(rwasmErrorOf(() => runtime.execute()).code).toBe('InvalidState');
    expect(rwasmErrorOf(() => runtime.resume(0, 0)).code).toBe('InvalidState');
    runtime.abandon();
    expect(runtime.suspended).toBeUndefined();
  });

  it('engine metering for random programs: exactly enough fuel succeeds, one less stops, a top-up finishes alike', () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 10 }), fc.integer(), (statements, n, seed) => {
        // main(0, 0): drop the top zero, push n, and run the program's loop.
        const { code, labels } = assemble(program(statements, seed, [ins.Drop(), ins.I32Const(n)]));
        const module = new RwasmModule({ code, sourcePc: labels.get('main')! });
        const run = (fuelLimit: bigint) =>
          SystemRuntime.create({ module, cache: new ModuleCache(), consumeFuel: true, context: new RuntimeContext({ fuelLimit, callDepth: 1 }) });
        const free = run(1n << 40n);
        const reference = free.execute();
        const needed = reference.fuelConsumed;
        expect(needed).toBeGreaterThan(0n);

        const exact = run(needed);
        expect(exact.execute()).toEqual(reference);
        expect(exact.remainingFuel()).toBe(0n);

        const short = run(needed - 1n);
        const stopped = short.execute();
        expect(stopped.exitCode).toBe(ExitCode.OutOfFuel);
        expect(short.suspended).toBe('outOfFuel');
        const finished = short.refuel(1n);
        expect(finished.exitCode).toBe(reference.exitCode);
        expect(stopped.fuelConsumed + finished.fuelConsumed).toBe(needed);
      }),
      { seed: 42, numRuns: 60 },
    );
  });
});

describe('guest-level interruptions (returning InterruptionCalled)', () => {
  it('the request is the output; resume re-enters with the answer as return data', () => {
    const runtime = frame(4);
    const request = runtime.execute();
    expect(request.exitCode).toBe(ExitCode.InterruptionCalled);
    expect(text(request.output)).toBe('main');
    expect(runtime.suspended).toBe('interrupted');
    const done = runtime.resume(0, 0, { returnData: new TextEncoder().encode('answer') });
    expect(done.exitCode).toBe(ExitCode.Ok);
    expect(text(done.output)).toBe('answer');
    expect(runsOf(runtime)).toBe(2); // the entry ran twice on the same instance
  });

  it('through the executor it is parked under a call id', () => {
    const executor = new RuntimeExecutor({ cache: new ModuleCache() });
    const ctx = new RuntimeContext({ fuelLimit: 10_000n, callDepth: 1, input: Uint8Array.of(4) });
    const parked = executor.execute({ module: system }, ctx);
    expect(parked).toMatchObject({ exitCode: 1, callId: 1 });
    expect(text(parked.output)).toBe('main');
    const done = executor.resume(1, { returnData: Uint8Array.of(0x41, 0x42) });
    expect(done.exitCode).toBe(ExitCode.Ok);
    expect(text(done.output)).toBe('AB');
  });

  it('a root frame (call depth 0) interrupted by _exec ends as UnexpectedFatalExecutionFailure in the executor', () => {
    const executor = new RuntimeExecutor({ cache: new ModuleCache() });
    const module = compileProgram('exec-loop');
    const input = new Uint8Array(33);
    input[0] = 1;
    const result = executor.execute({ module }, new RuntimeContext({ fuelLimit: 1_000_000n, callDepth: 0, input }));
    expect(result.exitCode).toBe(ExitCode.UnexpectedFatalExecutionFailure);
    expect(result.callId).toBeUndefined();
  });
});

describe('snapshots', () => {
  function suspendedSnapshot(): Uint8Array {
    const runtime = frame(9, { fuelLimit: 2000n }, { consumeFuel: true });
    runtime.execute();
    return runtime.snapshot();
  }

  it('restore a frame that ran out of fuel; it continues like the original', () => {
    const original = frame(9, { fuelLimit: 2000n }, { consumeFuel: true });
    original.execute();
    const bytes = original.snapshot();
    const copy = SystemRuntime.restore(bytes, { module: system.encode(), cache: new ModuleCache() });
    expect(copy.suspended).toBe('outOfFuel');
    expect(copy.remainingFuel()).toBe(original.remainingFuel());
    expect(copy.refuel(777n)).toEqual(original.refuel(777n));
    expect(copy.memoryRead(0, 128)).toEqual(original.memoryRead(0, 128));
  });

  it('a fuel stop snapshots the same whichever engine ran up to it (the stepper of a cold program, the block engine of a prepared one)', () => {
    const make = (module: RwasmModule) =>
      SystemRuntime.create({ module, cache: new ModuleCache(), consumeFuel: true, tier: 'interpreter', context: new RuntimeContext({ fuelLimit: 2000n, callDepth: 1, input: Uint8Array.of(9) }) });
    const module = compileProgram('system', true);
    setWarmArrivals(undefined);
    const stepped = make(module);
    expect(stepped.execute().exitCode).toBe(ExitCode.OutOfFuel);
    expect(stepped.program.preparation.units).toBe(0);
    setWarmArrivals(1);
    try {
      const blocks = make(module);
      blocks.execute();
      expect(blocks.program.preparation.units).toBeGreaterThan(0);
      // (The stepped run had called a syscall before it stopped, which once leaked into its snapshot.)
      expect(blocks.snapshot()).toEqual(stepped.snapshot());
    } finally {
      setWarmArrivals(undefined);
    }
  });

  it('a snapshot taken on one tier restores on the other and continues the same (bytes, fuel, memory)', () => {
    for (const [from, to] of [['compiled', 'interpreter'], ['interpreter', 'compiled'], ['auto', 'compiled']] as const) {
      const make = (tier: typeof from) =>
        SystemRuntime.create({ module: system, cache: new ModuleCache(), consumeFuel: true, tier, context: new RuntimeContext({ fuelLimit: 2000n, callDepth: 1, input: Uint8Array.of(9) }) });
      const original = make(from);
      original.execute();
      const reference = make(to);
      reference.execute();
      const bytes = original.snapshot();
      expect(bytes).toEqual(reference.snapshot()); // the same stop, the same bytes, on either tier
      const copy = SystemRuntime.restore(bytes, { module: system.encode(), cache: new ModuleCache(), tier: to });
      expect(copy.refuel(777n)).toEqual(original.refuel(777n));
      expect(copy.memoryRead(0, 128)).toEqual(original.memoryRead(0, 128));
    }
  });

  it('random programs stopped by fuel at random points, each stop snapshotted and finished on the next tier: every snapshot is the interpreter\'s, byte for byte, and so is the end', () => {
    let stopsSeen = 0;
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 24 }), fc.integer(), fc.integer({ min: 3, max: 400 }), (statements, n, seed, step) => {
        const { code, labels } = assemble(program(statements, seed, [ins.Drop(), ins.I32Const(n)]));
        const module = new RwasmModule({ code, sourcePc: labels.get('main')! });
        const bytes = module.encode();
        /** Runs with `step` fuel at a time (engine-metered, or the program's own ConsumeFuel alone); each stop is snapshotted, restored on the next of `tiers` and refuelled. */
        const run = (tiers: readonly Tier[], consumeFuel: boolean) => {
          const stops: string[] = [];
          let runtime = SystemRuntime.create({ module, cache: new ModuleCache(), consumeFuel, tier: tiers[0], context: new RuntimeContext({ fuelLimit: BigInt(step), callDepth: 1 }) });
          let result = runtime.execute();
          for (let k = 1; runtime.suspended === 'outOfFuel'; k++) {
            const snapshot = runtime.snapshot();
            stops.push(Buffer.from(snapshot).toString('hex'));
            runtime = SystemRuntime.restore(snapshot, { module: bytes, cache: new ModuleCache(), tier: tiers[k % tiers.length] });
            result = runtime.refuel(BigInt(step));
          }
          return { stops, result, memory: Buffer.from(runtime.memoryRead(0, 256)).toString('hex') };
        };
        for (const metered of [true, false]) {
          const interpreted = run(['interpreter'], metered);
          stopsSeen += interpreted.stops.length;
          for (const tiers of [['compiled'], ['auto'], ['compiled', 'interpreter', 'auto']] as const) expect(run(tiers, metered), `${tiers.join('/')}, metered ${metered}`).toEqual(interpreted);
        }
      }),
      { seed: 0x5a9, numRuns: 40 },
    );
    expect(stopsSeen).toBeGreaterThan(400); // several stops a program, not a run that never stops
  });

  it('a frame that is not suspended cannot be snapshotted', () => {
    const runtime = frame(0);
    expect(rwasmErrorOf(() => runtime.snapshot()).code).toBe('InvalidState');
  });

  it('every truncation, bit flip or wrong module is a MalformedSnapshot (or CodeHashMismatch), never a crash', () => {
    const bytes = suspendedSnapshot();
    const cache = new ModuleCache();
    cache.add(system);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), (at, flip, truncate) => {
        const damaged = truncate ? bytes.slice(0, at) : bytes.slice();
        if (!truncate) damaged[at]! ^= flip;
        expect(rwasmErrorOf(() => SystemRuntime.restore(damaged, { cache })).code).toBe('MalformedSnapshot');
      }),
      { seed: 7, numRuns: 300 },
    );
    const other = new RwasmModule({ code: [ins.Return()] });
    expect(rwasmErrorOf(() => SystemRuntime.restore(bytes, { module: other.encode(), cache: new ModuleCache() })).code).toBe('CodeHashMismatch');
    expect(rwasmErrorOf(() => SystemRuntime.restore(bytes, { cache: new ModuleCache() })).code).toBe('ModuleNotCached');
  });

  it('a well-formed snapshot with impossible contents is refused', () => {
    // Re-sealed after editing: the checksum passes, the content checks must not.
    const bytes = suspendedSnapshot();
    const reseal = async (edit: (body: Uint8Array) => void) => {
      const { keccak_256 } = await import('@noble/hashes/sha3.js');
      const body = bytes.slice(0, bytes.length - 32);
      edit(body);
      const out = new Uint8Array(bytes.length);
      out.set(body);
      out.set(keccak_256(body), body.length);
      return out;
    };
    return (async () => {
      const badVersion = await reseal((body) => (body[4] = 9));
      expect(rwasmErrorOf(() => SystemRuntime.restore(badVersion, { module: system })).message).toMatch(/version 9/);
      const badSuspension = await reseal((body) => (body[44] = 7));
      expect(rwasmErrorOf(() => SystemRuntime.restore(badSuspension, { module: system })).code).toBe('MalformedSnapshot');
    })();
  });
});
