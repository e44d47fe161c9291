/**
 * Modules from binaryen's translate-to-fuzz (`wasm-opt -ttf`), a generator written independently
 * of this project: random bytes in, a valid module with `fuzzing-support` logging imports and
 * exports out. The `binaryen` package's wasm-opt is an Emscripten program; it is loaded once per
 * process (a quarter of a second) and its `main` called per module (~30 ms), instead of a process
 * per module. Needs the host's WebAssembly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The features both V8 (Node 20) and the rWasm compiler take; binaryen's fuzzer uses each of
 * them. Tail calls, reference types and extended constants are left out: Node 20's V8 rejects
 * extended constants, and binaryen's reference-type code needs imports (tables of externref,
 * `table-get`) that the rWasm compiler refuses.
 */
export const FUZZ_FEATURES = [
  '--mvp-features',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-multivalue',
] as const;

/** Bytes of random input per module: binaryen sizes the module by how much input it is given. */
export const INPUT_BYTES = 4096;

interface WasmOpt {
  callMain(args: string[]): void;
}

function loadWasmOpt(): Promise<WasmOpt> {
  return new Promise<WasmOpt>((resolve, reject) => {
    const require = createRequire(import.meta.url);
    const path = join(dirname(require.resolve('binaryen')), 'bin', 'wasm-opt');
    // The script starts with a #! line; as a comment it runs as a function body.
    const source = `//${readFileSync(path, 'utf8')}\n;return { callMain };`;
    const settings: Record<string, unknown> = {
      noInitialRun: true,
      noExitRuntime: true,
      print: () => {},
      printErr: () => {},
      onAbort: (reason: unknown) => reject(new Error(`wasm-opt aborted: ${String(reason)}`)),
    };
    let api: WasmOpt | undefined;
    settings.onRuntimeInitialized = () => resolve(api!);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- binaryen's own script, loaded as Node would load it
    const load = new Function('Module', 'require', '__filename', '__dirname', source) as (...a: unknown[]) => WasmOpt;
    api = load(settings, createRequire(path), path, dirname(path));
  });
}

/** xorshift32 bytes: the same (seed, index) always gives the same module. */
export function fuzzInput(seed: number, index: number, length = INPUT_BYTES): Uint8Array {
  let state = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0 || 1;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** A module generator bound to a scratch folder of its own (wasm-opt reads and writes files). */
export class TtfGenerator {
  /** Inputs binaryen failed on twice, on a fresh copy the second time. */
  generatorFailures = 0;

  private constructor(
    private wasmOpt: WasmOpt,
    private readonly dir: string,
  ) {}

  static async create(): Promise<TtfGenerator> {
    return new TtfGenerator(await loadWasmOpt(), mkdtempSync(join(tmpdir(), 'rwasm-ttf-')));
  }

  /**
   * The module binaryen builds from `input`, or undefined where binaryen itself fails on it.
   */
  async generate(input: Uint8Array): Promise<Uint8Array | undefined> {
    // wasm-opt's heap fills up over a thousand or so runs and it then fails: one retry on a fresh copy.
    for (let attempt = 0; attempt < 2; attempt++) {
      const bytes = this.runOnce(input);
      if (bytes !== undefined) return bytes;
      this.wasmOpt = await loadWasmOpt();
    }
    this.generatorFailures++;
    return undefined;
  }

  /**
   * `module` after binaryen's `--denan` pass (every NaN a float operation makes is turned into
   * 0 at run time), or undefined where binaryen fails on it.
   */
  async withoutNans(module: Uint8Array): Promise<Uint8Array | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const bytes = this.runOnce(module, ['--denan']);
      if (bytes !== undefined) return bytes;
      this.wasmOpt = await loadWasmOpt();
    }
    return undefined;
  }

  private runOnce(input: Uint8Array, pass?: string[]): Uint8Array | undefined {
    const inFile = join(this.dir, pass ? 'input.wasm' : 'input.dat');
    const outFile = join(this.dir, 'module.wasm');
    writeFileSync(inFile, input);
    rmSync(outFile, { force: true });
    try {
      this.wasmOpt.callMain([inFile, ...(pass ?? ['-ttf']), '-q', ...FUZZ_FEATURES, '-o', outFile]);
    } catch (error) {
      // main ends by throwing Emscripten's ExitStatus (0 when it succeeded).
      const exited = (error as { name?: unknown } | null)?.name === 'ExitStatus';
      if (!exited || (error as { status?: unknown }).status !== 0) return undefined;
    }
    const bytes = new Uint8Array(readFileSync(outFile));
    // After many runs wasm-opt has also been seen to exit 0 having written no valid module.
    return (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes) ? bytes : undefined;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
