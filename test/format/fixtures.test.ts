import { describe, expect, it } from 'vitest';
import { RwasmModule, codeHashHex } from '../../src/index.js';
import { rwasmErrorOf } from '../support/errors.js';
import { genesisFixtures, rwasmFixtures } from '../support/shared.js';

describe('genesis fixtures', () => {
  const fixtures = rwasmFixtures();

  it('finds every rWasm fixture', () => {
    expect(fixtures.map((f) => f.kind).sort()).toEqual(['evm-runtime', 'evm-runtime', 'universal-token']);
  });

  for (const fixture of fixtures) {
    describe(fixture.file, () => {
      const module = RwasmModule.decode(fixture.bytes);

      it('re-encodes to the identical bytes', () => {
        const encoded = module.encode();
        expect(encoded.length).toBe(fixture.bytes.length);
        expect(Buffer.from(encoded).equals(Buffer.from(fixture.bytes))).toBe(true);
      });

      it('verifies', () => {
        expect(() => module.verify()).not.toThrow();
      });

      it('hashes to the code hash in its name', () => {
        expect(codeHashHex(fixture.bytes)).toBe(fixture.hash);
        expect(Buffer.from(module.codeHash()).toString('hex')).toBe(fixture.hash);
      });

      it('holds its Wasm input in the hint section and starts at source_pc 26', () => {
        expect(module.hintType).toBe('wasm');
        expect(module.sourcePc).toBe(26);
        expect(module.code.length).toBeGreaterThan(50_000);
      });
    });
  }

  it('rejects the EVM bytecode blob with BadMagic', () => {
    const blob = genesisFixtures().find((f) => f.file.startsWith('not-rwasm'))!;
    const error = rwasmErrorOf(() => RwasmModule.decode(blob.bytes));
    expect(error.code).toBe('BadMagic');
    expect(error.message).toContain('byte offset 0');
  });
});
