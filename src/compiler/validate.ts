import { parseModule, type WasmModule } from './wasm/module.js';
import { readLocals } from './wasm/locals.js';
import { Immediates, readOperator } from './wasm/operators.js';
import { malformed, WasmReader } from './wasm/reader.js';
import { FunctionValidator } from './wasm/validator.js';

/**
 * Decodes and validates a Wasm module (the features rWasm compiles: MVP, multi-value,
 * reference types, bulk memory, sign extension, saturating truncation, tail calls, extended
 * const) without compiling it. Throws RwasmError('MalformedWasmBinary') naming the byte offset.
 */
export function validateWasm(bytes: Uint8Array): WasmModule {
  const module = parseModule(bytes);
  const validator = new FunctionValidator(module);
  const imm = new Immediates();
  module.bodies.forEach((body, i) => {
    const type = module.types[module.functions[module.importedFunctions + i]!]!;
    const reader = new WasmReader(bytes, body.start, body.end);
    validator.begin(type, readLocals(reader, type.params).all);
    while (reader.pos < body.end) {
      if (validator.finished) malformed('operators remaining after the end of the function', reader.pos);
      validator.at = reader.pos;
      validator.validate(readOperator(reader, imm), imm);
    }
    if (!validator.finished) malformed('unexpected end of the function body', body.end);
  });
  return module;
}
