/**
 * What one fresh process measures for the start-up benchmark: the library as users get it
 * (`dist/index.js`, loaded here for the first time), the EVM runtime fixture read from
 * ../shared, and each step timed once, cold. Every scenario is its own process, so no step
 * warms the JIT for another.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HOST_HAS_WEBASSEMBLY, hostWasm } from '../../test/support/host-webassembly.js';
import { genesisFixture } from './shared.js';

export interface StartupFigures {
  /** Loading the library (dist/index.js). */
  importMs: number;
  /** `RwasmModule.decode` (verified) of the EVM runtime. */
  decodeMs: number;
  /** keccak256 of the 1.17 MB (its code hash). */
  codeHashMs: number;
  /** `SystemRuntime.create` from the bytes with the code hash given (an empty cache). */
  createMs: number;
  /** The first `execute()` of that frame (state main, empty input). */
  firstExecuteMs: number;
  /** create + first execute: the figure the start-up target is about. */
  coldStartMs: number;
  /** V8: `new WebAssembly.Module` + `new WebAssembly.Instance` of the hint Wasm (NaN without WebAssembly). */
  v8CompileInstantiateMs: number;
}

type Library = typeof import('../../src/index.js');

async function loadLibrary(): Promise<{ lib: Library; ms: number }> {
  const start = performance.now();
  const lib = (await import(pathToFileURL(join(process.cwd(), 'dist', 'index.js')).href)) as Library;
  return { lib, ms: performance.now() - start };
}

function time<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

/** One scenario per process; the parent runs each in its own child and collects the figures. */
export async function measureStartupScenario(scenario: string): Promise<Partial<StartupFigures>> {
  const evm = genesisFixture('evm-runtime');
  const codeHash = evm.file.slice('evm-runtime_'.length, 'evm-runtime_'.length + 64);
  switch (scenario) {
    case 'create': {
      const { lib, ms: importMs } = await loadLibrary();
      const create = time(() =>
        lib.SystemRuntime.create({
          module: evm.bytes,
          codeHash,
          cache: new lib.ModuleCache(),
          context: new lib.RuntimeContext({ fuelLimit: 100_000_000n, state: lib.STATE_MAIN, callDepth: 1 }),
        }),
      );
      const execute = time(() => create.value.execute());
      return { importMs, createMs: create.ms, firstExecuteMs: execute.ms, coldStartMs: create.ms + execute.ms };
    }
    case 'decode': {
      const { lib } = await loadLibrary();
      return { decodeMs: time(() => lib.RwasmModule.decode(evm.bytes)).ms };
    }
    case 'hash': {
      const { lib } = await loadLibrary();
      return { codeHashMs: time(() => lib.codeHashHex(evm.bytes)).ms };
    }
    case 'v8': {
      if (!HOST_HAS_WEBASSEMBLY) return { v8CompileInstantiateMs: NaN };
      const { lib } = await loadLibrary();
      const hint = lib.RwasmModule.decode(evm.bytes).hint;
      const wasm = hostWasm();
      return {
        v8CompileInstantiateMs: time(() => {
          const module = new wasm.Module(hint);
          const imports: Record<string, Record<string, unknown>> = {};
          for (const entry of (wasm.Module as unknown as { imports(m: unknown): { module: string; name: string; kind: string }[] }).imports(module)) {
            imports[entry.module] ??= {};
            imports[entry.module]![entry.name] = entry.kind === 'function' ? () => 0 : undefined;
          }
          return new wasm.Instance(module, imports);
        }).ms,
      };
    }
    default:
      throw new Error(`unknown start-up scenario ${scenario}`);
  }
}

export const STARTUP_SCENARIOS = ['create', 'decode', 'hash', 'v8'] as const;
