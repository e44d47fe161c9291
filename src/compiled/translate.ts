/**
 * The compiled tier's translator: a range of the block engine's prepared code (a chain of
 * blocks, as lazy-unit.ts lays it out) becomes the body of a JavaScript function that does what
 * the dispatch loop would do with those ops, on the same state: the value stack, memory,
 * globals and the fuel budget. Values stay in the stack's slots, so at any point between ops the
 * state is the interpreter's.
 *
 * An op the translation does not cover, or one about to trap (a load out of bounds, a division
 * by zero), or fuel that does not cover a charge, returns that op's ip unexecuted: the
 * interpreter runs it and stops exactly where it would have. A branch out of the range returns
 * its target. So the generated code never stops a run itself, and every stop point, trap and
 * fuel figure is the interpreter's.
 *
 * Only numbers the translator writes itself reach the source: slot offsets, immediates and ips
 * read from the prepared code (int32 words), never text from the module.
 */
import { Op, OP_WORDS } from '../interpreter/engine.js';

/** Parameters of the function the source is the body of; then those of the factory around it. */
export const COMPILED_PARAMETERS = ['stack', 'sp', 'memory', 'view', 'memLen', 'globals', 'fuelBox', 'entry'] as const;
export const FACTORY_PARAMETERS = ['mulHigh', 'compareI64'] as const;

/** Ops that leave compiled code for the interpreter as a matter of course (calls and returns). */
const EXITS = new Set<Op>([Op.Call, Op.CallIndirect, Op.ReturnCall, Op.ReturnCallIndirect, Op.Return, Op.Syscall]);
/** Larger br_tables stay with the interpreter (an op of its own there, a huge switch here). */
const MAX_TABLE_CASES = 1024;

interface Scanned {
  readonly ip: number;
  readonly op: Op;
  readonly width: number;
}

/** The ops in [from, to), skipping region headers; undefined when the range is not plain ops. */
function scan(code: Int32Array, pcOfIp: Int32Array, from: number, to: number): Scanned[] | undefined {
  const ops: Scanned[] = [];
  for (let ip = from; ip < to; ) {
    if (pcOfIp[ip]! < 0) {
      ip += 2; // the range check words before a block that calls and returns enter
      continue;
    }
    const op = code[ip]! as Op;
    const width = op === Op.BrTable ? 3 + code[ip + 2]! : OP_WORDS[op];
    if (width === undefined || width <= 0 || ip + width > to) return undefined;
    ops.push({ ip, op, width });
    ip += width;
  }
  return ops;
}

const BINARY: Partial<Record<Op, (a: string, b: string) => string>> = {
  [Op.Add]: (a, b) => `(${a} + ${b}) | 0`,
  [Op.Sub]: (a, b) => `(${a} - ${b}) | 0`,
  [Op.Mul]: (a, b) => `Math.imul(${a}, ${b})`,
  [Op.And]: (a, b) => `${a} & ${b}`,
  [Op.Or]: (a, b) => `${a} | ${b}`,
  [Op.Xor]: (a, b) => `${a} ^ ${b}`,
  [Op.Shl]: (a, b) => `${a} << ${b}`,
  [Op.ShrS]: (a, b) => `${a} >> ${b}`,
  [Op.ShrU]: (a, b) => `(${a} >>> ${b}) | 0`,
  [Op.Eq]: (a, b) => `${a} === ${b} ? 1 : 0`,
  [Op.Ne]: (a, b) => `${a} !== ${b} ? 1 : 0`,
  [Op.LtS]: (a, b) => `${a} < ${b} ? 1 : 0`,
  [Op.LtU]: (a, b) => `${a} >>> 0 < ${b} >>> 0 ? 1 : 0`,
  [Op.GtS]: (a, b) => `${a} > ${b} ? 1 : 0`,
  [Op.GtU]: (a, b) => `${a} >>> 0 > ${b} >>> 0 ? 1 : 0`,
  [Op.LeS]: (a, b) => `${a} <= ${b} ? 1 : 0`,
  [Op.LeU]: (a, b) => `${a} >>> 0 <= ${b} >>> 0 ? 1 : 0`,
  [Op.GeS]: (a, b) => `${a} >= ${b} ? 1 : 0`,
  [Op.GeU]: (a, b) => `${a} >>> 0 >= ${b} >>> 0 ? 1 : 0`,
};

