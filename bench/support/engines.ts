/**
 * The engines a kernel runs on: rwasm-ts on each tier (program fuel off and on), V8's own WebAssembly (the
 * physical limit in JS land), and the pure-JS alternatives on npm: polywasm (translates Wasm to
 * JS) and webassemblyjs (an interpreter).
 */
import { WebAssembly as PolyWasm } from 'polywasm';
import webassemblyjs from 'webassemblyjs';
import { FuelCostTable, Machine, OPCODE_TABLE, compileWasm } from '../../src/index.js';
import { hostWasm } from '../../test/support/host-webassembly.js';

export type Runner = (n: number) => number;

export interface Engine {
  readonly name: string;
  /** Loads a kernel; throws (reported as a crash) when the engine cannot. */
  load(wasm: Uint8Array): Promise<Runner>;
  /** rWasm instructions run(n) executes, from the interpreter's own count (rwasm-ts only). */
  rwasmInstructions?(wasm: Uint8Array, n: number): bigint;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown, imports: object) => { exports: Record<string, unknown> };
}

function viaWasmApi(api: WasmApi, wasm: Uint8Array): Runner {
  const run = new api.Instance(new api.Module(wasm), {}).exports.run as Runner;
  return (n) => run(n) | 0;
}

// Every instruction costs 1: engine metering then counts the instructions executed.
const COUNT_EVERY_INSTRUCTION = FuelCostTable.fromArray(OPCODE_TABLE.map(() => 1));

function rwasmEngine(name: string, consumeFuel: boolean, tier: 'interpreter' | 'auto'): Engine {
  const machineFor = (wasm: Uint8Array, counting: boolean) => {
    const { module } = compileWasm(wasm, { entrypointName: 'run', consumeFuel });
    const machine = new Machine(module, {
      tier,
      fuelLimit: consumeFuel ? 1n << 62n : undefined,
      fuelCosts: counting ? COUNT_EVERY_INSTRUCTION : undefined,
    });
    const init = machine.instantiate();
    if (init.status !== 'returned') throw new Error(`instantiation ${init.status}`);
    return machine;
  };
  return {
    name,
    async load(wasm) {
      const machine = machineFor(wasm, false);
      return (n) => {
        const outcome = machine.run({ params: [n], resultWords: 1 });
        if (outcome.status !== 'returned') throw new Error(`run(${n}) ${outcome.status}`);
        return outcome.results[0]! | 0;
      };
    },
    rwasmInstructions(wasm, n) {
      // Engine fuel counts instructions; take away what the program's own ConsumeFuel charged.
      const fuelOf = (counting: boolean) => {
        const machine = machineFor(wasm, counting);
        const before = machine.fuelConsumed();
        machine.run({ params: [n], resultWords: 1 });
        return machine.fuelConsumed() - before;
      };
      return fuelOf(true) - (consumeFuel ? fuelOf(false) : 0n);
    },
  };
}

export const RWASM = rwasmEngine('rwasm-ts', false, 'interpreter');
export const RWASM_FUEL = rwasmEngine('rwasm-ts, fuel metered', true, 'interpreter');
/** The default tier: compiled where code generation works, for the code where it pays. */
export const RWASM_COMPILED = rwasmEngine('rwasm-ts auto tier', false, 'auto');
export const RWASM_COMPILED_FUEL = rwasmEngine('rwasm-ts auto tier, fuel metered', true, 'auto');

export const V8: Engine = {
  name: 'V8 WebAssembly',
  async load(wasm) {
    return viaWasmApi(hostWasm() as unknown as WasmApi, wasm);
  },
};

export const POLYWASM: Engine = {
  name: 'polywasm',
  async load(wasm) {
    return viaWasmApi(PolyWasm as unknown as WasmApi, wasm);
  },
};

export const WEBASSEMBLYJS: Engine = {
  name: 'webassemblyjs',
  async load(wasm) {
    const { instance } = (await (webassemblyjs as { instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }> }).instantiate(wasm));
    const run = instance.exports.run as Runner;
    return (n) => run(n) | 0;
  },
};

export const ENGINES: readonly Engine[] = [RWASM, RWASM_FUEL, RWASM_COMPILED, RWASM_COMPILED_FUEL, V8, POLYWASM, WEBASSEMBLYJS];
