/**
 * `--config file.json` for `rwasm compile` / `rwasm run`: the fields of compileWasm's config,
 * plus `"importLinker": "fluent"` and `"preset": "fluent"` (what Fluent's genesis builds share).
 */
import { fluentSystemConfig, type CompilationConfig } from '../compiler/config.js';
import { fluentImportLinker } from '../format/fluent-syscalls.js';
import { OPCODE_TABLE } from '../format/opcodes.js';
import { instruction, type Instruction } from '../format/instructions.js';
import { UsageError } from './args.js';


const BOOLEAN_FIELDS = [
  'consumeFuel', 'consumeFuelForParamsAndLocals', 'consumeFuelForBulkOps', 'builtinsConsumeFuel', 'codeSnippets',
  'allowMalformedEntrypointFuncType', 'allowStartSection', 'allowFuncRefFunctionTypes', 'fpu',
] as const;

function parseInstruction(text: unknown): Instruction {
  const match = typeof text === 'string' ? /^\s*(\w+)\s*(?:\(\s*(-?\d+)\s*\)|\s+(-?\d+))?\s*$/.exec(text) : null;
  const entry = match && OPCODE_TABLE.find(([name]) => name === match[1]);
  if (!match || !entry) throw new UsageError(`config: stateRouter.opcode ${JSON.stringify(text)} is not an instruction like "Call(2)"`);
  return instruction(entry[1], Number(match[2] ?? match[3] ?? 0));
}

/** Turns parsed JSON into a CompilationConfig, rejecting unknown fields and wrong types. */
export function configFromJson(json: unknown): CompilationConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError('config: expected a JSON object');
  const input = json as Record<string, unknown>;
  let config: CompilationConfig = {};
  if (input.preset !== undefined) {
    if (input.preset !== 'fluent') throw new UsageError(`config: unknown preset ${JSON.stringify(input.preset)} (known: "fluent")`);
    config = fluentSystemConfig();
  }
  for (const [key, value] of Object.entries(input)) {
    if (key === 'preset') continue;
    if ((BOOLEAN_FIELDS as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') throw new UsageError(`config: ${key} must be true or false`);
      (config as Record<string, unknown>)[key] = value;
    } else if (key === 'maxAllowedMemoryPages') {
      if (!Number.isInteger(value)) throw new UsageError('config: maxAllowedMemoryPages must be an integer');
      config.maxAllowedMemoryPages = value as number;
    } else if (key === 'defaultImportedGlobalValue') {
      if (typeof value !== 'number' && typeof value !== 'string') throw new UsageError('config: defaultImportedGlobalValue must be an integer');
      try {
        config.defaultImportedGlobalValue = BigInt(value);
      } catch {
        throw new UsageError(`config: defaultImportedGlobalValue ${JSON.stringify(value)} is not an integer`);
      }
    } else if (key === 'entrypointName') {
      if (typeof value !== 'string') throw new UsageError('config: entrypointName must be a string');
      config.entrypointName = value;
    } else if (key === 'importLinker') {
      if (value !== 'fluent') throw new UsageError('config: importLinker must be "fluent" (the built-in table)');
      config.importLinker = fluentImportLinker();
    } else if (key === 'stateRouter') {
      const router = value as { states?: unknown; opcode?: unknown } | null;
      if (typeof router !== 'object' || router === null || !Array.isArray(router.states)) {
        throw new UsageError('config: stateRouter must be { "states": [[name, state], …], "opcode"?: "Call(2)" }');
      }
      const states = router.states.map((entry: unknown) => {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isInteger(entry[1])) {
          throw new UsageError('config: each stateRouter state is [name, state]');
        }
        return [entry[0], entry[1]] as const;
      });
      config.stateRouter = router.opcode === undefined ? { states } : { states, opcode: parseInstruction(router.opcode) };
    } else {
      throw new UsageError(`config: unknown field ${key}`);
    }
  }
  return config;
}
