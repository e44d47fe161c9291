/**
 * Work per unit of fuel, for the instructions whose work is not a fixed amount: memory.grow,
 * the bulk memory and table operations, table.grow, br_table over a huge table, and a function
 * entry that zeroes many locals. Each case is a Wasm program whose run(n) repeats the
 * instruction n times; the figure is wall time over the fuel the run consumed, under three
 * meterings: the compiler's fuel without bulk-op charges (Fluent's system runtimes), with them,
 * and engine metering (FuelCostTable.DEFAULT, no program fuel). An ordinary i32 loop is the
 * yardstick.
 */
import { FuelCostTable, Machine, compileWasm, prepareProgram, type CompilationConfig, type Program } from '../../src/index.js';
import { loadWabt, watToWasm } from '../../test/differential/harness.js';

export interface LimitCase {
  readonly name: string;
  /** What one repetition does. */
  readonly work: string;
  readonly wat: string;
  /** Repetitions per run. */
  readonly n: number;
  /** Each run on a new instance (the instruction changes what the next one could do). */
  readonly fresh?: boolean;
}

export interface Metering {
  readonly name: string;
  readonly compile: CompilationConfig;
  readonly fuelCosts?: FuelCostTable;
}

export interface LimitFigure {
  readonly limitCase: LimitCase;
  readonly metering: Metering;
  readonly medianMs: number;
  readonly fuel: bigint;
  readonly nsPerFuel: number;
}

const MIB = 1 << 20;
/** Fluent's cap (2 GiB), as its system runtimes are compiled. */
const MAX_ALLOWED_MEMORY_PAGES = 32768;
const FULL_MEMORY_PAGES = 1024; // the default cap: 64 MiB

const loop = (body: string) => `
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ${body}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))`;

const BR_TABLE_TARGETS = 60_000;
/** Near the value stack's 8192 words (the compiler would accept 50000, which overflow it). */
const MANY_LOCALS = 8000;

export const LIMIT_CASES: readonly LimitCase[] = [
  {
    name: 'i32 arithmetic (yardstick)',
    work: 'a loop iteration of i32 work',
    wat: `(module (global $g (mut i32) (i32.const 0)) ${loop('(global.set $g (i32.xor (i32.mul (global.get $g) (i32.const 31)) (local.get $i)))')})`,
    n: 1_000_000,
  },
  {
    name: 'memory.grow by 1 page',
    work: '1024 grows from 0 to 64 MiB',
    wat: `(module (memory 0) ${loop('(drop (memory.grow (i32.const 1)))')})`,
    n: FULL_MEMORY_PAGES,
    fresh: true,
  },
  {
    name: 'memory.grow by 1024 pages',
    work: 'one grow from 0 to 64 MiB',
    wat: `(module (memory 0) ${loop(`(drop (memory.grow (i32.const ${FULL_MEMORY_PAGES})))`)})`,
    n: 1,
    fresh: true,
  },
  {
    name: 'memory.grow by 1 page past 1 GiB',
    work: '1024 grows from 16384 pages (1 GiB) on, towards the 2 GiB cap',
    wat: `(module (memory ${MAX_ALLOWED_MEMORY_PAGES / 2}) ${loop('(drop (memory.grow (i32.const 1)))')})`,
    n: FULL_MEMORY_PAGES,
    fresh: true,
  },
  {
    name: 'memory.fill',
    work: 'fill 64 MiB',
    wat: `(module (memory ${FULL_MEMORY_PAGES}) ${loop(`(memory.fill (i32.const 0) (local.get $i) (i32.const ${64 * MIB}))`)})`,
    n: 8,
  },
  {
    name: 'memory.copy',
    work: 'copy 32 MiB within memory',
    wat: `(module (memory ${FULL_MEMORY_PAGES}) ${loop(`(memory.copy (i32.const 0) (i32.const ${32 * MIB}) (i32.const ${32 * MIB}))`)})`,
    n: 8,
  },
  {
    name: 'memory.init',
    work: 'copy a 64 KiB passive segment',
    wat: `(module (memory 1) (data $seg "${'\\2a'.repeat(65536)}") ${loop('(memory.init $seg (i32.const 0) (i32.const 0) (i32.const 65536))')})`,
    n: 256,
  },
  {
    name: 'table.grow by 1024',
    work: 'one grow of a table from 0 to its 1024-entry cap',
    wat: `(module (table 0 funcref) ${loop('(drop (table.grow (ref.null func) (i32.const 1024)))')})`,
    n: 1,
    fresh: true,
  },
  {
    name: 'table.fill',
    work: 'fill a 1024-entry table',
    wat: `(module (table 1024 funcref) (func $f) (elem declare func $f) ${loop('(table.fill (i32.const 0) (ref.func $f) (i32.const 1024))')})`,
    n: 4096,
  },
  {
    name: 'table.copy',
    work: 'copy 512 table entries',
    wat: `(module (table 1024 funcref) ${loop('(table.copy (i32.const 0) (i32.const 512) (i32.const 512))')})`,
    n: 4096,
  },
  {
    name: `br_table over ${BR_TABLE_TARGETS} targets`,
    work: 'one br_table to a varying target',
    wat: `(module ${loop(`(block $out (br_table ${'$out '.repeat(BR_TABLE_TARGETS)}$out (i32.and (local.get $i) (i32.const 0xffff))))`)})`,
    n: 200_000,
  },
  {
    name: `call of a function with ${MANY_LOCALS} locals`,
    work: 'a call that zeroes its locals',
    wat: `(module (func $wide (local ${'i32 '.repeat(MANY_LOCALS)})) ${loop('(call $wide)')})`,
    n: 2000,
  },
];

