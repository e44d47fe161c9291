/**
 * Mutation campaigns: hostile inputs made from real ones, each of which may only end in an
 * outcome or an `RwasmError`, within a second. One case is a pure function of (seed, index), so
 * any case reruns alone.
 * - `rwasm-decode`: mutated rWasm binaries (genesis fixtures, compiled C programs) through decode
 *   with verification.
 * - `wasm-compile`: mutated Wasm binaries (the C programs, the bench and test programs) through
 *   `compileWasm` under each configuration.
 * - `execute`: verified rWasm mutants (instructions replaced at random) of the compiled C
 *   programs, run engine-metered with a fuel limit on a `Machine` on each tier (which must agree
 *   on the outcome and the fuel used) and through a `SystemRuntime`. Engine-metered, because a
 *   mutant may lose the program's own fuel checks (the soak's case 5559: a `BrIfEqz -1` loop with
 *   no ConsumeFuel in it runs forever on a program-metered machine, here as in the reference):
 *   only engine metering bounds raw rWasm that did not come from the compiler.
 * - `snapshot`: snapshots of suspended frames, mutated (with the checksum recomputed, so the
 *   mutation reaches the fields behind it), restored, and resumed with a fuel limit.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  FuelCostTable,
  InstructionSet,
  Machine,
  ModuleCache,
  OPCODE_TABLE,
  RuntimeContext,
  RwasmError,
  RwasmModule,
  SystemRuntime,
  compileWasm,
  exitCodeName,
  parseModule,
  prepareProgram,
  fluentSystemConfig,
  trapName,
  type CompilationConfig,
  type RunOutcome,
} from '../../src/index.js';
import { translationFor } from '../../src/compiled/index.js';
import { repositoryRoot, rwasmFixtures } from '../support/shared.js';

/** What one case came to; `failure` is set when it broke a rule (anything but an RwasmError, too slow, tiers disagreeing). */
export interface CaseOutcome {
  readonly outcome: string;
  readonly failure?: string;
  /** The hostile input, to write out when the case failed. */
  readonly input: Uint8Array;
}

/**
 * No case may take longer (the fuel limits keep runs far below it). Without a JIT everything
 * runs 10-30x slower, and the bound with it.
 */
export const CASE_TIME_LIMIT_MS = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'undefined' ? 30_000 : 1000;

const repoRoot = repositoryRoot();

// ------------------------------------------------------------------ randomness

/** A small deterministic generator (xorshift32) per case. */
export class CaseRandom {
  private state: number;

  constructor(seed: number, index: number) {
    this.state = (Math.imul(seed | 0, 0x2c1b3c6d) ^ Math.imul(index + 1, 0x297a2d39)) >>> 0 || 1;
    for (let i = 0; i < 4; i++) this.next();
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  below(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 1024, 32768, 65536, 100000];

/**
 * 1–4 byte-level edits: flips, interesting words, and (`lengthChanges` of the time) deletions,
 * duplications, truncation.
 */
export function mutateBytes(base: Uint8Array, random: CaseRandom, lengthChanges = 0.5): Uint8Array {
  let bytes = base.slice();
  const edits = 1 + random.below(4);
  for (let e = 0; e < edits; e++) {
    const at = random.below(Math.max(bytes.length, 1));
    const inPlace = random.below(1000) >= lengthChanges * 1000;
    switch (inPlace ? random.below(4) : 4 + random.below(3)) {
      case 0:
      case 1:
        bytes[at] = bytes[at]! ^ (1 << random.below(8));
        break;
      case 2:
        bytes[at] = random.below(256);
        break;
      case 3: {
        const word = random.pick(INTERESTING_U32);
        for (let k = 0; k < 4 && at + k < bytes.length; k++) bytes[at + k] = (word >>> (8 * k)) & 0xff;
        break;
      }
      case 4: {
        const length = 1 + random.below(16);
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + length)]);
        break;
      }
      case 5: {
        const length = 1 + random.below(32);
        const slice = bytes.subarray(at, at + length);
        const out = new Uint8Array(bytes.length + slice.length);
        out.set(bytes.subarray(0, at));
        out.set(slice, at);
        out.set(bytes.subarray(at), at + slice.length);
        bytes = out;
        break;
      }
      default:
        bytes = bytes.slice(0, at);
    }
  }
  return bytes;
}

// ------------------------------------------------------------------ the inputs mutated

const cProgramsDir = join(repoRoot, 'bench', 'programs', 'c');

