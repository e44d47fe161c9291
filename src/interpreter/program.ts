/**
 * A module made ready to run: what both engines read (the module's code as decoded, dense
 * global slots, the cost of every opcode when the engine meters) and the block engine's
 * prepared code, which grows unit by unit as control first reaches each one. So start-up costs
 * what runs, not the module's size, and every machine, instance and restored snapshot of the
 * module shares what was prepared (programs are memoised per module and options, and the module
 * cache keeps them with its entry).
 */
import { RwasmError } from '../errors.js';
import type { RwasmModule } from '../format/module.js';
import { OPCODE_TABLE } from '../format/opcodes.js';
import type { FuelCostTable } from './fuel-costs.js';
import { Op } from './engine.js';
import { STACK_LIMIT } from './execution.js';
import { LazyUnit, type BlockEntry } from './lazy-unit.js';
import { PreparedCode } from './prepared-code.js';
import { listPreparedCode } from './prepared-listing.js';
import { snippetAt, type Snippet } from './snippets.js';
import { findUnit } from './units.js';
import type { ChainTranslator, CompiledCode } from './compiled-code.js';
import { Translation } from './translation.js';

const NO_CODE: readonly CompiledCode[] = [];
/**
 * Code no prepared unit covers runs on the stepper until control has reached its entry (a
 * function entry, a loop header, a return address) this many times: preparing a unit costs far
 * more than stepping it once, and a cold process spends most of its start-up on code that runs
 * once (the EVM runtime's first frame steps ~3,000 instructions of units 13,000 long).
 */
const WARM_ARRIVALS = 2;
let warmArrivals = WARM_ARRIVALS;
/**
 * Until control has arrived this many times anywhere in a program, code is prepared only where
 * it has arrived HOT_ARRIVALS times (a loop going round that often): the first code a process
 * prepares pays for V8 compiling the lowering itself (15 ms for the EVM runtime's first frame,
 * three times what stepping that frame takes), so a short first run is left to the stepper.
 */
const COLD_ARRIVALS = 1024;
const HOT_ARRIVALS = 255;

let coldArrivals = COLD_ARRIVALS;

/**
 * For the tests: after how many arrivals programs prepared from now on prepare uncovered code,
 * from the first arrival on (1: at once, so the block engine runs everything); undefined: the
 * default (WARM_ARRIVALS, after the cold phase of COLD_ARRIVALS).
 */
export function setWarmArrivals(arrivals: number | undefined): void {
  warmArrivals = arrivals === undefined ? WARM_ARRIVALS : Math.max(1, Math.min(HOT_ARRIVALS, Math.floor(arrivals)));
  coldArrivals = arrivals === undefined ? COLD_ARRIVALS : 0;
}
/** A hot unit of up to this many instructions is lowered whole before it is translated (a larger one: what ran so far). */
const WHOLE_UNIT_INSTRUCTIONS = 400;

export interface PrepareOptions {
  /** Execute FPU opcodes; when false (the reference's default build) they trap IllegalOpcode. */
  fpu?: boolean;
  /** Engine metering: charge every executed instruction its cost from this table. */
  fuelCosts?: FuelCostTable | undefined;
  /** Every instruction calls the machine's trace hook: such programs run on the stepper alone. */
  trace?: boolean;
  /** The compiled tier: chains of prepared code are translated to JavaScript. */
  translator?: ChainTranslator | undefined;
  /** With a translator: each chain as it is laid out (true), or once it has run often (default: loops after HOT_ENTRIES passes, functions later). */
  translateEagerly?: boolean;
}

const MAX_OPCODE = Math.max(...OPCODE_TABLE.map(([, code]) => code));

