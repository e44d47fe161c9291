/**
 * V8 keeps compiled modules in a cache keyed by the exact bytes, so a benchmark that compiles
 * the same Wasm repeatedly must hand it a distinct copy each time: the same module plus a
 * custom section holding a counter. (Our compiler gets the same copies, to be fair.)
 */
export function freshCopies(wasm: Uint8Array): () => Uint8Array {
  let counter = 0;
  return () => {
    const tag = new TextEncoder().encode(`bench-${counter++}`);
    const copy = new Uint8Array(wasm.length + 3 + tag.length);
    copy.set(wasm);
    // custom section: id 0, size, then the name (length-prefixed) and no payload
    copy.set([0, tag.length + 1, tag.length], wasm.length);
    copy.set(tag, wasm.length + 3);
    return copy;
  };
}
