/**
 * Keyed snapshots: the plain checksum is integrity only (anyone can recompute it after changing
 * memory or fuel), so a snapshot made with a key carries HMAC-SHA256 and a restore given the key
 * accepts nothing else. The MAC is checked against Node's own crypto.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ModuleCache, RuntimeContext, RuntimeExecutor, SystemRuntime } from '../../src/index.js';
import { rwasmErrorOf } from '../support/errors.js';
import { compileProgram } from './support/exec-host.js';

const system = compileProgram('system', true);
const KEY = new TextEncoder().encode('a key of thirty-two bytes length');
const OTHER_KEY = new TextEncoder().encode('another key, also long enough!!!');

function suspended(): SystemRuntime {
  const runtime = SystemRuntime.create({
    module: system,
    cache: new ModuleCache(),
    consumeFuel: true,
    context: new RuntimeContext({ fuelLimit: 2000n, callDepth: 1, input: Uint8Array.of(9) }),
  });
  runtime.execute();
  expect(runtime.suspended).toBe('outOfFuel');
  return runtime;
}
const restore = (bytes: Uint8Array, key?: Uint8Array) => SystemRuntime.restore(bytes, { module: system.encode(), cache: new ModuleCache(), key });

describe('keyed snapshots', () => {
  it('carry HMAC-SHA256(key, everything before it), restore with their key and continue like the original', () => {
    const original = suspended();
    const bytes = original.snapshot({ key: KEY });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RWSK');
    const body = bytes.subarray(0, bytes.length - 32);
    expect(Buffer.from(bytes.subarray(bytes.length - 32)).toString('hex')).toBe(createHmac('sha256', KEY).update(body).digest('hex'));
    const copy = restore(bytes, KEY);
    expect(copy.remainingFuel()).toBe(original.remainingFuel());
    expect(copy.refuel(777n)).toEqual(original.refuel(777n));
    expect(copy.memoryRead(0, 128)).toEqual(original.memoryRead(0, 128));
  });

  it('refuse another key, no key, an altered byte, and a plain snapshot when a key is given', () => {
    const runtime = suspended();
    const keyed = runtime.snapshot({ key: KEY });
    expect(rwasmErrorOf(() => restore(keyed, OTHER_KEY))?.code).toBe('UnauthenticSnapshot');
    expect(rwasmErrorOf(() => restore(keyed))?.code).toBe('UnauthenticSnapshot');
    for (const at of [4, 40, keyed.length - 100, keyed.length - 1]) {
      const altered = keyed.slice();
      altered[at] ^= 0x10;
      expect(rwasmErrorOf(() => restore(altered, KEY))?.code, `byte ${at}`).toBe('UnauthenticSnapshot');
    }
    expect(rwasmErrorOf(() => restore(runtime.snapshot(), KEY))?.code).toBe('UnauthenticSnapshot');
  });

  it('a forgery with a recomputed checksum passes a restore without a key (integrity only) and fails one with the key', () => {
    const plain = suspended().snapshot();
    // The forger changes a field and recomputes the keccak256 trailer, as the public format lets anyone do.
    const body = plain.slice(0, plain.length - 32);
    body[body.length - 5] ^= 1;
    const restamped = new Uint8Array(plain.length);
    restamped.set(body);
    restamped.set(keccak_256(body), body.length);
    expect(rwasmErrorOf(() => restore(plain.map((b, i) => (i === body.length - 5 ? b ^ 1 : b))))?.code).toBe('MalformedSnapshot');
    expect(() => restore(restamped)).not.toThrow();
    expect(rwasmErrorOf(() => restore(restamped, KEY))?.code).toBe('UnauthenticSnapshot');
  });

  it('keys shorter than 16 bytes are refused; the executor passes keys through', () => {
    const runtime = suspended();
    expect(rwasmErrorOf(() => runtime.snapshot({ key: new Uint8Array(15) }))?.code).toBe('InvalidArgument');
    expect(rwasmErrorOf(() => restore(runtime.snapshot({ key: KEY }), new Uint8Array(8)))?.code).toBe('InvalidArgument');
    // A frame the executor parked (interrupted under call id 1) snapshots and restores with the key.
    const executor = new RuntimeExecutor({ cache: new ModuleCache() });
    expect(executor.execute({ module: system }, new RuntimeContext({ fuelLimit: 10_000n, callDepth: 1, input: Uint8Array.of(4) }))).toMatchObject({ callId: 1 });
    const keyed = executor.snapshot(1, { key: KEY });
    expect(rwasmErrorOf(() => new RuntimeExecutor({ cache: new ModuleCache() }).restore(keyed, system.encode()))?.code).toBe('UnauthenticSnapshot');
    const elsewhere = new RuntimeExecutor({ cache: new ModuleCache() });
    expect(elsewhere.restore(keyed, system.encode(), { key: KEY })).toBe(1);
    expect(new TextDecoder().decode(elsewhere.resume(1, { returnData: Uint8Array.of(0x41, 0x42) }).output)).toBe('AB');
  });
});