export class Program {
  readonly module: RwasmModule;
  readonly codes: Uint16Array;
  readonly bits: Uint32Array;
  readonly codeLength: number;
  readonly data: Uint8Array;
  readonly elem: Int32Array;
  readonly fpu: boolean;
  readonly traced: boolean;
  readonly fuelCosts: FuelCostTable | undefined;
  /** Engine cost by wire code, when the engine meters. */
  readonly costByCode: Uint32Array | undefined;
  /** Dense slot of each rWasm global index the program names, and the reverse. */
  readonly slotOfGlobal: ReadonlyMap<number, number>;
  readonly globalIndexOfSlot: Uint32Array;
  /** Block-engine entry ip of each pc that calls and returns enter (its range check just before it); -1 when none yet. */
  readonly ipOfPc: Int32Array;
  private readonly prepared = new PreparedCode();
  /** Blocks lowered so far, by their first pc. */
  private readonly entries = new Map<number, BlockEntry>();
  /** Every block of the units found so far (lowered or not), by its first pc: its unit (1-based; 0: none) and index there. */
  private unitOfPc: Int32Array | undefined;
  private blockIndexOfPc: Int32Array | undefined;
  private readonly units: LazyUnit[] = [];
  private readonly stubs: Array<{ readonly unit: LazyUnit; readonly index: number }> = [];
  /** 1 for every pc of a prepared unit. */
  private readonly covered: Uint8Array;
  /** How often control reached each uncovered entry pc (allocated on first use). */
  private arrivals: Uint8Array | undefined;
  /** Arrivals that make uncovered code worth preparing (1 for the eagerly compiled tier: it translates everything that runs). */
  private readonly warmArrivals: number;
  /** Arrivals counted so far, and how many make the program warm (see COLD_ARRIVALS). */
  private arrivalsSeen = 0;
  private readonly coldArrivals = coldArrivals;
  private readonly snippets = new Map<number, Snippet | undefined>();
  private preparedUnits = 0;
  private preparedInstructions = 0;
  private readonly costOf: ((pc: number) => number) | undefined;
  private readonly growthListeners: Array<() => void> = [];
  /** The compiled tier's chains and functions (none on the interpreter tier). */
  private readonly translation: Translation | undefined;

  constructor(module: RwasmModule, options: PrepareOptions = {}) {
    const { codes, bits, length } = module.code.rawView();
    this.module = module;
    this.codes = codes;
    this.bits = bits;
    this.codeLength = length;
    this.data = module.data;
    this.elem = new Int32Array(module.elem.buffer, module.elem.byteOffset, module.elem.length);
    this.fpu = options.fpu ?? false;
    this.traced = options.trace ?? false;
    this.fuelCosts = options.fuelCosts;
    this.ipOfPc = new Int32Array(length + 1).fill(-1);
    this.translation = !this.traced && options.translator ? new Translation(this.prepared, this.ipOfPc, options.translator, options.translateEagerly ?? false) : undefined;
    if (this.fuelCosts) {
      const costs = new Uint32Array(MAX_OPCODE + 1);
      for (const [, code] of OPCODE_TABLE) costs[code] = this.fuelCosts.costOf(code);
      this.costByCode = costs;
      this.costOf = (pc) => costs[codes[pc]!]!;
    }
    const globals = globalSlots(module);
    this.slotOfGlobal = globals.slotOfGlobal;
    this.globalIndexOfSlot = globals.globalIndexOfSlot;
    this.covered = new Uint8Array(length + 1);
    this.warmArrivals = options.translateEagerly === true && this.translation !== undefined ? 1 : warmArrivals;
  }

  /** Scratch for finding units (allocated on first use: traced programs never need it). */
  private marks: Uint8Array | undefined;

  get code(): Int32Array {
    return this.prepared.code;
  }

  get pcOfIp(): Int32Array {
    return this.prepared.pcOfIp;
  }

  /** The prepared code so far, one op per line (for debugging and the sequence statistics). */
  listing(): string {
    return listPreparedCode(this.prepared);
  }

  /** Chains are translated to JavaScript as they are laid out. */
  get compiledTier(): boolean {
    return this.translation !== undefined;
  }

  /** The compiled tier's functions, by the index their Compiled ops carry. */
  get compiled(): readonly CompiledCode[] {
    return this.translation?.compiled ?? NO_CODE;
  }

  /** The compiled tier's work so far: functions made, translations tried and the milliseconds they took. */
  get translationStats(): { readonly functions: number; readonly attempts: number; readonly milliseconds: number } {
    const t = this.translation;
    return { functions: t?.compiled.length ?? 0, attempts: t?.attempts ?? 0, milliseconds: t?.milliseconds ?? 0 };
  }

  /**
   * Called by a block's Compiled op that counted down: translates its unit (a small one lowered
   * whole first) or the part of it around the op; false when the op got no compiled code. The
   * code may move.
   */
  translateAt(ip: number): boolean {
    const translation = this.translation;
    if (!translation) return false;
    const unit = this.unitOfPc?.[this.pcOfIp[ip]!] ?? 0;
    const lazy = unit > 0 ? this.units[unit - 1]! : undefined;
    if (!lazy) return translation.translateAt(ip);
    const whole = lazy.unit.end - lazy.unit.entry <= WHOLE_UNIT_INSTRUCTIONS;
    if (whole) lazy.lowerAll();
    return translation.translateUnit(lazy.chains, ip, whole);
  }

