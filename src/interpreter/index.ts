export { Machine, type MachineOptions, type RunOptions, type RunOutcome } from './machine.js';
export { HostCall, Trap, bindHostFunctions, type HostFunction, type HostHandler } from './host.js';
export { prepareProgram, pcOfIp, type Program, type PrepareOptions } from './prepare.js';
export { STACK_LIMIT, MAX_CALL_DEPTH } from './execute.js';
export { PAGE_SIZE, MAX_ALLOWED_MEMORY_PAGES, DEFAULT_MAX_MEMORY_PAGES, MAX_TABLE_SIZE } from './store.js';
