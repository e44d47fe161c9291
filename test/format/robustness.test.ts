/**
 * Malformed input never escapes as anything but an RwasmError: truncations and random byte
 * mutations of a real fixture, forged length fields, and random valid modules round-tripping.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPCODE_TABLE, RwasmError, RwasmModule, TrapCode, instruction, type Instruction } from '../../src/index.js';
import { HOST_HAS_WEBASSEMBLY } from '../support/host-wasm.js';
import { rwasmErrorOf } from '../support/errors.js';
import { rwasmFixtures } from '../support/shared.js';

// Without a JIT everything is ~30× slower; property runs scale down, coverage of cut points does not.
const RUNS = HOST_HAS_WEBASSEMBLY ? 1 : 0.1;

const fixture = rwasmFixtures().find((f) => f.kind === 'universal-token')!;
const bytes = fixture.bytes;
const module = RwasmModule.decode(bytes);

/** Decodes and returns the error code, or 'ok'; any other exception fails the test. */
function outcomeOf(input: Uint8Array, verify = false): string {
  try {
    RwasmModule.decode(input, { verify });
    return 'ok';
  } catch (error) {
    if (error instanceof RwasmError) return error.code;
    throw error;
  }
}

function sectionBoundaries(): number[] {
  const codeBytes = module.code.length === 0 ? 0 : bytes.length - (3 + 8) - (8 + module.data.length) - (8 + module.elem.length * 4) - (8 + module.hint.length) - 4;
  const codeEnd = 3 + 8 + codeBytes;
  const dataEnd = codeEnd + 8 + module.data.length;
  const elemEnd = dataEnd + 8 + module.elem.length * 4;
  const hintEnd = elemEnd + 8 + module.hint.length;
  return [0, 3, 11, codeEnd, codeEnd + 8, dataEnd, dataEnd + 8, elemEnd, elemEnd + 8, hintEnd, bytes.length];
}

describe('truncations of a real fixture', () => {
  const boundaries = sectionBoundaries();
  const cuts = new Set<number>();
  for (let k = 0; k < 2048; k++) cuts.add(k);
  // Each cut near the end re-decodes the whole code section; jitless runs take narrower windows.
  const window = HOST_HAS_WEBASSEMBLY ? 600 : 40;
  for (const b of boundaries) for (let k = b - window; k <= b + window; k++) if (k >= 0 && k < bytes.length) cuts.add(k);

  it(`every cut in the header, around each section boundary and in the tail (${cuts.size} cuts) fails with UnexpectedEnd, except the legacy cut before source_pc`, () => {
    const legacy = bytes.length - 4;
    for (const k of cuts) {
      const expected = k === legacy ? 'ok' : 'UnexpectedEnd';
      expect(outcomeOf(bytes.subarray(0, k)), `cut at ${k}`).toBe(expected);
    }
  });

  it('random cuts fail with UnexpectedEnd', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 5 }), (k) => {
        expect(outcomeOf(bytes.subarray(0, k))).toBe('UnexpectedEnd');
      }),
      { seed: 7, numRuns: Math.ceil(400 * RUNS) },
    );
  });
});

describe('random byte mutations of a real fixture', () => {
  it('decode (and verify) or throw an RwasmError, nothing else', () => {
    const positions = fc.integer({ min: 0, max: bytes.length - 1 });
    const mutation = fc.array(fc.tuple(positions, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(mutation, fc.boolean(), (changes, verify) => {
        const mutated = bytes.slice();
        for (const [at, value] of changes) mutated[at] = value;
        const result = outcomeOf(mutated, verify);
        expect(['ok', 'UnexpectedEnd', 'InvalidOpcode', 'InvalidTrapCode', 'TrailingBytes', 'VerificationFailed', 'BadMagic', 'UnsupportedVersion']).toContain(result);
      }),
      { seed: 42, numRuns: Math.ceil(300 * RUNS) },
    );
  });

  it('mutations aimed at the header and the code section length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const mutated = bytes.slice();
        mutated[at] = value;
        outcomeOf(mutated, true);
      }),
      { seed: 3, numRuns: Math.ceil(300 * RUNS) },
    );
  });
});

