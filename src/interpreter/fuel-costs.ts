/**
 * Engine metering: the fuel each executed rWasm instruction costs when the engine (not the
 * program's own `ConsumeFuel` instructions) meters a run.
 *
 * The default table applies the reference's fuel policy (rwasm-fuel-policy `FuelCosts`, the
 * costs its compiler sums into `ConsumeFuel` blocks) to rWasm opcodes: locals, constants,
 * branches and arithmetic cost BASE; globals, memory-management and table instructions cost
 * ENTITY; loads and stores cost LOAD/STORE; every kind of call costs CALL; bookkeeping the
 * compiler adds (Drop, Return, StackCheck, SignatureCheck, BulkConst/BulkDrop, the fuel
 * instructions themselves) and traps cost nothing.
 */
import { RwasmError } from '../errors.js';
import { FUEL_BASE, FUEL_CALL, FUEL_ENTITY, FUEL_LOAD, FUEL_STORE } from '../format/fuel-policy.js';
import { OPCODE_TABLE, opcodeIndex, type OpcodeName } from '../format/opcodes.js';

/** Largest cost one instruction may have (so a basic block's sum stays exact and small). */
export const MAX_INSTRUCTION_COST = 1 << 20;

const FREE = new Set<OpcodeName>([
  'Unreachable',
  'Trap',
  'Return',
  'Drop',
  'BulkConst',
  'BulkDrop',
  'StackCheck',
  'SignatureCheck',
  'ConsumeFuel',
  'ConsumeFuelStack',
]);
const ENTITY = new Set<OpcodeName>([
  'GlobalGet',
  'GlobalSet',
  'MemorySize',
  'MemoryGrow',
  'MemoryFill',
  'MemoryCopy',
  'MemoryInit',
  'DataDrop',
  'TableSize',
  'TableGrow',
  'TableFill',
  'TableGet',
  'TableSet',
  'TableCopy',
  'TableInit',
  'ElemDrop',
]);
const CALLS = new Set<OpcodeName>(['CallInternal', 'Call', 'CallIndirect', 'ReturnCallInternal', 'ReturnCall', 'ReturnCallIndirect']);
const LOADS = new Set<OpcodeName>(['I32Load', 'I32Load8S', 'I32Load8U', 'I32Load16S', 'I32Load16U', 'F32Load', 'F64Load']);
const STORES = new Set<OpcodeName>(['I32Store', 'I32Store8', 'I32Store16', 'F32Store', 'F64Store']);

function defaultCost(name: OpcodeName): number {
  if (FREE.has(name)) return 0;
  if (ENTITY.has(name)) return FUEL_ENTITY;
  if (CALLS.has(name)) return FUEL_CALL;
  if (LOADS.has(name)) return FUEL_LOAD;
  if (STORES.has(name)) return FUEL_STORE;
  return FUEL_BASE;
}

/**
 * An immutable per-opcode cost table. Programs prepared with the same table object share
 * their prepared code, so build a table once and reuse it.
 *
 * ```ts
 * const costs = FuelCostTable.DEFAULT.with({ CallInternal: 25, I32Mul: 3 });
 * ```
 */
export class FuelCostTable {
  /** The reference's fuel policy applied per rWasm opcode. */
  static readonly DEFAULT = new FuelCostTable(Uint32Array.from(OPCODE_TABLE, ([name]) => defaultCost(name)));

  private constructor(private readonly costs: Uint32Array) {}

  /** A table from this one with some costs replaced. */
  with(overrides: Readonly<Partial<Record<OpcodeName, number>>>): FuelCostTable {
    const costs = this.costs.slice();
    for (const [name, cost] of Object.entries(overrides)) {
      const index = OPCODE_TABLE.findIndex(([n]) => n === name);
      if (index < 0) throw new RwasmError('InvalidArgument', `fuel costs: "${name}" is not an rWasm opcode`);
      costs[index] = checkCost(name, cost);
    }
    return new FuelCostTable(costs);
  }

  /** A table from one cost per opcode, in `OPCODE_TABLE` order (the inverse of `toArray`). */
  static fromArray(values: ArrayLike<number>): FuelCostTable {
    if (values.length !== OPCODE_TABLE.length) {
      throw new RwasmError('InvalidArgument', `fuel costs: expected ${OPCODE_TABLE.length} costs, got ${values.length}`);
    }
    return new FuelCostTable(Uint32Array.from(OPCODE_TABLE, ([name], i) => checkCost(name, values[i])));
  }

  /** The cost of the opcode with wire code `code`. */
  costOf(code: number): number {
    return this.costs[opcodeIndex(code)]!;
  }

  toArray(): number[] {
    return Array.from(this.costs);
  }

  /** True when both tables charge the same for every opcode. */
  equals(other: FuelCostTable): boolean {
    return this.costs.every((cost, i) => cost === other.costs[i]);
  }
}

function checkCost(name: string, cost: unknown): number {
  if (typeof cost !== 'number' || !Number.isInteger(cost) || cost < 0 || cost > MAX_INSTRUCTION_COST) {
    throw new RwasmError('InvalidArgument', `fuel costs: ${name} must cost an integer in 0..${MAX_INSTRUCTION_COST}, got ${String(cost)}`);
  }
  return cost;
}

