/**
 * Compiler parity on real programs: each genesis fixture's hint section is the Wasm the
 * reference compiler was given; compiling it with that build's configuration must reproduce
 * the fixture byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { RwasmModule, compileWasm, fluentImportLinker, ins, type CompilationConfig } from '../../src/index.js';
import { rwasmFixtures } from '../support/shared.js';

// What Fluent's genesis builds share (compiler.md §1, §9.3).
const FLUENT: CompilationConfig = {
  stateRouter: { states: [['deploy', 1], ['main', 0]], opcode: ins.Call(2) },
  importLinker: fluentImportLinker(),
  maxAllowedMemoryPages: 32768,
  allowMalformedEntrypointFuncType: true,
  consumeFuelForBulkOps: false,
};

const BUILDS: Record<string, CompilationConfig> = {
  // the EVM runtime meters itself (_charge_fuel): no fuel instrumentation at all
  'evm-runtime': { ...FLUENT, consumeFuel: false },
  // the Universal Token runtime: engine fuel, params/locals fuel and syscall fuel
  'universal-token': { ...FLUENT, consumeFuel: true, consumeFuelForParamsAndLocals: true, builtinsConsumeFuel: true },
};

describe('genesis parity', () => {
  for (const fixture of rwasmFixtures()) {
    it(`${fixture.file} is reproduced byte for byte from its hint Wasm`, () => {
      const reference = RwasmModule.decode(fixture.bytes);
      const { module, constructorParams } = compileWasm(reference.hint, BUILDS[fixture.kind]!);
      const encoded = module.encode();
      expect(module.code.length).toBe(reference.code.length);
      expect(module.sourcePc).toBe(reference.sourcePc);
      expect(Buffer.from(module.data).equals(Buffer.from(reference.data))).toBe(true);
      expect(Array.from(module.elem)).toEqual(Array.from(reference.elem));
      expect(encoded.length).toBe(fixture.bytes.length);
      expect(Buffer.from(encoded).equals(Buffer.from(fixture.bytes))).toBe(true);
      expect(constructorParams.length).toBe(0);
    });
  }

  it('a different fuel setting changes the output (the comparison can fail)', () => {
    const ut = rwasmFixtures().find((f) => f.kind === 'universal-token')!;
    const reference = RwasmModule.decode(ut.bytes);
    const { module } = compileWasm(reference.hint, { ...BUILDS['universal-token'], consumeFuelForParamsAndLocals: false });
    expect(Buffer.from(module.encode()).equals(Buffer.from(ut.bytes))).toBe(false);
  });
});
