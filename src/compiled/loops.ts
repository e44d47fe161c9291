/**
 * Loops the translator writes as JavaScript loops of their own. Generated code dispatches on a
 * label in `for (;;) switch (label)`; a loop run that way goes through the dispatch on every
 * pass, and the engine sees no loop to optimise. A loop whose body is laid out in one range,
 * entered only at its header, with every other label in it reached only by forward jumps from
 * inside it (or the header of a loop nested in it, which may also be reached from inside that
 * loop), becomes `L: for (;;) { … }` instead: its back edges `continue L`, its inner labels the
 * ends of nested blocks (`break B`), jumps out of it go through the dispatch as before.
 */

/** What the analysis reads of an op. */
export interface LaidOutOp {
  readonly ip: number;
}

export interface StructuredLoop {
  /** Index, in its range's ops, of the header (a label) and of the last op that jumps back to it. */
  readonly first: number;
  readonly last: number;
  /** The labels in the body this loop closes a block at, in layout order: those not inside a nested loop, and nested loops' headers. */
  readonly inner: readonly number[];
  /** The loops directly inside it. */
  readonly nested: readonly StructuredLoop[];
}

/** How deep loops nest at most as JavaScript loops (the rest goes through the dispatch). */
const MAX_DEPTH = 4;

/**
 * The structurable loops of each range, keyed by the index of their header there (nested ones
 * too). `targetsOf` gives every ip an op may continue at other than the next op (branch targets,
 * a call's return address); `labels` are the ips something jumps to or the interpreter enters at.
 */
export function structuredLoops<O extends LaidOutOp>(
  ranges: ReadonlyArray<readonly O[]>,
  labels: ReadonlySet<number>,
  targetsOf: (o: O) => readonly number[],
  isCall: (o: O) => boolean,
): Array<Map<number, StructuredLoop>> {
  // Where each op is, and who jumps to each label.
  const rangeOf = new Map<number, number>();
  const indexOf = new Map<number, number>();
  const sources = new Map<number, number[]>();
  ranges.forEach((ops, r) =>
    ops.forEach((o, i) => {
      rangeOf.set(o.ip, r);
      indexOf.set(o.ip, i);
    }),
  );
  for (const ops of ranges) {
    for (const o of ops) {
      for (const target of targetsOf(o)) {
        if (!labels.has(target)) continue;
        let list = sources.get(target);
        if (!list) sources.set(target, (list = []));
        list.push(o.ip);
      }
    }
  }
  return ranges.map((ops, r) => {
    const inRange = (source: number, from: number, to: number) => rangeOf.get(source) === r && indexOf.get(source)! >= from && indexOf.get(source)! <= to;
    const found = new Map<number, StructuredLoop>();
    // Innermost loops first, then the loops around them.
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      let more = false;
      for (let first = 0; first < ops.length; first++) {
        const header = ops[first]!.ip;
        if (!labels.has(header) || found.has(first)) continue;
        let last = -1;
        for (const source of sources.get(header) ?? []) {
          const i = indexOf.get(source)!;
          if (rangeOf.get(source) === r && i >= first && i > last && !isCall(ops[i]!)) last = i;
        }
        if (last < 0) continue;
        const loop = structure(first, last);
        if (loop) {
          found.set(first, loop);
          more = true;
        }
      }
      if (!more) break;
    }
    return found;

    function structure(first: number, last: number): StructuredLoop | undefined {
      const inner: number[] = [];
      const nested: StructuredLoop[] = [];
      for (let i = first + 1; i <= last; i++) {
        const ip = ops[i]!.ip;
        if (!labels.has(ip)) continue;
        inner.push(ip);
        const loop = found.get(i);
        if (loop) {
          if (loop.last > last) return undefined; // not nested: the two overlap
          for (const source of sources.get(ip)!) if (!inRange(source, first, i - 1) && !inRange(source, i, loop.last)) return undefined;
          nested.push(loop);
          i = loop.last; // what is inside it, it structured
          continue;
        }
        // Reached only from inside the body, by jumps forward.
        for (const source of sources.get(ip) ?? []) if (!inRange(source, first, i - 1)) return undefined;
      }
      return { first, last, inner, nested };
    }
  });
}
