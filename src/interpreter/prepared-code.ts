/**
 * The block engine's prepared code: one growing `Int32Array` of ops (engine.ts) with, for each
 * op, the pc of the rWasm instruction it reports traps and stops at. Units are appended as they
 * are prepared; a grow replaces the arrays, and the engine reloads them after anything that may
 * have prepared more.
 */
export class PreparedCode {
  code = new Int32Array(1024);
  /** pc of the instruction behind the op starting at each ip (-1 between ops). */
  pcOfIp = new Int32Array(1024).fill(-1);
  size = 0;
  /** Where the last op emitted starts (-1 after a header), and the one before it (for one truncation). */
  last = -1;
  private beforeLast = -1;

  /** Reserves `words` and returns where they start; the op there reports `pc` (-1: no op starts there). */
  reserve(words: number, pc: number): number {
    const at = this.size;
    if (at + words > this.code.length) this.grow(at + words);
    this.pcOfIp[at] = pc;
    this.size = at + words;
    this.beforeLast = this.last;
    this.last = pc >= 0 ? at : -1;
    return at;
  }

  /** Two words no op starts at: the range check calls and returns read before entering a region. */
  header(lo: number, limit: number): number {
    const at = this.reserve(2, -1);
    this.code[at] = lo;
    this.code[at + 1] = limit;
    return at;
  }

  emit1(op: number, pc: number, a: number): number {
    const at = this.reserve(2, pc);
    this.code[at] = op;
    this.code[at + 1] = a;
    return at;
  }

  emit2(op: number, pc: number, a: number, b: number): number {
    const at = this.reserve(3, pc);
    const code = this.code;
    code[at] = op;
    code[at + 1] = a;
    code[at + 2] = b;
    return at;
  }

  emit3(op: number, pc: number, a: number, b: number, c: number): number {
    const at = this.reserve(4, pc);
    const code = this.code;
    code[at] = op;
    code[at + 1] = a;
    code[at + 2] = b;
    code[at + 3] = c;
    return at;
  }

  /** An op of any size: `words` after the opcode. */
  emit(op: number, pc: number, ...words: number[]): number {
    const at = this.reserve(1 + words.length, pc);
    this.code[at] = op;
    for (let i = 0; i < words.length; i++) this.code[at + 1 + i] = words[i]!;
    return at;
  }

  /** Forgets everything from `size` on (an op the lowering takes back). */
  truncate(size: number): void {
    this.pcOfIp.fill(-1, size, this.size);
    this.size = size;
    this.last = size === this.last ? this.beforeLast : -1;
    this.beforeLast = -1;
  }

  get bytes(): number {
    return this.code.byteLength + this.pcOfIp.byteLength;
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.code.length * 2);
    const code = new Int32Array(capacity);
    code.set(this.code.subarray(0, this.size));
    const pcOfIp = new Int32Array(capacity).fill(-1);
    pcOfIp.set(this.pcOfIp.subarray(0, this.size));
    this.code = code;
    this.pcOfIp = pcOfIp;
  }
}
