/**
 * Coverage-guided inputs for fast-check: a coverage map to hand to a Machine or SystemRuntime,
 * a corpus of the inputs that reached new edges, and an arbitrary that draws fresh inputs or
 * mutations of the corpus, so a property finds what random inputs alone would not.
 */
import fc from 'fast-check';
import { RwasmError } from '../index.js';

/** AFL's hit-count classes: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+ as one bit each. */
const BUCKET = (() => {
  const table = new Uint8Array(256);
  for (let n = 1; n < 256; n++) table[n] = n === 1 ? 1 : n === 2 ? 2 : n === 3 ? 4 : n < 8 ? 8 : n < 16 ? 16 : n < 32 ? 32 : n < 128 ? 64 : 128;
  return table;
})();

export class CoverageCorpus {
  /** Give this to `coverage` of the Machine or SystemRuntime that runs each input. */
  readonly map: Uint8Array;
  /** The inputs that reached an edge (or an edge count class) no earlier input had, in order. */
  readonly inputs: Uint8Array[] = [];
  private readonly seen: Uint8Array;
  private edgeCount = 0;

  constructor(mapBytes = 1 << 16) {
    if (!Number.isInteger(mapBytes) || mapBytes < 1 || mapBytes > 1 << 24) throw new RwasmError('InvalidArgument', 'a coverage map is 1 to 2^24 bytes');
    this.map = new Uint8Array(mapBytes);
    this.seen = new Uint8Array(mapBytes);
  }

  /** Distinct edges reached so far. */
  get edges(): number {
    return this.edgeCount;
  }

  /**
   * Call after each run of `input`: keeps the input when the map shows something new, clears
   * the map for the next run, and answers how many map bytes were new.
   */
  observe(input: Uint8Array): number {
    let fresh = 0;
    const { map, seen } = this;
    for (let i = 0; i < map.length; i++) {
      const hits = map[i]!;
      if (hits === 0) continue;
      const bucket = BUCKET[hits]!;
      if ((seen[i]! & bucket) === 0) {
        if (seen[i] === 0) this.edgeCount++;
        seen[i]! |= bucket;
        fresh++;
      }
    }
    map.fill(0);
    if (fresh > 0) this.inputs.push(input.slice());
    return fresh;
  }

  /**
   * Inputs for a property: `fresh` ones half of the time (all of the time while the corpus is
   * empty), otherwise a corpus input (the latest ones, which reached furthest, more often) with
   * one or two bytes overwritten, flipped, inserted or removed. The corpus is read when each
   * input is drawn, so it grows as the property runs.
   */
  arbitrary(fresh: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 64 })): fc.Arbitrary<Uint8Array> {
    const edit = fc.record({ kind: fc.nat(19), at: fc.nat(), value: fc.nat(255) });
    return fc.boolean().chain((useCorpus) => {
      if (!useCorpus || this.inputs.length === 0) return fresh;
      return fc.tuple(fc.boolean(), fc.nat(), fc.array(edit, { minLength: 1, maxLength: 2 })).map(([latest, pick, edits]) => {
        const count = this.inputs.length;
        const base = this.inputs[latest ? count - 1 - (pick % Math.min(count, 4)) : pick % count]!;
        let bytes = Array.from(base);
        for (const { kind, at, value } of edits) {
          // 12 in 20: overwrite, 3: flip a bit, 3: insert, 2: remove.
          if (kind >= 15 && kind < 18) {
            bytes.splice(at % (bytes.length + 1), 0, value);
          } else if (bytes.length === 0) {
            bytes.push(value);
          } else if (kind >= 18) {
            const i = at % bytes.length;
            bytes = bytes.filter((_, k) => k !== i);
          } else {
            const i = at % bytes.length;
            bytes[i] = kind < 12 ? value : bytes[i]! ^ (1 << (value & 7));
          }
        }
        return Uint8Array.from(bytes);
      });
    });
  }
}
