/**
 * How Fluent runs an engine-metered system runtime (the Universal Token, Wasm, Nitro, OAuth2 and
 * WebAuthn runtimes: crates/types genesis.rs ENGINE_METERED_PRECOMPILES). Its `.bin` code section
 * is not what runs: fluentbase's SystemRuntime compiles the module's hint section (the original
 * Wasm) again with `system_runtime_compilation_config(consume_fuel = true)`
 * (crates/runtime/src/runtime/system_runtime.rs, `SystemRuntime::new`; consume_fuel from
 * crates/runtime/src/executor.rs `is_engine_metered_precompile`), and the frame's fuel is what
 * that code's own ConsumeFuel instructions take from the store. That config charges per Wasm
 * operator only: no fuel for bulk operations, for parameters and locals, or for builtins, while
 * the genesis `.bin` of the Universal Token was built with the last two (it reproduces with
 * locals and builtins fuel on), so running the `.bin` overcharges. Replaying testnet tx
 * 0x5250b76c settles it: this way the gas is the chain's to the unit.
 */
import { RwasmError } from '../errors.js';
import { compileWasm } from '../compiler/compile.js';
import { fluentSystemConfig } from '../compiler/config.js';
import { codeHashHex } from '../format/code-hash.js';
import { RwasmModule } from '../format/module.js';
import { OPCODE_TABLE } from '../format/opcodes.js';
import { FuelCostTable } from '../interpreter/fuel-costs.js';
import { codeHashBytes, defaultModuleCache, normalizeCodeHash, type ModuleCache } from '../runtime/module-cache.js';

/**
 * The engine's own per-instruction costs for such a frame: none. The compiled code carries its
 * metering; engine metering is still switched on so that the frame reports the store's fuel use
 * (fuel before − after), as the reference's executor does when `remaining_fuel()` is known.
 */
export const NO_ENGINE_COSTS = FuelCostTable.fromArray(OPCODE_TABLE.map(() => 0));

/** Names the compilation below in the derived code hash (the reference keys it by config fingerprint). */
const VARIANT = Uint8Array.from('rwasm-ts engine-metered system runtime v1', (c) => c.charCodeAt(0));
const originalHashes = new WeakMap<object, string>();

export interface EngineMeteredRuntime {
  /** The recompiled module, or undefined when `cache` already holds it under `codeHash`. */
  readonly module: RwasmModule | undefined;
  /** keccak256(original code hash ‖ VARIANT): a key of its own in the module cache. */
  readonly codeHash: string;
}

/**
 * The module an engine-metered runtime runs as, compiled from `module`'s hint once per module
 * cache (found again by its derived code hash). `codeHash` is the original module's, trusted
 * when given.
 */
export function engineMeteredRuntime(module: RwasmModule | Uint8Array, codeHash: string | undefined, cache: ModuleCache = defaultModuleCache): EngineMeteredRuntime {
  const original = codeHash !== undefined ? normalizeCodeHash(codeHash) : hashOf(module);
  const key = codeHashHex(Uint8Array.of(...codeHashBytes(original), ...VARIANT));
  if (cache.has(key)) return { module: undefined, codeHash: key };
  const decoded = module instanceof RwasmModule ? module : RwasmModule.decode(module);
  if (decoded.hintType !== 'wasm') throw new RwasmError('InvalidArgument', `the engine-metered runtime 0x${original} has no Wasm in its hint section to compile`);
  const config = { ...fluentSystemConfig(), consumeFuel: true, consumeFuelForBulkOps: false, consumeFuelForParamsAndLocals: false, builtinsConsumeFuel: false };
  return { module: compileWasm(decoded.hint, config).module, codeHash: key };
}

function hashOf(module: RwasmModule | Uint8Array): string {
  let hash = originalHashes.get(module);
  if (hash === undefined) originalHashes.set(module, (hash = module instanceof RwasmModule ? normalizeCodeHash(module.codeHash()) : codeHashHex(module)));
  return hash;
}