/** The immediate forms, by the binary op they share a formula with. */
const IMMEDIATE: Partial<Record<Op, Op>> = {
  [Op.AddI]: Op.Add, [Op.MulI]: Op.Mul, [Op.AndI]: Op.And, [Op.OrI]: Op.Or, [Op.XorI]: Op.Xor,
  [Op.ShlI]: Op.Shl, [Op.ShrSI]: Op.ShrS, [Op.ShrUI]: Op.ShrU, [Op.EqI]: Op.Eq, [Op.NeI]: Op.Ne,
  [Op.LtSI]: Op.LtS, [Op.LtUI]: Op.LtU, [Op.GtSI]: Op.GtS, [Op.GtUI]: Op.GtU, [Op.LeSI]: Op.LeS,
  [Op.LeUI]: Op.LeU, [Op.GeSI]: Op.GeS, [Op.GeUI]: Op.GeU,
};

/** Conditions of the compare-and-branch ops on (a, b), by the comparison they share a formula with. */
const BRANCH: Partial<Record<Op, Op>> = {
  [Op.BrEq]: Op.Eq, [Op.BrNe]: Op.Ne, [Op.BrLtS]: Op.LtS, [Op.BrLtU]: Op.LtU, [Op.BrGtS]: Op.GtS,
  [Op.BrGtU]: Op.GtU, [Op.BrLeS]: Op.LeS, [Op.BrLeU]: Op.LeU, [Op.BrGeS]: Op.GeS, [Op.BrGeU]: Op.GeU,
};
const BRANCH_IMMEDIATE: Partial<Record<Op, Op>> = {
  [Op.BrEqI]: Op.Eq, [Op.BrNeI]: Op.Ne, [Op.BrLtSI]: Op.LtS, [Op.BrLtUI]: Op.LtU, [Op.BrGtSI]: Op.GtS,
  [Op.BrGtUI]: Op.GtU, [Op.BrLeSI]: Op.LeS, [Op.BrLeUI]: Op.LeU, [Op.BrGeSI]: Op.GeS, [Op.BrGeUI]: Op.GeU,
};

/** Loads: bytes read, and the value read at `a`. */
const LOAD: Partial<Record<Op, [number, (a: string) => string]>> = {
  [Op.Load32]: [4, (a) => `view.getInt32(${a}, true)`],
  [Op.Load8S]: [1, (a) => `(memory[${a}] << 24) >> 24`],
  [Op.Load8U]: [1, (a) => `memory[${a}]`],
  [Op.Load16S]: [2, (a) => `view.getInt16(${a}, true)`],
  [Op.Load16U]: [2, (a) => `view.getUint16(${a}, true)`],
};
const LOAD_BY_SUM: Partial<Record<Op, Op>> = {
  [Op.Load32A]: Op.Load32, [Op.Load8SA]: Op.Load8S, [Op.Load8UA]: Op.Load8U, [Op.Load16SA]: Op.Load16S,
  [Op.Load16UA]: Op.Load16U, [Op.Load32R]: Op.Load32, [Op.Load8UR]: Op.Load8U, [Op.Load32S]: Op.Load32,
};
const STORE: Partial<Record<Op, [number, (a: string, v: string) => string]>> = {
  [Op.Store32]: [4, (a, v) => `view.setInt32(${a}, ${v}, true)`],
  [Op.Store8]: [1, (a, v) => `memory[${a}] = ${v}`],
  [Op.Store16]: [2, (a, v) => `view.setInt16(${a}, ${v}, true)`],
};

