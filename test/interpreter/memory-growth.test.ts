/**
 * Linear memory grows in amortised O(1) per page: contents survive every grow, new pages are
 * zero, the cap and the 65536-page delta limit answer -1 as before, and the buffer moves only a
 * logarithmic number of times however the program grows it.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { LinearMemory, PAGE_SIZE } from '../../src/index.js';

describe('linear memory growth', () => {
  it('keeps contents, zeroes new pages and answers like a freshly allocated memory (model: a plain byte array)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ grow: fc.integer({ min: 0, max: 5 }) }), fc.record({ at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) })), { maxLength: 40 }),
        (steps) => {
          const memory = new LinearMemory(12);
          let model = new Uint8Array(0);
          for (const step of steps) {
            if ('grow' in step) {
              const before = model.length / PAGE_SIZE;
              const answer = memory.grow(step.grow);
              if (before + step.grow > 12) {
                expect(answer).toBe(-1);
              } else {
                expect(answer).toBe(before);
                const grown = new Uint8Array((before + step.grow) * PAGE_SIZE);
                grown.set(model);
                model = grown;
              }
            } else if (model.length > 0) {
              const at = step.at % model.length;
              model[at] = step.value;
              memory.bytes[at] = step.value;
            }
            expect(memory.pages * PAGE_SIZE).toBe(model.length);
            expect(memory.bytes.length).toBe(model.length);
            expect(Buffer.compare(Buffer.from(memory.bytes), Buffer.from(model))).toBe(0);
            // The DataView the interpreter uses for wide accesses sees the same bytes.
            if (model.length >= 4) expect(memory.view.getUint32(model.length - 4, true)).toBe(new DataView(model.buffer).getUint32(model.length - 4, true));
          }
        },
      ),
      { seed: 8, numRuns: 200 },
    );
  });

  it('moves the buffer a logarithmic number of times, and never again once past 64 MiB, over 32768 single-page grows', () => {
    const memory = new LinearMemory(32768);
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 32768; i++) {
      expect(memory.grow(1)).toBe(i);
      if (i < 1100) memory.bytes[i * PAGE_SIZE] = i & 0xff;
      buffers.add(memory.bytes.buffer);
    }
    // capacities 1, 4, 16, 64, 256 and then the cap itself: six buffers in all, the last copy 16 MiB
    expect(buffers.size).toBe(6);
    expect(memory.capacity).toBe(32768);
    for (let i = 0; i < 1100; i++) expect(memory.bytes[i * PAGE_SIZE]).toBe(i & 0xff);
    expect(memory.grow(1)).toBe(-1);
  });

  it('asks for less when the host cannot give the reserve: the fourfold step, then exactly what is needed', () => {
    const largest = { bytes: 0 };
    const Native = globalThis.ArrayBuffer;
    class Limited extends Native {
      constructor(length: number) {
        if (length > largest.bytes) throw new RangeError('Array buffer allocation failed');
        super(length);
      }
    }
    vi.stubGlobal('ArrayBuffer', Limited);
    try {
      const memory = new LinearMemory(32768);
      largest.bytes = 2048 * PAGE_SIZE;
      expect(memory.grow(300)).toBe(0);
      memory.bytes[299 * PAGE_SIZE] = 9;
      // 300 pages * 4 = 1200 would call for the cap; the host gives 1200 pages
      expect(memory.grow(1)).toBe(300);
      expect(memory.capacity).toBe(1200);
      largest.bytes = 1500 * PAGE_SIZE;
      // 1202 pages: the cap and 4800 are refused, exactly 1202 is given
      expect(memory.grow(901)).toBe(301);
      expect(memory.capacity).toBe(1202);
      expect(memory.bytes[299 * PAGE_SIZE]).toBe(9);
      expect(memory.grow(400)).toBe(-1);
      expect(memory.pages).toBe(1202);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('refuses deltas over 65536 pages and growth past the cap, leaving the memory as it was', () => {
    const memory = new LinearMemory(3);
    expect(memory.grow(2)).toBe(0);
    memory.bytes[5] = 7;
    expect(memory.grow(65537)).toBe(-1);
    expect(memory.grow(2)).toBe(-1);
    expect(memory.pages).toBe(2);
    expect(memory.bytes[5]).toBe(7);
    expect(memory.grow(1)).toBe(2);
    expect(memory.grow(0)).toBe(3);
  });
});
