import { RwasmError } from '../errors.js';
import type { ImportLinker } from '../format/import-linker.js';
import { ins, type Instruction } from '../format/instructions.js';
import { SysFuncIdx, fluentImportLinker } from '../format/fluent-syscalls.js';

/** The reference's CompilationConfig, in camelCase. */
export interface CompilationConfig {
  /** Emit ConsumeFuel instructions (fuel metering). Off also turns off the three flags below. */
  consumeFuel?: boolean;
  /** Charge the parameter and local counts at function entry. */
  consumeFuelForParamsAndLocals?: boolean;
  /** Charge memory/table bulk operations dynamically (ConsumeFuelStack). */
  consumeFuelForBulkOps?: boolean;
  /** Charge each import trampoline's syscall fuel (the linker entry's fuel params). */
  builtinsConsumeFuel?: boolean;
  /** i64 arithmetic/comparisons call shared snippet functions; false inlines them. */
  codeSnippets?: boolean;
  /** Cap on initial memory (compile time) and on memory.grow (baked into the code). */
  maxAllowedMemoryPages?: number;
  /** Let the state router route to exports whose type is not () -> (). */
  allowMalformedEntrypointFuncType?: boolean;
  /** Accept a start section and call the start function from the init code. */
  allowStartSection?: boolean;
  /** Accept funcref/externref in imported function types. */
  allowFuncRefFunctionTypes?: boolean;
  /** Accept imported globals, initialised with this value. */
  defaultImportedGlobalValue?: bigint | number;
  /** Exported function tail-called after the init code. */
  entrypointName?: string;
  /** Dispatch on a state word to exported functions: [export name, state][]. */
  stateRouter?: { states: ReadonlyArray<readonly [string, number]>; opcode?: Instruction };
  /** Host functions Wasm imports resolve to. */
  importLinker?: ImportLinker;
  /** The reference's `fpu` build feature: float opcodes instead of Trap(IllegalOpcode). */
  fpu?: boolean;
}

/** A config with every field settled, and the builder's interactions between fuel flags applied. */
export interface ResolvedConfig {
  readonly consumeFuel: boolean;
  readonly consumeFuelForParamsAndLocals: boolean;
  readonly consumeFuelForBulkOps: boolean;
  readonly builtinsConsumeFuel: boolean;
  readonly codeSnippets: boolean;
  readonly maxAllowedMemoryPages: number;
  readonly allowMalformedEntrypointFuncType: boolean;
  readonly allowStartSection: boolean;
  readonly allowFuncRefFunctionTypes: boolean;
  readonly defaultImportedGlobalValue: bigint | undefined;
  readonly entrypointName: string | undefined;
  readonly stateRouter: { states: ReadonlyArray<readonly [string, number]>; opcode: Instruction | undefined } | undefined;
  readonly importLinker: ImportLinker | undefined;
  readonly fpu: boolean;
}

export const DEFAULT_MAX_ALLOWED_MEMORY_PAGES = 1024;

/**
 * What Fluent's genesis system-runtime builds share: the state router `Call(2)` with
 * `deploy` = 1 and `main` = 0, Fluent's syscall linker, 32768 pages, malformed entry types
 * allowed, no bulk-op fuel. Add the fuel settings of a particular build, e.g.
 * `{ ...fluentSystemConfig(), consumeFuel: false }` is the EVM runtime's.
 */
export function fluentSystemConfig(): CompilationConfig {
  return {
    stateRouter: { states: [['deploy', 1], ['main', 0]], opcode: ins.Call(SysFuncIdx.STATE) },
    importLinker: fluentImportLinker(),
    maxAllowedMemoryPages: 32768,
    allowMalformedEntrypointFuncType: true,
    consumeFuelForBulkOps: false,
  };
}

export function resolveConfig(config: CompilationConfig = {}): ResolvedConfig {
  const consumeFuel = config.consumeFuel ?? true;
  const pages = config.maxAllowedMemoryPages ?? DEFAULT_MAX_ALLOWED_MEMORY_PAGES;
  if (!Number.isInteger(pages) || pages < 0 || pages > 0xffffffff) {
    throw new RwasmError('InvalidArgument', `maxAllowedMemoryPages ${pages} is not a u32`);
  }
  let globalValue: bigint | undefined;
  if (config.defaultImportedGlobalValue !== undefined) {
    globalValue = BigInt.asIntN(64, BigInt(config.defaultImportedGlobalValue));
    if (globalValue !== BigInt(config.defaultImportedGlobalValue)) {
      throw new RwasmError('InvalidArgument', `defaultImportedGlobalValue ${config.defaultImportedGlobalValue} is not an i64`);
    }
  }
  for (const [name, state] of config.stateRouter?.states ?? []) {
    if (typeof name !== 'string' || !Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new RwasmError('InvalidArgument', `state router entry [${String(name)}, ${state}] is not [name, u32]`);
    }
  }
  return {
    consumeFuel,
    // The reference's builder turns these off with consume_fuel, and bulk-op metering only
    // ever applies together with it.
    consumeFuelForParamsAndLocals: consumeFuel && (config.consumeFuelForParamsAndLocals ?? true),
    consumeFuelForBulkOps: consumeFuel && (config.consumeFuelForBulkOps ?? true),
    builtinsConsumeFuel: consumeFuel && (config.builtinsConsumeFuel ?? false),
    codeSnippets: config.codeSnippets ?? true,
    maxAllowedMemoryPages: pages,
    allowMalformedEntrypointFuncType: config.allowMalformedEntrypointFuncType ?? false,
    allowStartSection: config.allowStartSection ?? false,
    allowFuncRefFunctionTypes: config.allowFuncRefFunctionTypes ?? false,
    defaultImportedGlobalValue: globalValue,
    entrypointName: config.entrypointName,
    stateRouter: config.stateRouter && { states: config.stateRouter.states, opcode: config.stateRouter.opcode },
    importLinker: config.importLinker,
    fpu: config.fpu ?? false,
  };
}