  /** Engine metering is on. */
  get metered(): boolean {
    return this.fuelCosts !== undefined;
  }

  /** Estimated bytes held by the prepared code and its tables. */
  get bytes(): number {
    const perPc = this.ipOfPc.byteLength + this.covered.byteLength + (this.arrivals?.byteLength ?? 0) + (this.marks ? this.marks.byteLength + 8 * (this.codeLength + 1) : 0);
    return this.prepared.bytes + perPc + this.entries.size * 48;
  }

  /** Units found and rWasm instructions in them, and blocks lowered so far. */
  get preparation(): { readonly units: number; readonly instructions: number; readonly blocks: number } {
    return { units: this.preparedUnits, instructions: this.preparedInstructions, blocks: this.entries.size };
  }

  /** Calls `listener` whenever more of the program has been prepared (the module cache accounts for it). */
  onGrow(listener: () => void): void {
    this.growthListeners.push(listener);
  }

  /** The i64 snippet a CallInternal at `pc` runs natively (plain programs only). */
  nativeCall(pc: number): Snippet | undefined {
    if (this.fuelCosts || this.traced) return undefined;
    const target = this.bits[pc]!;
    if (!this.snippets.has(target)) this.snippets.set(target, snippetAt(this.codes, this.bits, this.codeLength, target));
    return this.snippets.get(target);
  }

  /** Whether `pc` lies in a prepared unit. */
  covers(pc: number): boolean {
    return this.covered[pc] === 1;
  }

  /**
   * Control arrives at `pc` (a call, a return, a loop's back edge, the start of a run): whether
   * the block engine should take it, preparing it if needed (else the stepper runs on, and
   * counts the arrival).
   */
  arrive(pc: number): boolean {
    if (this.covered[pc] === 1 || this.warmArrivals === 1) return true;
    const arrivals = (this.arrivals ??= new Uint8Array(this.codeLength + 1));
    const count = arrivals[pc]! + 1;
    if (count >= this.warmArrivals && (count >= HOT_ARRIVALS || this.arrivalsSeen >= this.coldArrivals)) return true;
    arrivals[pc] = count;
    this.arrivalsSeen++;
    return false;
  }

  /** Whether the block engine has `pc` as a block start (it can continue there). */
  canEnter(pc: number): boolean {
    return this.unitOfPc !== undefined && this.unitOfPc[pc]! > 0;
  }

  /**
   * The block starting at `pc`, lowering it (and finding the unit entered there, when no known
   * unit has a block starting at `pc`) if needed; undefined for traced programs and pcs outside
   * the code.
   */
  entryAt(pc: number): BlockEntry | undefined {
    if (this.traced || pc < 0 || pc >= this.codeLength) return undefined;
    const known = this.entries.get(pc);
    if (known) return known;
    this.lowerBlockAt(pc);
    return this.entries.get(pc);
  }

  /**
   * The ip where calls and returns enter `pc` (the two words before it hold the range check of
   * its region), preparing what is missing: the unit entered there, the block, or for a block in
   * the middle of a region an entry that moves to it. -1 when `pc` is code not worth preparing
   * yet (the arrival is counted: see `arrive`), or no code at all (the stepper reports it).
   */
  prepareEntry(pc: number): number {
    if (pc < 0 || pc >= this.codeLength) return -1;
    const known = this.ipOfPc[pc]!;
    if (known >= 0) return known;
    if (this.traced) throw new RwasmError('InvalidState', 'a traced program runs on the stepper only');
    if (!this.arrive(pc)) return -1;
    const ip = this.lowerBlockAt(pc);
    if (this.ipOfPc[pc]! >= 0) return this.ipOfPc[pc]!;
    // Into the middle of a region: a range check that always passes, then the real one. The
    // offset and region are those of the block just lowered (the unit lowerBlockAt took), not
    // of whichever unit lowered a block at this pc first: units overlap, and their regions differ.
    const lazy = this.units[this.unitOfPc![pc]! - 1]!;
    const block = lazy.unit.blocks[this.blockIndexOfPc![pc]!]!;
    const region = lazy.unit.regions[block.region]!;
    this.prepared.header(0, STACK_LIMIT);
    const at = this.prepared.emit(Op.JumpRebase, pc, ip, -block.offset, region.lo, region.limit, block.offset, pc);
    this.ipOfPc[pc] = at;
    return at;
  }

