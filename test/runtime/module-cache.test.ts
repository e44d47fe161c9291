import { describe, expect, it } from 'vitest';
import { ModuleCache, RwasmModule, codeHashHex, ins, normalizeCodeHash } from '../../src/index.js';
import { rwasmFixtures } from '../support/shared.js';
import { rwasmErrorOf } from '../support/errors.js';

/** A distinct small module per seed. */
function tiny(seed: number, extraInstructions = 0): Uint8Array {
  const code = [ins.I32Const(seed), ...Array.from({ length: extraInstructions }, () => ins.Drop()), ins.Return()];
  return new RwasmModule({ code }).encode();
}

describe('ModuleCache', () => {
  it('a second load of the same bytes is a hit that skips decoding', () => {
    const cache = new ModuleCache();
    const [fixture] = rwasmFixtures();
    const first = cache.load(fixture!.bytes, fixture!.hash);
    expect(cache.stats).toMatchObject({ hits: 0, misses: 1, entries: 1 });
    expect(first.codeHash).toBe(fixture!.hash);
    // Garbage in place of the bytes proves nothing is decoded: the hash alone answers.
    const second = cache.load(new Uint8Array([1, 2, 3]), fixture!.hash);
    expect(second).toBe(first);
    expect(second.module).toBe(first.module);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1 });
    // Without a hash the bytes are hashed (not decoded) and found.
    expect(cache.load(fixture!.bytes)).toBe(first);
    expect(cache.get(`0x${fixture!.hash.toUpperCase()}`)).toBe(first);
    expect(cache.stats).toMatchObject({ hits: 3, misses: 1 });
    expect(cache.stats.bytes).toBe(first.size);
    expect(first.size).toBeGreaterThan(fixture!.bytes.length);
  });

  it('loading by hash alone works when cached and is a clear error otherwise', () => {
    const cache = new ModuleCache();
    const bytes = tiny(1);
    const hash = codeHashHex(bytes);
    expect(rwasmErrorOf(() => cache.get(hash))).toMatchObject({ code: 'ModuleNotCached', details: { codeHash: hash } });
    expect(cache.stats.misses).toBe(1);
    cache.load(bytes);
    expect(cache.get(hash).module.code.length).toBe(2);
    expect(rwasmErrorOf(() => cache.get('not a hash'))).toMatchObject({ code: 'InvalidArgument' });
    expect(rwasmErrorOf(() => cache.get(new Uint8Array(31)))).toMatchObject({ code: 'InvalidArgument' });
  });

  it('with verifyCodeHash, refuses bytes that do not hash to the hash they came with, and caches nothing', () => {
    const cache = new ModuleCache();
    const bytes = tiny(2);
    const wrong = codeHashHex(tiny(3));
    const error = rwasmErrorOf(() => cache.load(bytes, wrong, { verifyCodeHash: true }));
    expect(error.code).toBe('CodeHashMismatch');
    expect(error.details).toMatchObject({ expected: wrong, actual: codeHashHex(bytes) });
    expect(cache.stats.entries).toBe(0);
    expect(rwasmErrorOf(() => cache.add(RwasmModule.decode(bytes), wrong, { verifyCodeHash: true })).code).toBe('CodeHashMismatch');
    expect(cache.load(bytes, codeHashHex(bytes), { verifyCodeHash: true }).codeHash).toBe(codeHashHex(bytes));
  });

  it('trusts a code hash given with the bytes, as Fluent does (no hashing on a miss)', () => {
    const cache = new ModuleCache();
    const bytes = tiny(7);
    const claimed = codeHashHex(tiny(8));
    const entry = cache.load(bytes, claimed);
    expect(entry.codeHash).toBe(claimed);
    expect(entry.module.code.rawImmediate(0)).toBe(7);
    expect(cache.get(claimed)).toBe(entry);
    // Without a hash, the bytes are hashed: the same bytes are a different entry under their own hash.
    expect(cache.load(bytes).codeHash).toBe(codeHashHex(bytes));
    expect(cache.stats.entries).toBe(2);
  });

  it('rejects malformed bytes with the decoder’s error and caches nothing', () => {
    const cache = new ModuleCache();
    expect(rwasmErrorOf(() => cache.load(new Uint8Array([0xef, 0x52, 0x01, 9]))).code).toBe('UnexpectedEnd');
    expect(cache.stats.entries).toBe(0);
  });

  it('evicts least recently used entries to stay within its byte budget', () => {
    const probe = new ModuleCache().load(tiny(0, 100));
    const budget = probe.size * 3; // room for three entries of this size
    const cache = new ModuleCache({ maxBytes: budget });
    const hashes = [10, 11, 12, 13].map((seed) => cache.load(tiny(seed, 100)).codeHash);
    expect(cache.stats).toMatchObject({ entries: 3, evictions: 1 });
    expect(cache.stats.bytes).toBeLessThanOrEqual(budget);
    expect(cache.has(hashes[0]!)).toBe(false); // the oldest went first
    cache.get(hashes[1]!); // now 11 is the most recently used
    cache.load(tiny(14, 100));
    expect(cache.has(hashes[1]!)).toBe(true);
    expect(cache.has(hashes[2]!)).toBe(false);
    expect(cache.stats).toMatchObject({ entries: 3, evictions: 2 });
    // Preparing another variant of an entry grows it; the budget still holds.
    cache.get(hashes[1]!).program({ trace: true });
    expect(cache.stats.bytes).toBeLessThanOrEqual(budget);
  });

  it('serves a module larger than the whole budget without caching it', () => {
    const cache = new ModuleCache({ maxBytes: 16 });
    const entry = cache.load(tiny(5));
    expect(entry.module.code.length).toBe(2);
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('clear() empties it (the reference’s reset_cached_runtimes)', () => {
    const cache = new ModuleCache();
    const hash = cache.load(tiny(6)).codeHash;
    cache.clear();
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 });
    expect(cache.has(hash)).toBe(false);
    expect(cache.delete(hash)).toBe(false);
  });

  it('normalizes code hashes from bytes or hex', () => {
    const bytes = new Uint8Array(32).map((_, i) => i * 7);
    const hex = normalizeCodeHash(bytes);
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(normalizeCodeHash(`0x${hex.toUpperCase()}`)).toBe(hex);
  });
});