export const METERINGS: readonly Metering[] = [
  { name: 'program fuel, bulk ops uncharged (Fluent system runtimes)', compile: { consumeFuel: true, consumeFuelForBulkOps: false } },
  { name: 'program fuel with bulk-op charges', compile: { consumeFuel: true, consumeFuelForBulkOps: true } },
  { name: 'engine metering (FuelCostTable.DEFAULT)', compile: { consumeFuel: false }, fuelCosts: FuelCostTable.DEFAULT },
];

function programFor(wasm: Uint8Array, metering: Metering): Program {
  const { module } = compileWasm(wasm, { entrypointName: 'run', maxAllowedMemoryPages: MAX_ALLOWED_MEMORY_PAGES, ...metering.compile });
  return prepareProgram(module, { fuelCosts: metering.fuelCosts });
}

/** A new instance of a prepared program (whose code the first run has lowered, so later runs time only the work). */
function machineFor(program: Program, metering: Metering): Machine {
  const machine = new Machine(program, { fuelLimit: 1n << 62n, fuelCosts: metering.fuelCosts, maxMemoryPages: MAX_ALLOWED_MEMORY_PAGES });
  const init = machine.instantiate();
  if (init.status !== 'returned') throw new Error(`instantiation ${init.status}`);
  return machine;
}

function timedRun(machine: Machine, n: number): { ms: number; fuel: bigint } {
  const before = machine.fuelConsumed();
  const start = performance.now();
  const outcome = machine.run({ params: [n], resultWords: 1 });
  const ms = performance.now() - start;
  if (outcome.status !== 'returned' || outcome.results[0] !== n) throw new Error(`run(${n}): ${outcome.status}`);
  return { ms, fuel: machine.fuelConsumed() - before };
}

export async function measureLimits(quick: boolean): Promise<LimitFigure[]> {
  const wabt = await loadWabt();
  const runs = quick ? 3 : 7;
  const figures: LimitFigure[] = [];
  for (const limitCase of LIMIT_CASES) {
    const wasm = watToWasm(wabt, limitCase.wat);
    for (const metering of METERINGS) {
      const program = programFor(wasm, metering);
      let machine = machineFor(program, metering);
      const samples: Array<{ ms: number; fuel: bigint }> = [];
      for (let run = 0; run <= runs; run++) {
        if (limitCase.fresh && run > 0) machine = machineFor(program, metering);
        const sample = timedRun(machine, limitCase.n);
        if (run > 0) samples.push(sample); // the first run warms up
      }
      samples.sort((a, b) => a.ms - b.ms);
      const { ms, fuel } = samples[samples.length >> 1]!;
      figures.push({ limitCase, metering, medianMs: ms, fuel, nsPerFuel: (ms * 1e6) / Number(fuel) });
    }
  }
  return figures;
}

/** One row per case: its work, and ns per fuel under each metering. */
export function limitRows(figures: readonly LimitFigure[]): Array<Record<string, string>> {
  return LIMIT_CASES.map((limitCase) => {
    const row: Record<string, string> = { instruction: limitCase.name, 'one repetition': limitCase.work };
    for (const f of figures.filter((x) => x.limitCase === limitCase)) {
      row[f.metering.name] = `${formatNs(f.nsPerFuel)} ns/fuel (${(f.medianMs / limitCase.n).toPrecision(3)} ms for ${f.fuel / BigInt(limitCase.n)} fuel)`;
    }
    return row;
  });
}

const formatNs = (ns: number) => (ns >= 100 ? ns.toFixed(0) : ns.toPrecision(3));