  /** Lowers the block a Lazy op's stub names and returns its ip. */
  lowerStub(stub: number): number {
    const { unit, index } = this.stubs[stub]!;
    return unit.lower(index);
  }

  /** Lowers the block starting at `pc` (finding the unit entered there if no known block starts at it); its ip. */
  private lowerBlockAt(pc: number): number {
    const unit = this.unitOfPc?.[pc] ?? 0;
    if (unit > 0) return this.units[unit - 1]!.lower(this.blockIndexOfPc![pc]!);
    return this.findUnitAt(pc).lower(0);
  }

  private findUnitAt(entry: number): LazyUnit {
    if (!this.marks) {
      this.marks = new Uint8Array(this.codeLength + 1);
      this.unitOfPc = new Int32Array(this.codeLength + 1);
      this.blockIndexOfPc = new Int32Array(this.codeLength + 1);
    }
    const source = { codes: this.codes, bits: this.bits, codeLength: this.codeLength, fpu: this.fpu, slotOfGlobal: this.slotOfGlobal, nativeCall: (pc: number) => this.nativeCall(pc), costOf: this.costOf };
    const unit = findUnit(source, entry, this.marks);
    const lazy: LazyUnit = new LazyUnit(
      source,
      unit,
      this.prepared,
      (block, headed) => {
        if (!this.entries.has(block.start)) this.entries.set(block.start, block);
        if (headed && this.ipOfPc[block.start]! < 0) this.ipOfPc[block.start] = block.ip;
      },
      (index) => this.stubs.push({ unit: lazy, index }) - 1,
      this.translation ? (first, end) => this.translation!.chainLaidOut(first, end) : undefined,
      this.translation?.countdown,
      this.translation !== undefined && !this.translation.eager,
    );
    this.units.push(lazy);
    const unitOfPc = this.unitOfPc!;
    const blockIndexOfPc = this.blockIndexOfPc!;
    for (const block of unit.blocks) {
      if (unitOfPc[block.start] !== 0) continue; // the first unit to have a block there keeps it
      unitOfPc[block.start] = this.units.length;
      blockIndexOfPc[block.start] = block.index;
    }
    this.covered.fill(1, unit.entry, unit.end);
    this.preparedUnits++;
    this.preparedInstructions += unit.end - unit.entry;
    for (const listener of this.growthListeners) listener();
    return lazy;
  }
}

interface GlobalSlots {
  readonly slotOfGlobal: ReadonlyMap<number, number>;
  readonly globalIndexOfSlot: Uint32Array;
}
const globalSlotsOfModule = new WeakMap<RwasmModule, GlobalSlots>();

/** Dense slots for the global indices a module's code names (shared by all its programs). */
function globalSlots(module: RwasmModule): GlobalSlots {
  let known = globalSlotsOfModule.get(module);
  if (!known) {
    const globalIndexOfSlot = module.globalIndices();
    const slotOfGlobal = new Map<number, number>();
    globalIndexOfSlot.forEach((index, slot) => slotOfGlobal.set(index, slot));
    globalSlotsOfModule.set(module, (known = { slotOfGlobal, globalIndexOfSlot }));
  }
  return known;
}

const programs = new WeakMap<RwasmModule, Map<string, Program>>();
const costTableIds = new WeakMap<FuelCostTable, number>();
let nextCostTableId = 1;

/** Prepares (memoised per module and options) a verified module for execution. */
export function prepareProgram(module: RwasmModule, options: PrepareOptions = {}): Program {
  const costs = options.fuelCosts;
  let costsId = 0;
  if (costs) {
    costsId = costTableIds.get(costs) ?? 0;
    if (costsId === 0) costTableIds.set(costs, (costsId = nextCostTableId++));
  }
  const tier = options.translator && !options.trace ? (options.translateEagerly ? 2 : 1) : 0;
  const key = `${options.fpu ? 1 : 0}${options.trace ? 1 : 0}${tier}:${costsId}:${warmArrivals}:${coldArrivals}`;
  let variants = programs.get(module);
  if (!variants) {
    module.verify();
    programs.set(module, (variants = new Map()));
  }
  let program = variants.get(key);
  if (!program) variants.set(key, (program = new Program(module, options)));
  return program;
}