function wasmFiles(): { name: string; bytes: Uint8Array }[] {
  const dirs = [cProgramsDir, join(repoRoot, 'bench', 'programs'), join(repoRoot, 'test', 'runtime', 'programs')];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.wasm'))
      .sort()
      .map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) })),
  );
}

let compiledPrograms: RwasmModule[] | undefined;
/** The C programs compiled to rWasm (entered at `run(n)`), engine-metered and not. */
function cProgramsAsRwasm(): RwasmModule[] {
  compiledPrograms ??= readdirSync(cProgramsDir)
    .filter((f) => f.endsWith('.wasm'))
    .sort()
    .map((f) => compileWasm(new Uint8Array(readFileSync(join(cProgramsDir, f))), { entrypointName: 'run' }).module);
  return compiledPrograms;
}

/** The first exported function of a Wasm binary (the entry each configuration compiles for). */
function firstExport(bytes: Uint8Array): string | undefined {
  try {
    return parseModule(bytes).exports.find((e) => e.kind === 0)?.name;
  } catch {
    return undefined;
  }
}

function compileConfigs(entry: string | undefined): Record<string, CompilationConfig> {
  const entrypointName = entry ?? 'main';
  return {
    default: { entrypointName },
    fpu: { entrypointName, fpu: true },
    'inline-i64': { entrypointName, codeSnippets: false },
    'no-fuel': { entrypointName, consumeFuel: false },
    'bulk-fuel': { entrypointName, consumeFuelForBulkOps: true, consumeFuelForParamsAndLocals: true },
    // Fluent's system-runtime build, its state router sending state 0 to the entry.
    fluent: { ...fluentSystemConfig(), stateRouter: { states: [[entrypointName, 0]], opcode: fluentSystemConfig().stateRouter!.opcode }, consumeFuel: false },
  };
}

// ------------------------------------------------------------------ running one case

