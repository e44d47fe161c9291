import { RwasmError } from '../errors.js';
import { InstructionSet } from './instruction-set.js';
import { Immediate, OPCODE_TABLE, Opcode, opcodeIndex } from './opcodes.js';
import { trapCodeFromWire } from './trap-codes.js';
import { MAX_TABLES, RULE_BY_CODE, breaksOwnRule, needsPayload } from './verify.js';

export const RWASM_MAGIC = [0xef, 0x52] as const;
export const RWASM_VERSION = 0x01;

/** The five fields of a module, as read from bytes. */
export interface ModuleParts {
  code: InstructionSet;
  data: Uint8Array;
  elem: Uint32Array;
  hint: Uint8Array;
  sourcePc: number;
}

const TWO_POW_32 = 0x1_0000_0000;

/**
 * A bounds-checked little-endian reader that fails the way bincode's legacy config does:
 * `UnexpectedEnd` carrying how many more bytes the failing read needed.
 */
class Reader {
  offset = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  need(size: number | bigint, what: string): void {
    const remaining = this.remaining;
    if (typeof size === 'number' ? size > remaining : size > BigInt(remaining)) {
      const additional = BigInt(size) - BigInt(remaining);
      throw new RwasmError(
        'UnexpectedEnd',
        `unexpected end of input at byte offset ${this.offset} while reading ${what}: ${additional} more byte(s) needed`,
        { offset: this.offset, additional: Number(additional) <= Number.MAX_SAFE_INTEGER ? Number(additional) : additional.toString() },
      );
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  /** A u64 length; values beyond 2^53 come back as bigint so no length is ever rounded. */
  u64(what: string): number | bigint {
    this.need(8, what);
    const lo = this.view.getUint32(this.offset, true);
    const hi = this.view.getUint32(this.offset + 4, true);
    this.offset += 8;
    // A length below 2^32 comes back as the u32 itself: the product would be a boxed double, and a
    // double stored into `offset` turns that field into one for every later Reader (the decoder's
    // fast loop then deoptimized at each exit).
    if (hi === 0) return lo;
    return hi < 0x200000 ? hi * TWO_POW_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
  }

  bytesOf(length: number | bigint, what: string): Uint8Array {
    this.need(length, what);
    const start = this.offset;
    this.offset += Number(length);
    return this.bytes.slice(start, this.offset);
  }
}

// Immediate kind by wire code (-1: no such opcode).
const KIND_BY_CODE = (() => {
  const table = new Int8Array(Math.max(...OPCODE_TABLE.map(([, code]) => code)) + 1).fill(-1);
  for (const [, code, kind] of OPCODE_TABLE) table[code] = kind;
  return table;
})();

/**
 * The fast path's whole view of an opcode, by wire code, in one number: the 16-bit halves it
 * takes (Fast.Size bits: 2 with no immediate, 3 with a u16, 4 with a 32-bit word) and what else
 * the pass must note of it. 0: the checked path decodes it (a trap code to validate, or no such
 * opcode).
 */
const FAST = new Uint8Array(KIND_BY_CODE.length);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// An enum, not constants: the build writes its members into the loop as literals (a module-level
// constant is a context-slot load per use in unoptimised code).
const enum Fast {
  Size = 7,
  Rule = 8,
  Payload = 16,
  Global = 32,
  // The two rules most instructions have, checked in the loop (a call per instruction is what a cold loop pays most for).
  LocalDepth = 64,
  Branch = 128,
}
for (let code = 0; code < KIND_BY_CODE.length; code++) {
  const kind = KIND_BY_CODE[code]!;
  let fast = 0;
  if (kind === Immediate.None) fast = 2;
  else if (kind === Immediate.U16) fast = 3;
  else if (kind === Immediate.U32 || kind === Immediate.I32 || kind === Immediate.U16Pair) fast = 4;
  else continue;
  if (code === Opcode.LocalGet || code === Opcode.LocalSet || code === Opcode.LocalTee) fast |= Fast.LocalDepth;
  else if (code === Opcode.Br || code === Opcode.BrIfEqz || code === Opcode.BrIfNez) fast |= Fast.Branch;
  else if (code < RULE_BY_CODE.length && RULE_BY_CODE[code] !== 0) fast |= Fast.Rule;
  if (needsPayload(code)) fast |= Fast.Payload;
  if (code === Opcode.GlobalGet || code === Opcode.GlobalSet) fast |= Fast.Global;
  FAST[code] = fast;
}

/** What one pass over the code section finds besides the instructions. */
export interface CodeFacts {
  /** The first pc that breaks an instruction rule of verification, or -1. */
  readonly firstInvalidPc: number;
  /** The global indices GlobalGet/GlobalSet name, each once, in the order first named. */
  readonly globalIndices: Uint32Array;
}

const GLOBAL_GET: number = Opcode.GlobalGet;
const GLOBAL_SET: number = Opcode.GlobalSet;
const TABLE_GET: number = Opcode.TableGet;

/** Where a pass over the code stands. */
interface Scan {
  pc: number;
  at: number;
  firstInvalidPc: number;
  /** The pc of the instruction whose TableGet payload the next one must be (-2: none). */
  payloadFor: number;
  readonly globals: GlobalsSeen;
  /**
   * The code from byte `first` on, copied aligned and read in 16-bit halves (typed-array loads,
   * not DataView calls, are what an unoptimised loop does cheaply; every instruction is a whole
   * number of halves). Undefined on a big-endian host: the checked path reads everything there.
   */
  readonly halves: Uint16Array | undefined;
  readonly first: number;
}

/**
 * Reads the code section in one pass that also applies verification's instruction rules and
 * collects the global indices, so a decoded module needs no second pass over its code.
 */
function decodeCode(reader: Reader): { code: InstructionSet; facts: CodeFacts } {
  const count = reader.u64('code section length');
  // Never trust the declared count for allocation: every instruction takes at least 4 bytes.
  const plausible = Math.min(Number(count), Math.floor(reader.remaining / 4));
  const total = Number(count);
  const codes = new Uint16Array(Math.max(plausible, 1));
  const bits = new Uint32Array(Math.max(plausible, 1));
  const first = reader.offset;
  let halves: Uint16Array | undefined;
  if (LITTLE_ENDIAN) {
    halves = new Uint16Array((reader.bytes.length - first) >>> 1);
    new Uint8Array(halves.buffer).set(reader.bytes.subarray(first, first + 2 * halves.length));
  }
  const scan: Scan = { pc: 0, at: first, firstInvalidPc: -1, payloadFor: -2, globals: new GlobalsSeen(), halves, first };
  for (;;) {
    scanWhileWhole(scan, codes, bits, total);
    if (scan.pc >= total) break;
    // One instruction the fast path does not take (the last few bytes, a trap code, anything invalid).
    const pc = scan.pc;
    reader.offset = scan.at;
    const start = reader.offset;
    const wire = reader.u32(`opcode of instruction ${pc}`);
    const index = opcodeIndex(wire);
    if (index < 0) {
      throw new RwasmError('InvalidOpcode', `invalid opcode ${wire} at byte offset ${start} (instruction ${pc})`, {
        offset: start,
        pc,
        opcode: wire,
      });
    }
    const imm = decodeImmediateChecked(reader, OPCODE_TABLE[index]![2], pc);
    codes[pc] = wire;
    bits[pc] = imm;
    noteInstruction(scan, wire, imm, pc, total);
    scan.pc = pc + 1;
    scan.at = reader.offset;
  }
  reader.offset = scan.at;
  const code = InstructionSet.fromRaw(codes, bits, total);
  const { firstInvalidPc, payloadFor } = scan;
  return {
    code,
    facts: {
      firstInvalidPc: firstInvalidPc < 0 && payloadFor >= 0 && payloadFor === total - 1 ? payloadFor : firstInvalidPc,
      globalIndices: scan.globals.inOrder(),
    },
  };
}

/** What verification and the global scan note of one instruction (the checked path's copy of the fast loop's). */
function noteInstruction(scan: Scan, wire: number, imm: number, pc: number, total: number): void {
  if (scan.firstInvalidPc < 0 && breaksOwnRule(wire, imm, pc, total)) scan.firstInvalidPc = pc;
  if (scan.payloadFor === pc - 1) {
    if ((wire !== TABLE_GET || imm >= MAX_TABLES) && (scan.firstInvalidPc < 0 || scan.firstInvalidPc > pc - 1)) scan.firstInvalidPc = pc - 1;
    scan.payloadFor = -2;
  }
  if (needsPayload(wire)) scan.payloadFor = pc;
  else if (wire === GLOBAL_GET || wire === GLOBAL_SET) scan.globals.add(imm);
}

/**
 * The fast path, while a whole instruction (at most 8 bytes) surely fits; at the last few bytes,
 * a trap code or anything invalid it stops and the checked path decodes that one instruction.
 * A function of its own, small, so the engine optimizes it early in a cold process; a cold
 * process runs much of it unoptimised, so each instruction costs as few bytecodes as it can: one
 * table read says its size and what to note, and a payload-taking instruction checks its
 * payload itself (no per-instruction test for "the last one wanted a payload").
 */
function scanWhileWhole(scan: Scan, codes: Uint16Array, bits: Uint32Array, total: number): void {
  const { halves, first } = scan;
  if (halves === undefined) return; // the checked path reads every instruction
  // The checked path decoded a payload-taking instruction last: it checks the payload too.
  if (scan.payloadFor === scan.pc - 1) return;
  const lastFast = halves.length - 4;
  const globals = scan.globals;
  const fastOf = FAST; // a register, not a context slot, in unoptimised code
  const known = fastOf.length;
  let firstInvalidPc = scan.firstInvalidPc;
  let payloadFor = -2;
  let at = (scan.at - first) >>> 1;
  let pc = scan.pc;
  for (; pc < total && at <= lastFast; pc++) {
    const wire = halves[at]!;
    const fast = wire < known && halves[at + 1] === 0 ? fastOf[wire]! : 0;
    if (fast === 0) break; // the checked path decodes it (or reports it)
    const size = fast & Fast.Size;
    const imm = size === 2 ? 0 : size === 3 ? halves[at + 2]! : (halves[at + 2]! | (halves[at + 3]! << 16)) >>> 0;
    at += size;
    codes[pc] = wire;
    bits[pc] = imm;
    if (fast === size) continue;
    if (firstInvalidPc < 0) {
      if ((fast & Fast.LocalDepth) !== 0) {
        if (imm === 0) firstInvalidPc = pc;
      } else if ((fast & Fast.Branch) !== 0) {
        const target = pc + (imm | 0);
        if (imm === 0 || target < 0 || target >= total) firstInvalidPc = pc;
      } else if ((fast & Fast.Rule) !== 0 && breaksOwnRule(wire, imm, pc, total)) firstInvalidPc = pc;
    }
    if ((fast & Fast.Global) !== 0) globals.add(imm);
    else if ((fast & Fast.Payload) !== 0) {
      if (pc + 1 >= total || at > lastFast) {
        // The payload is past the fast path's reach: whoever reads it checks it.
        payloadFor = pc;
        pc++;
        break;
      }
      // TableGet's immediate is a u16: the half after its opcode word.
      const isPayload = halves[at] === TABLE_GET && halves[at + 1] === 0 && halves[at + 2]! < MAX_TABLES;
      if (!isPayload && firstInvalidPc < 0) firstInvalidPc = pc;
    }
  }
  scan.pc = pc;
  scan.at = first + 2 * at;
  scan.firstInvalidPc = firstInvalidPc;
  scan.payloadFor = payloadFor;
}

/** The global indices named, each once, in the order first named (small ones without hashing: most code names a few). */
class GlobalsSeen {
  private readonly small = new Uint8Array(256);
  private readonly large = new Set<number>();
  private readonly order: number[] = [];

  add(index: number): void {
    if (index < 256) {
      if (this.small[index] !== 0) return;
      this.small[index] = 1;
    } else {
      if (this.large.has(index)) return;
      this.large.add(index);
    }
    this.order.push(index);
  }

  inOrder(): Uint32Array {
    return Uint32Array.from(this.order);
  }
}

function decodeImmediateChecked(reader: Reader, kind: Immediate, pc: number): number {
  switch (kind) {
    case Immediate.None:
      return 0;
    case Immediate.U32:
    case Immediate.I32:
      return reader.u32(`immediate of instruction ${pc}`);
    case Immediate.U16:
      return reader.u16(`immediate of instruction ${pc}`);
    case Immediate.U16Pair: {
      const dst = reader.u16(`destination table of instruction ${pc}`);
      const src = reader.u16(`source table of instruction ${pc}`);
      return (dst | (src << 16)) >>> 0;
    }
    case Immediate.TrapCode: {
      const immAt = reader.offset;
      const position = reader.u32(`trap code of instruction ${pc}`);
      const trap = trapCodeFromWire(position);
      if (trap === undefined) {
        throw new RwasmError('InvalidTrapCode', `invalid trap code ${position} at byte offset ${immAt} (instruction ${pc})`, {
          offset: immAt,
          pc,
          value: position,
        });
      }
      return trap;
    }
  }
}

function decodeElem(reader: Reader): Uint32Array {
  const count = reader.u64('element section length');
  const fits = Math.floor(reader.remaining / 4);
  if (BigInt(count) > BigInt(fits)) {
    // Read element by element like the reference so the error names the first missing one.
    reader.offset += fits * 4;
    reader.need(4, `element ${fits}`);
  }
  const elem = new Uint32Array(Number(count));
  for (let i = 0; i < elem.length; i++) elem[i] = reader.u32(`element ${i}`);
  return elem;
}

/**
 * Decodes one module from the start of `bytes`, returning it, the number of bytes it took and
 * what the pass over its code found. Trailing bytes after the module are left for the caller.
 */
export function decodeModuleParts(bytes: Uint8Array): { parts: ModuleParts; bytesRead: number; facts: CodeFacts } {
  if (!(bytes instanceof Uint8Array)) {
    throw new RwasmError('InvalidArgument', 'rWasm bytes must be a Uint8Array');
  }
  const reader = new Reader(bytes);
  const magic0 = reader.u8('magic');
  const magic1 = reader.u8('magic');
  if (magic0 !== RWASM_MAGIC[0] || magic1 !== RWASM_MAGIC[1]) {
    const hex = (b: number) => b.toString(16).padStart(2, '0');
    throw new RwasmError(
      'BadMagic',
      `not an rWasm module: magic bytes at byte offset 0 are ${hex(magic0)} ${hex(magic1)}, expected ef 52`,
      { offset: 0 },
    );
  }
  const version = reader.u8('version');
  if (version !== RWASM_VERSION) {
    throw new RwasmError('UnsupportedVersion', `unsupported rWasm version ${version} at byte offset 2 (only 1 is known)`, {
      offset: 2,
      version,
    });
  }
  const { code, facts } = decodeCode(reader);
  const data = reader.bytesOf(reader.u64('data section length'), 'data section');
  const elem = decodeElem(reader);
  const hint = reader.bytesOf(reader.u64('hint section length'), 'hint section');
  // Legacy modules end right after the hint section; their source_pc is 0.
  const sourcePc = reader.remaining === 0 ? 0 : reader.u32('source_pc');
  return { parts: { code, data, elem, hint, sourcePc }, bytesRead: reader.offset, facts };
}
