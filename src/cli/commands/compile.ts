import { compileWasm } from '../../compiler/compile.js';
import type { CompilationConfig } from '../../compiler/config.js';
import { ExternalKind, parseModule, type WasmModule } from '../../compiler/wasm/module.js';
import type { FuncType } from '../../compiler/wasm/types.js';
import { parseCommand, UsageError } from '../args.js';
import { configFromJson } from '../compile-config.js';
import { readText, writeOutput, type ExitCode, type Io } from '../io.js';
import { readProgram } from '../program-input.js';

export function loadConfig(path: string | undefined): CompilationConfig | undefined {
  if (path === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readText(path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return configFromJson(json);
}

/**
 * The entry point `compile` and `run` build: --invoke NAME, else the config's entrypointName,
 * else `main`, unless the config's state router names the entries.
 */
export function entryName(invoke: string | undefined, config: CompilationConfig): string | undefined {
  return invoke ?? config.entrypointName ?? (config.stateRouter !== undefined ? undefined : 'main');
}

/** The type of the function `name` exports, or a usage error listing what the module does export. */
export function exportedFunctionType(wasm: WasmModule, name: string): FuncType {
  const entry = wasm.exports.find((e) => e.kind === ExternalKind.Func && e.name === name);
  if (!entry) {
    const names = wasm.exports.filter((e) => e.kind === ExternalKind.Func).map((e) => e.name).join(', ') || 'none';
    throw new UsageError(`no exported function ${name} (exports: ${names}); name the entry with --invoke NAME, or give --config with entrypointName or stateRouter`);
  }
  return wasm.types[wasm.functions[entry.index]!]!;
}

export const COMPILE_USAGE = `usage: rwasm compile <in.wasm | in.wat> -o <out.rwasm> [--invoke NAME] [--config file.json]
  compiles Wasm (or WebAssembly text, through the optional wabt package) to rWasm
  -o, --output FILE   where the rWasm module is written
  --invoke NAME       the exported function the module's entry calls (default main, unless the
                      config's stateRouter names the entries)
  --config FILE       compileWasm's config fields as JSON; "importLinker": "fluent" names Fluent's
                      syscall table, "preset": "fluent" sets what Fluent's genesis builds share
                      (e.g. {"preset":"fluent","consumeFuel":false} is the EVM runtime's build)`;

const COMPILE = {
  name: 'compile',
  usage: COMPILE_USAGE,
  options: { output: { type: 'string', short: 'o' }, config: { type: 'string' }, invoke: { type: 'string' } },
  positionals: { max: 1, described: 'one input file' },
} as const;

export async function compile(argv: string[], io: Io): Promise<ExitCode> {
  const args = parseCommand(argv, io, COMPILE);
  if (!args) return 0;
  const { output, config: configPath, invoke } = args.values;
  if (output === undefined) throw new UsageError('missing -o <out.rwasm>');
  const bytes = await readProgram(args.positionals[0], io);
  const config = loadConfig(configPath) ?? {};
  const name = entryName(invoke, config);
  // Checked here so a missing entry names the exports instead of compileWasm's MissingEntrypoint.
  if (name !== undefined) exportedFunctionType(parseModule(bytes), name);
  const { module } = compileWasm(bytes, name !== undefined ? { ...config, entrypointName: name } : config);
  const encoded = module.encode();
  writeOutput(output, encoded);
  io.out(`${output}: ${module.code.length} instructions, ${encoded.length} bytes\n`);
  return 0;
}