/**
 * The body of a function running the ops in `ranges` (each [from, to) of prepared code), entered
 * at any of their Compiled ops (`entry`); undefined when there is nothing worth translating, or,
 * with `opsPerExit` > 0, no loop or fewer ops than that per call and return (straight code, and
 * code that leaves for calls every few ops, gain less than entering and leaving costs).
 */
export function translateRanges(code: Int32Array, pcOfIp: Int32Array, ranges: ReadonlyArray<readonly [number, number]>, opsPerExit = 0): string | undefined {
  const scanned: Scanned[][] = [];
  for (const [from, to] of ranges) {
    const ops = scan(code, pcOfIp, from, to);
    if (!ops) return undefined;
    scanned.push(ops);
  }
  const all = scanned.flat();
  if (all.length === 0) return undefined;
  const starts = new Set(all.map((o) => o.ip));
  const labels = new Set<number>(all.filter((o) => o.op === Op.Compiled).map((o) => o.ip));
  const targetsOf = (o: Scanned): number[] => {
    const w = (k: number) => code[o.ip + k]!;
    if (o.op === Op.Jump) return [w(1)];
    if (o.op === Op.BrNez || o.op === Op.BrEqz) return [w(2)];
    if (BRANCH[o.op] !== undefined || BRANCH_IMMEDIATE[o.op] !== undefined) return [w(3)];
    if (o.op === Op.AddIBrNeI) return [w(5)];
    if (o.op === Op.AddIBrNez) return [w(4)];
    if (o.op === Op.BrTable) return Array.from({ length: w(2) }, (_, k) => w(3 + k));
    return [];
  };
  let loops = false;
  for (const o of all) {
    for (const t of targetsOf(o)) {
      if (!starts.has(t)) continue;
      labels.add(t);
      // a branch back, or into another range: control can come round again
      if (t <= o.ip) loops = true;
    }
  }
  if (opsPerExit > 0) {
    // Exits: calls and returns, and a br_table's targets elsewhere (a dispatch that leaves on most of its cases).
    let exits = 0;
    for (const o of all) {
      if (EXITS.has(o.op)) exits++;
      else if (o.op === Op.BrTable) exits += targetsOf(o).filter((t) => !labels.has(t)).length;
    }
    if (!loops || all.length < opsPerExit * exits) return undefined;
  }

  const usesFuel = all.some((o) => o.op === Op.Fuel);
  const leave = (ip: number) => `{ ${usesFuel ? 'fuelBox[0] = fuel; ' : ''}return ${ip}; }`;
  const goTo = (ip: number) => (labels.has(ip) ? `{ label = ${ip}; continue; }` : leave(ip));
  let translated = 0;
  const lines: string[] = [];
  if (usesFuel) lines.push('let fuel = fuelBox[0];');
  lines.push('let label = entry;', 'for (;;) {', 'switch (label) {');
  for (const ops of scanned) {
    for (const o of ops) {
      if (labels.has(o.ip)) lines.push(`case ${o.ip}:`);
      if (o.op === Op.Compiled) continue; // where the interpreter comes in: nothing to do here
      const statement = translateOp(code, o, goTo, leave);
      if (statement === undefined) {
        lines.push(leave(o.ip));
        continue;
      }
      translated++;
      lines.push(statement);
    }
    // Past the end of a range: what follows in memory is not this code's.
    const last = ops[ops.length - 1];
    if (last) lines.push(leave(last.ip + last.width));
  }
  // An entry that is no label of this code (none is): the interpreter steps over its Compiled op.
  lines.push('default: return label + 4;', '}', '}');
  if (translated === 0) return undefined;
  return lines.join('\n');
}

