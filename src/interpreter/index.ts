export { Machine, coverageIndex, type MachineOptions, type RunOptions, type RunOutcome, type TraceEvent, type TraceHook, type ExecutionState } from './machine.js';
export { HostCall, Trap, bindHostFunctions, type HostFunction, type HostHandler } from './host.js';
export { Program, prepareProgram, type PrepareOptions } from './program.js';
export { FuelCostTable, MAX_INSTRUCTION_COST } from './fuel-costs.js';
export { Store, FuelMeter, LinearMemory, Table, DropFlags } from './store.js';
export { STACK_LIMIT, MAX_CALL_DEPTH } from './execution.js';
export { PAGE_SIZE, MAX_ALLOWED_MEMORY_PAGES, DEFAULT_MAX_MEMORY_PAGES, MAX_TABLE_SIZE } from './store.js';