/** The RwasmError code `body` threw, or what it returned; any other exception is a failure. */
function guarded(input: Uint8Array, body: () => string): CaseOutcome {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = body();
  } catch (error) {
    if (error instanceof RwasmError) outcome = `RwasmError:${error.code}`;
    else return { outcome: 'thrown', failure: `not an RwasmError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, input };
  }
  const ms = performance.now() - started;
  if (ms > CASE_TIME_LIMIT_MS) return { outcome, failure: `took ${ms.toFixed(0)} ms (limit ${CASE_TIME_LIMIT_MS})`, input };
  return { outcome, input };
}

const outcomeText = (o: RunOutcome) => (o.status === 'trapped' ? `trapped:${trapName(o.trap)}` : o.status);

export type MutationCampaign = (seed: number, index: number) => CaseOutcome;

let rwasmBases: Uint8Array[] | undefined;
export const decodeCampaign: MutationCampaign = (seed, index) => {
  rwasmBases ??= [...rwasmFixtures().map((f) => f.bytes), ...cProgramsAsRwasm().map((m) => m.encode())];
  const random = new CaseRandom(seed, index);
  const input = mutateBytes(random.pick(rwasmBases), random);
  return guarded(input, () => {
    RwasmModule.decode(input, { verify: true });
    return 'ok';
  });
};

let wasmBases: { name: string; bytes: Uint8Array }[] | undefined;
export const compileCampaign: MutationCampaign = (seed, index) => {
  wasmBases ??= wasmFiles();
  const random = new CaseRandom(seed, index);
  const base = random.pick(wasmBases);
  // Mostly edits in place: a length change usually breaks a LEB128 size, and the section is refused whole.
  const input = mutateBytes(base.bytes, random, 0.15);
  const configs = compileConfigs(firstExport(base.bytes));
  return guarded(input, () => {
    const outcomes: string[] = [];
    for (const config of Object.values(configs)) {
      try {
        compileWasm(input, config);
        outcomes.push('ok');
      } catch (error) {
        if (!(error instanceof RwasmError)) throw error;
        outcomes.push(error.code);
      }
    }
    const distinct = [...new Set(outcomes)];
    return distinct.length === 1 ? `${distinct[0]} (every configuration)` : outcomes.map((o, i) => `${Object.keys(configs)[i]}:${o}`).join(' ');
  });
};

/** Replaces 1–3 instructions of `module` with random (valid-looking) ones; the result may not verify. */
function mutateInstructions(module: RwasmModule, random: CaseRandom): RwasmModule {
  const code = new InstructionSet(module.code.length);
  for (const instr of module.code) code.pushRaw(instr.opcode, instr.imm >>> 0);
  const raw = code.rawView();
  const edits = 1 + random.below(3);
  for (let e = 0; e < edits; e++) {
    const pc = random.below(code.length);
    if (random.below(2) === 0) raw.codes[pc] = random.pick(OPCODE_TABLE)[1];
    // Small immediates most of the time: they pass verification and reach the engines.
    raw.bits[pc] = random.below(3) === 0 ? random.pick(INTERESTING_U32) : random.below(16);
  }
  return new RwasmModule({ code, data: module.data, elem: module.elem, hint: module.hint, sourcePc: module.sourcePc });
}

// Engine metering charges every instruction (1 fuel for most): 100k fuel is about 100k instructions on top of the program's own charges.
const EXECUTE_FUEL = 100_000n;

export const executeCampaign: MutationCampaign = (seed, index) => {
  const random = new CaseRandom(seed, index);
  const mutant = mutateInstructions(random.pick(cProgramsAsRwasm()), random);
  const input = mutant.encode();
  const n = random.below(4);
  return guarded(input, () => {
    const module = RwasmModule.decode(input, { verify: true });
    const runs = (['interpreter', 'compiled'] as const).map((tier) => {
      const program = prepareProgram(module, { ...translationFor(tier), fuelCosts: FuelCostTable.DEFAULT });
      const machine = new Machine(program, { tier, fuelLimit: EXECUTE_FUEL, fuelCosts: FuelCostTable.DEFAULT });
      const init = machine.instantiate();
      const outcome = init.status === 'returned' ? machine.run({ params: [n], resultWords: 1 }) : init;
      const results = outcome.status === 'returned' ? Array.from(outcome.results).join(' ') : '';
      return { kind: outcomeText(outcome), exact: `${outcomeText(outcome)}[${results}] fuel ${machine.fuelConsumed()}` };
    });
    if (runs[0]!.exact !== runs[1]!.exact) throw new Error(`the tiers disagree: interpreter ${runs[0]!.exact}, compiled ${runs[1]!.exact}`);
    const runtime = SystemRuntime.create({ module, cache: new ModuleCache(), consumeFuel: true, context: new RuntimeContext({ fuelLimit: EXECUTE_FUEL }) });
    runtime.execute();
    return runs[0]!.kind;
  });
};

let snapshotBases: { bytes: Uint8Array; module: Uint8Array }[] | undefined;
/** Frames of the C programs stopped out of fuel at a few points, as snapshots. */
function snapshotsToMutate(): { bytes: Uint8Array; module: Uint8Array }[] {
  if (snapshotBases) return snapshotBases;
  snapshotBases = [];
  for (const module of cProgramsAsRwasm().slice(0, 4)) {
    const bytes = module.encode();
    for (const fuelLimit of [5_000n, 40_000n]) {
      const runtime = SystemRuntime.create({ module: bytes, cache: new ModuleCache(), context: new RuntimeContext({ fuelLimit }) });
      runtime.execute();
      try {
        snapshotBases.push({ bytes: runtime.snapshot(), module: bytes });
      } catch (error) {
        if (!(error instanceof RwasmError)) throw error; // the frame did not stop where a snapshot can be taken
      }
    }
  }
  if (snapshotBases.length === 0) throw new Error('no snapshot to mutate');
  return snapshotBases;
}

export const snapshotCampaign: MutationCampaign = (seed, index) => {
  const random = new CaseRandom(seed, index);
  const base = random.pick(snapshotsToMutate());
  const mutated = mutateBytes(base.bytes.subarray(0, base.bytes.length - 32), random);
  // A fresh checksum most of the time, so the mutation reaches the fields behind it.
  const input = new Uint8Array(mutated.length + 32);
  input.set(mutated);
  input.set(random.below(8) === 0 ? base.bytes.subarray(base.bytes.length - 32) : keccak_256(mutated), mutated.length);
  return guarded(input, () => {
    const runtime = SystemRuntime.restore(input, { module: base.module, cache: new ModuleCache() });
    const result = runtime.suspended === 'outOfFuel' ? runtime.refuel(200_000n) : runtime.resume(0, 0n);
    return `restored, then exit ${exitCodeName(result.exitCode) ?? 'other'}`;
  });
};

export const MUTATION_CAMPAIGNS: Readonly<Record<string, MutationCampaign>> = {
  'rwasm-decode': decodeCampaign,
  'wasm-compile': compileCampaign,
  execute: executeCampaign,
  snapshot: snapshotCampaign,
};