/** One op's statements; undefined when the op is left to the interpreter. */
function translateOp(code: Int32Array, o: Scanned, goTo: (ip: number) => string, leave: (ip: number) => string): string | undefined {
  const w = (k: number) => code[o.ip + k]! | 0;
  const s = (k: number) => `stack[sp + ${w(k)}]`;
  const op = o.op;
  const binary = BINARY[op];
  if (binary) return `${s(1)} = ${binary(s(2), s(3))};`;
  const immediateOf = IMMEDIATE[op];
  if (immediateOf !== undefined) return `${s(1)} = ${BINARY[immediateOf]!(s(2), `${w(3)}`)};`;
  const branch = BRANCH[op];
  if (branch !== undefined) return `if (${BINARY[branch]!(s(1), s(2)).replace(' ? 1 : 0', '')}) ${goTo(w(3))}`;
  const branchImmediate = BRANCH_IMMEDIATE[op];
  if (branchImmediate !== undefined) return `if (${BINARY[branchImmediate]!(s(1), `${w(2)}`).replace(' ? 1 : 0', '')}) ${goTo(w(3))}`;
  const load = LOAD[op];
  if (load) return bounded(`(${s(2)} >>> 0) + ${w(3) >>> 0}`, load[0], `${s(1)} = ${load[1]('address')};`, leave(o.ip));
  const loadBySum = LOAD_BY_SUM[op];
  if (loadBySum !== undefined) {
    const [bytes, read] = LOAD[loadBySum]!;
    const sum =
      op === Op.Load32R || op === Op.Load8UR ? `((${s(2)} + ${s(3)}) >>> 0) + ${w(4) >>> 0}`
      : op === Op.Load32S ? `(((${s(2)} << ${w(3)}) + ${w(4)}) >>> 0) + ${w(5) >>> 0}`
      : `((${s(2)} + ${w(3)}) >>> 0) + ${w(4) >>> 0}`;
    return bounded(sum, bytes, `${s(1)} = ${read('address')};`, leave(o.ip));
  }
  const store = STORE[op];
  if (store) return bounded(`(${s(1)} >>> 0) + ${w(3) >>> 0}`, store[0], `${store[1]('address', s(2))};`, leave(o.ip));
  switch (op) {
    case Op.Copy:
      return `${s(1)} = ${s(2)};`;
    case Op.Const:
      return `${s(1)} = ${w(2)};`;
    case Op.Zero:
      return `stack.fill(0, sp + ${w(1)}, sp + ${w(1) + w(2)});`;
    case Op.DivS:
      return `{ const a = ${s(2)}; const b = ${s(3)}; if (b === 0 || (a === -2147483648 && b === -1)) ${leave(o.ip)} ${s(1)} = (a / b) | 0; }`;
    case Op.DivU:
      return `{ const b = ${s(3)} >>> 0; if (b === 0) ${leave(o.ip)} ${s(1)} = ((${s(2)} >>> 0) / b) | 0; }`;
    case Op.RemS:
      return `{ const b = ${s(3)}; if (b === 0) ${leave(o.ip)} ${s(1)} = (${s(2)} % b) | 0; }`;
    case Op.RemU:
      return `{ const b = ${s(3)} >>> 0; if (b === 0) ${leave(o.ip)} ${s(1)} = ((${s(2)} >>> 0) % b) | 0; }`;
    case Op.Rotl:
      return `{ const x = ${s(2)}; const k = ${s(3)} & 31; ${s(1)} = (x << k) | (x >>> ((32 - k) & 31)); }`;
    case Op.Rotr:
      return `{ const x = ${s(2)}; const k = ${s(3)} & 31; ${s(1)} = (x >>> k) | (x << ((32 - k) & 31)); }`;
    case Op.RotlI: {
      const k = w(3) & 31;
      return `{ const x = ${s(2)}; ${s(1)} = (x << ${k}) | (x >>> ${(32 - k) & 31}); }`;
    }
    case Op.RotrI: {
      const k = w(3) & 31;
      return `{ const x = ${s(2)}; ${s(1)} = (x >>> ${k}) | (x << ${(32 - k) & 31}); }`;
    }
    case Op.Eqz:
      return `${s(1)} = ${s(2)} === 0 ? 1 : 0;`;
    case Op.Clz:
      return `${s(1)} = Math.clz32(${s(2)});`;
    case Op.Ctz:
      return `{ const x = ${s(2)}; ${s(1)} = x === 0 ? 32 : 31 - Math.clz32(x & -x); }`;
    case Op.Popcnt:
      return `{ let x = ${s(2)}; x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); ${s(1)} = Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24; }`;
    case Op.Extend8S:
      return `${s(1)} = (${s(2)} << 24) >> 24;`;
    case Op.Extend16S:
      return `${s(1)} = (${s(2)} << 16) >> 16;`;
    case Op.Mul64:
      return `{ const a = ${s(2)} >>> 0; const b = ${s(3)} >>> 0; stack[sp + ${w(1)}] = Math.imul(a, b); stack[sp + ${w(1) + 1}] = mulHigh(a, b); }`;
    case Op.Add64:
      return `{ const sum = (${s(2)} >>> 0) + (${s(3)} >>> 0); stack[sp + ${w(1)}] = sum | 0; stack[sp + ${w(1) + 1}] = sum > 0xffffffff ? 1 : 0; }`;
    case Op.Select:
      return `${s(1)} = ${s(4)} !== 0 ? ${s(2)} : ${s(3)};`;
    case Op.XorAdd:
      return `${s(1)} = ((${s(2)} ^ ${s(3)}) + ${s(4)}) | 0;`;
    case Op.MulAdd:
      return `${s(1)} = (Math.imul(${s(2)}, ${s(3)}) + ${s(4)}) | 0;`;
    case Op.MulXor:
      return `${s(1)} = Math.imul(${s(2)}, ${s(3)}) ^ ${s(4)};`;
    case Op.XorMulI:
      return `${s(1)} = Math.imul(${s(2)} ^ ${s(3)}, ${w(4)});`;
    case Op.ShlAddI:
      return `${s(1)} = ((${s(2)} << ${w(3)}) + ${w(4)}) | 0;`;
    case Op.AddShl:
      return `${s(1)} = (${s(4)} + (${s(2)} << ${w(3)})) | 0;`;
    case Op.ShlXor:
      return `${s(1)} = (${s(2)} << ${w(3)}) ^ ${s(4)};`;
    case Op.ShrUXor:
      return `${s(1)} = (${s(2)} >>> ${w(3)}) ^ ${s(4)};`;
    case Op.RotlXor:
      return `{ const x = ${s(2)}; ${s(1)} = ((x << ${w(3)}) | (x >>> ${(32 - w(3)) & 31})) ^ ${s(4)}; }`;
    case Op.Load64:
      return bounded(`(${s(2)} >>> 0) + ${w(3) >>> 0}`, 8, `stack[sp + ${w(1)}] = view.getInt32(address, true); stack[sp + ${w(1) + 1}] = view.getInt32(address + 4, true);`, leave(o.ip));
    case Op.Store64:
      return bounded(`(${s(1)} >>> 0) + ${w(3) >>> 0}`, 8, `view.setInt32(address, stack[sp + ${w(2)}], true); view.setInt32(address + 4, stack[sp + ${w(2) + 1}], true);`, leave(o.ip));
    case Op.Store32I:
      return bounded(`(${s(1)} >>> 0) + ${w(3) >>> 0}`, 4, `view.setInt32(address, ${w(2)}, true);`, leave(o.ip));
    case Op.Store8I:
      return bounded(`(${s(1)} >>> 0) + ${w(3) >>> 0}`, 1, `memory[address] = ${w(2)};`, leave(o.ip));
    case Op.Store16I:
      return bounded(`(${s(1)} >>> 0) + ${w(3) >>> 0}`, 2, `view.setInt16(address, ${w(2)}, true);`, leave(o.ip));
    case Op.Store32A:
      return bounded(`((${s(1)} + ${w(2)}) >>> 0) + ${w(4) >>> 0}`, 4, `view.setInt32(address, ${s(3)}, true);`, leave(o.ip));
    case Op.Store8A:
      return bounded(`((${s(1)} + ${w(2)}) >>> 0) + ${w(4) >>> 0}`, 1, `memory[address] = ${s(3)};`, leave(o.ip));
    case Op.GlobalGet:
      return `${s(1)} = globals[${w(2)}];`;
    case Op.GlobalSet:
      return `globals[${w(1)}] = ${s(2)};`;
    case Op.GlobalSetI:
      return `globals[${w(1)}] = ${w(2)};`;
    case Op.Fuel:
      return `if (${w(1) >>> 0} > fuel) ${leave(o.ip)} fuel -= ${w(1) >>> 0};`;
    case Op.I64Add:
    case Op.I64AddI: {
      const [bLo, bHi] = op === Op.I64Add ? [s(4), s(5)] : [`${w(4)}`, `${w(5)}`];
      return `{ const aHi = ${s(3)}; const bHi = ${bHi}; const low = (${s(2)} >>> 0) + (${bLo} >>> 0); stack[sp + ${w(1)}] = low | 0; stack[sp + ${w(1) + 1}] = (aHi + bHi + (low > 0xffffffff ? 1 : 0)) | 0; }`;
    }
    case Op.I64Sub:
      return `{ const aLo = ${s(2)}; const aHi = ${s(3)}; const bLo = ${s(4)}; const bHi = ${s(5)}; stack[sp + ${w(1)}] = (aLo - bLo) | 0; stack[sp + ${w(1) + 1}] = (aHi - bHi - (aLo >>> 0 < bLo >>> 0 ? 1 : 0)) | 0; }`;
    case Op.I64Mul:
    case Op.I64MulI: {
      const [bLo, bHi] = op === Op.I64Mul ? [s(4), s(5)] : [`${w(4)}`, `${w(5)}`];
      return `{ const aLo = ${s(2)}; const aHi = ${s(3)}; const bLo = ${bLo}; const bHi = ${bHi}; stack[sp + ${w(1)}] = Math.imul(aLo, bLo); stack[sp + ${w(1) + 1}] = (mulHigh(aLo >>> 0, bLo >>> 0) + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0; }`;
    }
    case Op.I64AddU32:
      return `{ const low = (${s(2)} >>> 0) + (${s(4)} >>> 0); const aHi = ${s(3)}; stack[sp + ${w(1)}] = low | 0; stack[sp + ${w(1) + 1}] = (aHi + (low > 0xffffffff ? 1 : 0)) | 0; }`;
    case Op.I64MulU32:
      return `{ const aLo = ${s(2)}; const aHi = ${s(3)}; const b = ${s(4)}; stack[sp + ${w(1)}] = Math.imul(aLo, b); stack[sp + ${w(1) + 1}] = (mulHigh(aLo >>> 0, b >>> 0) + Math.imul(aHi, b)) | 0; }`;
    case Op.I64ShlI:
      return `{ const aLo = ${s(2)}; const aHi = ${s(3)}; stack[sp + ${w(1)}] = aLo << ${w(4)}; stack[sp + ${w(1) + 1}] = (aHi << ${w(4)}) | (aLo >>> ${32 - w(4)}); }`;
    case Op.I64ShrSI:
    case Op.I64ShrUI:
      return `{ const aLo = ${s(2)}; const aHi = ${s(3)}; stack[sp + ${w(1)}] = (aLo >>> ${w(4)}) | (aHi << ${32 - w(4)}); stack[sp + ${w(1) + 1}] = aHi ${op === Op.I64ShrSI ? '>>' : '>>>'} ${w(4)}; }`;
    case Op.I64RotlI:
      return `{ const aLo = ${s(2)}; const aHi = ${s(3)}; stack[sp + ${w(1)}] = (aLo << ${w(4)}) | (aHi >>> ${32 - w(4)}); stack[sp + ${w(1) + 1}] = (aHi << ${w(4)}) | (aLo >>> ${32 - w(4)}); }`;
    case Op.And64:
    case Op.Or64:
    case Op.Xor64:
    case Op.AndNot64: {
      const [lo, hi] =
        op === Op.And64 ? ['aLo & bLo', 'aHi & bHi'] : op === Op.Or64 ? ['aLo | bLo', 'aHi | bHi'] : op === Op.Xor64 ? ['aLo ^ bLo', 'aHi ^ bHi'] : ['~aLo & bLo', '~aHi & bHi'];
      return `{ const aLo = ${s(2)}; const aHi = ${s(3)}; const bLo = ${s(4)}; const bHi = ${s(5)}; stack[sp + ${w(1)}] = ${lo}; stack[sp + ${w(1) + 1}] = ${hi}; }`;
    }
    case Op.XorRotl64:
      return `{ const lo = ${s(2)} ^ ${s(4)}; const hi = ${s(3)} ^ ${s(5)}; stack[sp + ${w(1)}] = (lo << ${w(6)}) | (hi >>> ${32 - w(6)}); stack[sp + ${w(1) + 1}] = (hi << ${w(6)}) | (lo >>> ${32 - w(6)}); }`;
    case Op.RotlXor64:
      return `{ const lo = ${s(2)}; const hi = ${s(3)}; const bLo = ${s(5)}; const bHi = ${s(6)}; stack[sp + ${w(1)}] = ((lo << ${w(4)}) | (hi >>> ${32 - w(4)})) ^ bLo; stack[sp + ${w(1) + 1}] = ((hi << ${w(4)}) | (lo >>> ${32 - w(4)})) ^ bHi; }`;
    case Op.XorXor64:
      return `{ const lo = ${s(2)} ^ ${s(4)} ^ ${s(6)}; const hi = ${s(3)} ^ ${s(5)} ^ ${s(7)}; stack[sp + ${w(1)}] = lo; stack[sp + ${w(1) + 1}] = hi; }`;
    case Op.I64Compare:
      return `${s(2)} = compareI64(${w(1)}, ${s(3)}, ${s(4)}, ${s(5)}, ${s(6)});`;
    case Op.I64CompareI:
      return `${s(2)} = compareI64(${w(1)}, ${s(3)}, ${s(4)}, ${w(5)}, ${w(6)});`;
    case Op.Jump:
      return goTo(w(1));
    case Op.BrNez:
      return `if (${s(1)} !== 0) ${goTo(w(2))}`;
    case Op.BrEqz:
      return `if (${s(1)} === 0) ${goTo(w(2))}`;
    case Op.AddIBrNeI:
      return `{ const sum = (${s(2)} + ${w(3)}) | 0; ${s(1)} = sum; if (sum !== ${w(4)}) ${goTo(w(5))} }`;
    case Op.AddIBrNez:
      return `{ const sum = (${s(2)} + ${w(3)}) | 0; ${s(1)} = sum; if (sum !== 0) ${goTo(w(4))} }`;
    case Op.BrTable: {
      const n = w(2);
      if (n > MAX_TABLE_CASES) return undefined;
      const cases = Array.from({ length: n }, (_, k) => `case ${k}: ${goTo(w(3 + k))}`);
      return `switch (${s(1)} >>> 0) { ${cases.join(' ')} default: ${goTo(w(3 + n - 1))} }`;
    }
    default:
      return undefined;
  }
}

/** `statement` with `address` bound to `sum`, unless `bytes` from there pass the memory's end. */
function bounded(sum: string, bytes: number, statement: string, leave: string): string {
  return `{ const address = ${sum}; if (address + ${bytes} > memLen) ${leave} ${statement} }`;
}