describe('forged length fields', () => {
  const header = [0xef, 0x52, 0x01];
  const u64 = (lo: number, hi: number) => [lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, hi >>> 24];

  it('a huge code count fails at the end of the input without allocating for it', () => {
    const error = rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([...header, ...u64(0xffffffff, 0xffffffff), 0x0b, 0, 0, 0])));
    expect(error.code).toBe('UnexpectedEnd');
    expect(error.details.offset).toBe(15);
  });

  it('a huge data, elem or hint length reports exactly how many bytes are missing', () => {
    const data = rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([...header, ...u64(0, 0), ...u64(0, 0x100), 1, 2, 3])));
    expect(data.code).toBe('UnexpectedEnd');
    expect(data.details.additional).toBe(Number((0x100n << 32n) - 3n));
    // beyond 2^53 the figure is kept exact as a decimal string
    const huge = rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([...header, ...u64(0, 0), ...u64(5, 0x10000000), 1, 2, 3])));
    expect(huge.details.additional).toBe(String((0x10000000n << 32n) + 5n - 3n));
    const elem = rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([...header, ...u64(0, 0), ...u64(0, 0), ...u64(3, 0), 1, 0, 0, 0, 2, 0])));
    expect(elem.details).toMatchObject({ offset: 31, additional: 2 });
    const hint = rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([...header, ...u64(0, 0), ...u64(0, 0), ...u64(0, 0), ...u64(10, 0), 1])));
    expect(hint.details).toMatchObject({ offset: 35, additional: 9 });
  });

  it('an unknown opcode, trap code or version names its byte offset', () => {
    const op = rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([...header, ...u64(1, 0), 84, 0, 0, 0])));
    expect(op.code).toBe('InvalidOpcode');
    expect(op.message).toContain('byte offset 11');
    const trap = rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([...header, ...u64(1, 0), 1, 0, 0, 0, 14, 0, 0, 0])));
    expect(trap.code).toBe('InvalidTrapCode');
    expect(trap.message).toContain('byte offset 15');
    expect(rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([0xef, 0x52, 0x02]))).code).toBe('UnsupportedVersion');
    expect(rwasmErrorOf(() => RwasmModule.decode(Uint8Array.from([0xef]))).code).toBe('UnexpectedEnd');
    expect(rwasmErrorOf(() => RwasmModule.decode('ef52' as unknown as Uint8Array)).code).toBe('InvalidArgument');
  });
});


const anyInstruction: fc.Arbitrary<Instruction> = fc.constantFrom(...OPCODE_TABLE).chain(([, code, kind]) => {
  switch (kind) {
    case 0:
      return fc.constant(instruction(code));
    case 3:
      return fc.integer({ min: 0, max: 0xffff }).map((v) => instruction(code, v));
    case 4:
      return fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([d, s]) => instruction(code, (d | (s << 16)) >>> 0));
    case 5:
      return fc.constantFrom(...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 255] as TrapCode[]).map((c) => instruction(code, c));
    default:
      return fc.integer({ min: -0x80000000, max: 0xffffffff }).map((v) => instruction(code, v));
  }
});

describe('random valid instruction lists', () => {
  it('round-trip through encode/decode byte for byte', () => {
    fc.assert(
      fc.property(
        fc.array(anyInstruction, { maxLength: 200 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 16 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (code, data, elem, hint, sourcePc) => {
          const original = new RwasmModule({ code, data, elem, hint, sourcePc });
          const encoded = original.encode();
          const decoded = RwasmModule.decode(encoded, { verify: false });
          expect(decoded.code.toArray()).toEqual(original.code.toArray());
          expect(decoded.data).toEqual(data);
          expect(Array.from(decoded.elem)).toEqual(elem);
          expect(decoded.hint).toEqual(hint);
          expect(decoded.sourcePc).toBe(sourcePc);
          expect(Buffer.from(decoded.encode()).equals(Buffer.from(encoded))).toBe(true);
        },
      ),
      { seed: 11, numRuns: Math.ceil(500 * RUNS) },
    );
  });
});
