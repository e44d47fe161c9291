/**
 * The compiled tier's translator: ranges of the block engine's prepared code (a unit's chains,
 * or a piece of one chain, as lazy-unit.ts lays them out) become the body of a JavaScript
 * function that does what the dispatch loop would do with those ops, on the same state: the
 * value stack, memory, globals, the call stack and the fuel budget. Stack slots live in
 * JavaScript locals between the points where the state must be the interpreter's, and are
 * written back there: on the way out, and around calls and moves of the stack pointer.
 *
 * An op the translation does not cover, or one about to trap (a load out of bounds, a division
 * by zero), or fuel that does not cover a charge, returns that op's ip unexecuted: the
 * interpreter runs it and stops exactly where it would have. A branch out of the ranges returns
 * its target. Calls to translated callees stay in compiled code (translateCall says how a stop
 * in a callee unwinds). So the generated code never stops a run itself, and every stop point,
 * trap and fuel figure is the interpreter's.
 *
 * Only numbers the translator writes itself reach the source: slot offsets, immediates and ips
 * read from the prepared code (int32 words), never text from the module.
 */
import { Op, OP_WORDS } from '../interpreter/engine.js';
import { TOO_LARGE, REGISTER_CSP, REGISTER_FUEL, REGISTER_LAST_SIGNATURE, REGISTER_PAID_END, REGISTER_SP, RETURNED_TO_CALLER, type TranslationDemand, type TranslationSource } from '../interpreter/compiled-code.js';
import { MAX_CALL_DEPTH, NO_SIGNATURE } from '../interpreter/execution.js';
import { I64Kind } from '../interpreter/i64.js';
import { branchTargets } from '../interpreter/branch-targets.js';
import { structuredLoops, type StructuredLoop } from './loops.js';

/** Parameters of the function the source is the body of (CompiledCode's); then those of the factory around it. */
export const COMPILED_PARAMETERS = ['stack', 'sp', 'memory', 'view', 'memLen', 'globals', 'registers', 'entry', 'code', 'callStack', 'csp', 'depth', 'tables'] as const;
export const FACTORY_PARAMETERS = ['mulHigh', 'compareI64', 'i64Operation', 'i64Trap', 'scratch', 'ipOfPc', 'compiled'] as const;

/** Ops that leave compiled code for the interpreter as a matter of course (tail calls and syscalls). */
const EXITS = new Set<Op>([Op.ReturnCall, Op.ReturnCallIndirect, Op.Syscall]);
/**
 * How deep compiled code calls compiled code in JavaScript frames; a deeper call goes through the
 * interpreter, which enters the callee's compiled code afresh (so the JavaScript stack stays
 * shallow however deep the program recurses).
 */
const MAX_NESTING = 48;
/**
 * The longest body translated: V8 optimises no function of more than 60 KiB of bytecode
 * (--max-optimized-bytecode-size), and generated code runs about 0.7 bytes of bytecode per
 * character of source.
 */
const MAX_SOURCE_LENGTH = 65_000;
const ANYTHING: TranslationDemand = { opsPerExit: 0, straightOps: 0 };
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

/** The ranges in code order, those that follow each other (with only a range check between) as one: code falls from one into the next. */
function joined(pcOfIp: Int32Array, ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && (from === last[1] || (from === last[1] + 2 && pcOfIp[last[1]]! < 0))) last[1] = to;
    else out.push([from, to]);
  }
  return out;
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
 * at any of their Compiled ops (`entry`); undefined when there is nothing worth translating or
 * less than `demand` asks (code that leaves for the interpreter every few ops, or runs a few ops
 * once per entry, gains less than entering and leaving costs); TOO_LARGE when the function would
 * be too large to be optimised soon (fewer ranges, or shorter ones, may do).
 */
export function translateRanges(source: TranslationSource, ranges: ReadonlyArray<readonly [number, number]>, demand: TranslationDemand = ANYTHING): string | typeof TOO_LARGE | undefined {
  const { code, pcOfIp, ipOfPc } = source;
  const scanned: Scanned[][] = [];
  for (const [from, to] of joined(pcOfIp, ranges)) {
    const ops = scan(code, pcOfIp, from, to);
    if (!ops) return undefined;
    scanned.push(ops);
  }
  const all = scanned.flat();
  if (all.length === 0) return undefined;
  const starts = new Set(all.map((o) => o.ip));
  const labels = new Set<number>(all.filter((o) => o.op === Op.Compiled).map((o) => o.ip));
  // Every range starts with a label (a statement before a switch's first case would not parse).
  for (const ops of scanned) if (ops.length > 0) labels.add(ops[0]!.ip);
  const targetsOf = (o: Scanned): number[] => {
    // where a call returns to (control comes back there from the callee)
    if (o.op === Op.Call) return [ipOfPc[code[o.ip + 3]!]!];
    if (o.op === Op.CallIndirect) return [ipOfPc[code[o.ip + 5]!]!];
    return branchTargets(code, o.ip);
  };
  let loops = false;
  for (const o of all) {
    for (const t of targetsOf(o)) {
      if (!starts.has(t)) continue;
      labels.add(t);
      if (t <= o.ip && o.op !== Op.Call && o.op !== Op.CallIndirect) loops = true; // a branch back: control comes round again
    }
  }
  if (!loops && all.length < demand.straightOps) return undefined;
  if (demand.opsPerExit > 0) {
    // Exits: tail calls and syscalls, and a br_table's targets elsewhere (a dispatch that leaves on most of its cases).
    let exits = 0;
    for (const o of all) {
      if (EXITS.has(o.op)) exits++;
      else if (o.op === Op.BrTable) exits += targetsOf(o).filter((t) => !labels.has(t)).length;
    }
    if (all.length < demand.opsPerExit * exits) return undefined;
  }

  // Code that charges no fuel leaves the budget in the registers (where its callees read and write it).
  const usesFuel = all.some((o) => o.op === Op.Fuel || o.op === Op.Meter);
  const metered = all.some((o) => o.op === Op.Meter);
  // Every way out but a callee's stop and a return to a compiled caller goes through one exit,
  // which writes the registers back (the frame's sp and csp: its caller did not).
  const leave = (ip: number) => `{ label = ${ip}; break out; }`;
  // Labels are numbered densely, so the dispatch on them compiles to a jump table.
  const labelNumber = new Map([...labels].sort((a, b) => a - b).map((ip, k) => [ip, k]));
  const goTo = (ip: number) => (labels.has(ip) ? `{ label = ${labelNumber.get(ip)}; continue; }` : leave(ip));
  let translated = 0;
  const lines: string[] = [];
  if (usesFuel) lines.push(`let fuelBank = 0; let fuel = 0; ${FUEL_IN}`);
  if (metered) lines.push(`let paidEnd = registers[${REGISTER_PAID_END}];`);
  const jsLoops = structuredLoops(scanned, labels, targetsOf, (o) => o.op === Op.Call || o.op === Op.CallIndirect);
  // The interpreter enters at Compiled ops only, and at any other ip steps over the op. It
  // enters a JavaScript loop at its header, or at the header of a loop directly inside it
  // (through the loop around); anywhere else inside there is no case to enter at: the
  // interpreter runs on to a header.
  const enterable = new Set<number>();
  const insideLoops = new Set<number>();
  jsLoops.forEach((byFirst, r) => {
    const nested = new Set([...byFirst.values()].flatMap((loop) => loop.nested));
    for (const loop of byFirst.values()) {
      loop.inner.forEach((ip) => insideLoops.add(ip));
      if (!nested.has(loop)) loop.nested.forEach((n) => enterable.add(scanned[r]![n.first]!.ip));
    }
  });
  const entryIps = new Set(all.filter((o) => o.op === Op.Compiled && (!insideLoops.has(o.ip) || enterable.has(o.ip))).map((o) => o.ip));
  const entries = [...entryIps].map((ip) => `case ${ip}: label = ${labelNumber.get(ip)}; break;`);
  lines.push('let label = 0;', `switch (entry) { ${entries.join(' ')} default: return entry + 4; }`, 'out: for (;;) {', 'switch (label) {');
  const weightOf = loopWeights(all, targetsOf);
  // How often each slot is named, and calls made, each op weighted by the loops around it.
  const slotUses = new Map<number, number>();
  let callWeight = 0;
  scanned.forEach((ops, r) => {
    const open: StructuredLoop[] = [];
    const headerIp = (loop: StructuredLoop) => ops[loop.first]!.ip;
    // The label numbers of the entries at the headers of the loops directly inside `loop`.
    const nestedEntries = (loop: StructuredLoop): number[] => loop.nested.filter((n) => entryIps.has(headerIp(n))).map((n) => labelNumber.get(headerIp(n))!);
    const goToHere = (ip: number): string => {
      for (let d = open.length - 1; d >= 0; d--) {
        const loop = open[d]!;
        if (ip === headerIp(loop)) return `continue L${labelNumber.get(ip)};`;
        if (loop.inner.includes(ip)) return `break B${labelNumber.get(ip)};`;
      }
      if (!labels.has(ip)) return leave(ip);
      return open.length > 0 ? `{ label = ${labelNumber.get(ip)}; continue out; }` : goTo(ip);
    };
    for (let k = 0; k < ops.length; k++) {
      const o = ops[k]!;
      const loop = jsLoops[r]!.get(k);
      if (labels.has(o.ip)) {
        if (open.length > 0) lines.push('}'); // the block ending here
        else {
          // Entries into loops nested in this one come in at its header.
          if (loop) lines.push(...nestedEntries(loop).map((n) => `case ${n}:`));
          lines.push(`case ${labelNumber.get(o.ip)}:`);
        }
      }
      if (loop) {
        // L<header>: for (;;) { B<last inner>: { … B<first inner>: { then on to a nested loop's header when entering there
        open.push(loop);
        lines.push(`L${labelNumber.get(o.ip)}: for (;;) {`, `/* coerce ${k} */`, ...[...loop.inner].reverse().map((ip) => `B${labelNumber.get(ip)}: {`));
        if (open.length === 1) for (const n of nestedEntries(loop)) lines.push(`if (label === ${n}) { label = -1; break B${n}; }`);
      }
      if (o.op !== Op.Compiled) emit(o, ops[k + 1]?.ip ?? -1, open.length > 0 ? goToHere : goTo); // a Compiled op is where the interpreter comes in: nothing to do here
      while (open.length > 0 && open[open.length - 1]!.last === k) {
        lines.push(`/* end ${open.pop()!.first} */`, 'break;', '}');
      }
    }
    // Past the end of a range: what follows in memory is not this code's.
    const last = ops[ops.length - 1];
    if (last) lines.push(leave(last.ip + last.width));
  });
  function emit(o: Scanned, next: number, goTo: (ip: number) => string): void {
    const statement = translateOp(code, o, goTo, leave) ?? translateCall(source, o, next, goTo, leave, usesFuel);
    if (statement === undefined) {
      lines.push(leave(o.ip));
      return;
    }
    translated++;
    lines.push(statement);
    const weight = weightOf.get(o.ip) ?? 1;
    if (o.op === Op.Call || o.op === Op.CallIndirect) callWeight += weight;
    for (const match of statement.matchAll(SLOT)) slotUses.set(Number(match[1]), (slotUses.get(Number(match[1])) ?? 0) + weight);
  }
  lines.push('}', '}');
  lines.push(FLUSH);
  if (usesFuel) lines.push(FUEL_OUT);
  if (metered) lines.push(`registers[${REGISTER_PAID_END}] = paidEnd;`);
  lines.push(`registers[${REGISTER_SP}] = sp;`, `registers[${REGISTER_CSP}] = csp;`, 'return label;');
  if (translated === 0) return undefined;
  // The slots live in JavaScript locals (registers to V8), written back on the way out, and
  // around calls and moves of sp (where the callee reads and writes them, or they are other slots).
  // (A move of sp between regions is rare, mostly on the way out of a loop; calls are not.)
  const text = lines.join('\n');
  const body = typeLoops(inLocals(text, slotUses, callWeight) ?? text.replaceAll(FLUSH, '').replaceAll(RELOAD, ''));
  return body.length > MAX_SOURCE_LENGTH ? TOO_LARGE : body;
}

/**
 * The budget as compiled code counts it: `fuel`, at most FUEL_WINDOW, an integer small enough
 * that the engine keeps it in a register untagged (a double budget made every charge a float
 * operation, and boxed it in code entered by on-stack replacement), and `fuelBank` the rest. A
 * charge `fuel` cannot cover leaves for the interpreter, which charges it from the whole budget;
 * with a bank, that happens once per FUEL_WINDOW of fuel burnt.
 */
const FUEL_WINDOW = 0x3fffffff;
const FUEL_IN = `fuelBank = registers[${REGISTER_FUEL}]; fuel = (fuelBank > ${FUEL_WINDOW} ? ${FUEL_WINDOW} : fuelBank) | 0; fuelBank -= fuel;`;
const FUEL_OUT = `registers[${REGISTER_FUEL}] = fuel + fuelBank;`;

/** Where the slots held in locals are written back, and read again (when they are locals). */
const FLUSH = '/* flush */';
const RELOAD = '/* reload */';
/**
 * At the top of every JavaScript loop (between its markers `coerce k` and `end k`), the locals
 * it assigns said again to be int32 (`x |= 0`, which changes nothing). Code V8 enters by
 * on-stack replacement (a long loop in a function called once) takes the loop's values from the
 * interpreter's frame untyped and kept them tagged, boxing every int32 beyond the small-integer
 * range on every pass: 10x slower than the same code entered by a call. Where there is no JIT
 * (no WebAssembly either: `--jitless`, JIT-less browsers) it would only cost, and is left out.
 */
function typeLoops(body: string): string {
  return body.replace(/\/\* coerce (\d+) \*\/([^]*?)\/\* end \1 \*\//g, (_, _k: string, nested: string) => {
    const loop = typeLoops(nested);
    if (!OSR_TYPING) return loop;
    const assigned = new Set<string>();
    for (const match of loop.matchAll(ASSIGNED)) assigned.add(match[1]!);
    return `${[...assigned].map((name) => `${name} |= 0;`).join(' ')}${loop}`;
  });
}
const ASSIGNED = /\b(rm?\d+|fuel) (?:[-+|&^]|<<|>>>?)?= /g;
const OSR_TYPING = (globalThis as { WebAssembly?: unknown }).WebAssembly !== undefined;
/** The most slots held in locals. */
const MAX_LOCAL_SLOTS = 256;
const SLOT = /stack\[sp \+ (-?\d+)\]/g;

/**
 * `body` with the slots `stack[sp + k]` worth it held in locals, loaded on entry and at RELOAD,
 * written back at FLUSH; undefined when it reaches the stack otherwise (a local would go stale)
 * or no slot is worth it. Each call writes every local back and reads it again, so a slot is
 * worth a local when it is named more than twice as often as calls are made (`uses` and
 * `callWeight` estimate how often from the loops around each op). (A move of sp also writes the
 * locals back and reads them; it is rare, mostly on the way out of a loop.)
 */
function inLocals(body: string, uses: ReadonlyMap<number, number>, callWeight: number): string | undefined {
  if (/\bstack[[.]/.test(body.replace(SLOT, ''))) return undefined;
  const chosen = new Set(
    [...uses]
      .filter(([, n]) => n > 2 * callWeight)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, MAX_LOCAL_SLOTS)
      .map(([k]) => k),
  );
  if (chosen.size === 0) return undefined;
  const renamed = body.replace(SLOT, (whole, k: string) => (chosen.has(Number(k)) ? slotLocal(Number(k)) : whole));
  const ordered = [...chosen].sort((a, b) => a - b);
  const load = ordered.map((k) => `let ${slotLocal(k)} = stack[sp + ${k}];`).join(' ');
  const reload = ordered.map((k) => `${slotLocal(k)} = stack[sp + ${k}];`).join(' ');
  const flush = ordered.map((k) => `stack[sp + ${k}] = ${slotLocal(k)};`).join(' ');
  return `${load}\n${renamed.replaceAll(FLUSH, flush).replaceAll(RELOAD, reload)}`;
}

/** How many times more often an op in a loop is estimated to run than the code around the loop. */
const LOOP_WEIGHT = 16;

/**
 * An estimate of how often each op runs relative to the others: LOOP_WEIGHT to the power of the
 * loops around it (a loop: the ops from a branch's target back to the branch, in layout order,
 * which follows control; at most three deep counted).
 */
function loopWeights(ops: readonly Scanned[], targetsOf: (o: Scanned) => number[]): Map<number, number> {
  const depth = new Map<number, number>();
  const ips = ops.map((o) => o.ip).sort((a, b) => a - b);
  for (const o of ops) {
    if (o.op === Op.Call || o.op === Op.CallIndirect) continue;
    for (const target of targetsOf(o)) {
      if (target > o.ip) continue;
      for (const ip of ips) if (ip >= target && ip <= o.ip) depth.set(ip, (depth.get(ip) ?? 0) + 1);
    }
  }
  const weights = new Map<number, number>();
  for (const [ip, d] of depth) weights.set(ip, LOOP_WEIGHT ** Math.min(d, 3));
  return weights;
}

function slotLocal(k: number): string {
  return k < 0 ? `rm${-k}` : `r${k}`;
}

/**
 * Calls, returns and the callee's signature check, on the interpreter's call stack. A call whose
 * callee has compiled code at its entry calls that code as a JavaScript function (after the
 * checks and the push the interpreter's call does); when the callee stops, everything returns
 * at once, leaving the stop to the interpreter in the callee's frame; when it returns, the caller
 * goes on at the return address. A call the interpreter must make (callee not translated, a
 * check that fails, nesting too deep) leaves at the call, unexecuted; so does a return to code
 * the interpreter entered.
 */
function translateCall(source: TranslationSource, o: Scanned, next: number, goTo: (ip: number) => string, leave: (ip: number) => string, usesFuel: boolean): string | undefined {
  const { code, ipOfPc } = source;
  const w = (k: number) => code[o.ip + k]! | 0;
  const fuelOut = usesFuel ? `${FUEL_OUT} ` : '';
  const fuelIn = usesFuel ? `${FUEL_IN} ` : '';
  switch (o.op) {
    case Op.Return:
      return `if (depth > 0) { ${FLUSH}${fuelOut}return ${RETURNED_TO_CALLER} - (sp + ${w(1)}); } ${leave(o.ip)}`;
    case Op.SignatureCheck:
      return `{ const announced = registers[${REGISTER_LAST_SIGNATURE}]; if (announced !== ${NO_SIGNATURE}) { if (announced !== ${w(1) >>> 0}) ${leave(o.ip)} registers[${REGISTER_LAST_SIGNATURE}] = ${NO_SIGNATURE}; } }`;
    case Op.Call:
    case Op.CallIndirect:
      break;
    default:
      return undefined;
  }
  const direct = o.op === Op.Call;
  const delta = w(1);
  const returnPc = direct ? w(3) : w(5);
  const lines: string[] = ['{'];
  if (direct) {
    lines.push(`const t = ipOfPc[${w(2) >>> 0}];`);
  } else {
    lines.push(
      `const table = tables[${w(4)}];`,
      `if (table === undefined) ${leave(o.ip)}`,
      `const index = stack[sp + ${w(2)}] >>> 0;`,
      `if (index >= table.size) ${leave(o.ip)}`,
      `const targetPc = table.elements[index] >>> 0;`,
      `if (targetPc === 0) ${leave(o.ip)}`,
      `const t = ipOfPc[targetPc];`,
    );
  }
  // The callee's entry: translated (its Compiled op's index ≥ 0), its region's range check passing.
  lines.push(
    `if (!(t > 0) || code[t] !== ${Op.Compiled} || code[t + 1] < 0 || depth >= ${MAX_NESTING} || csp >= ${MAX_CALL_DEPTH - 1} || ((sp + ${delta} + code[t - 2]) >>> 0) > code[t - 1]) ${leave(o.ip)}`,
    `callStack[csp] = ${returnPc >>> 0};`,
  );
  if (!direct) lines.push(`registers[${REGISTER_LAST_SIGNATURE}] = ${w(3) >>> 0};`);
  lines.push(
    `${FLUSH}${fuelOut}const stop = compiled[code[t + 1]](stack, sp + ${delta}, memory, view, memLen, globals, registers, t, code, callStack, csp + 1, depth + 1, tables);`,
    `if (stop >= 0) return stop;`,
    `${fuelIn}sp = (${RETURNED_TO_CALLER} - stop) | 0; ${RELOAD}`,
  );
  // On at the return address, as the interpreter's return goes (its range check, else the slow
  // path); where that is not here, the interpreter makes the return itself: the return pc is still
  // on the call stack above csp, and its `Return 0` pops it.
  const landing = ipOfPc[returnPc >>> 0]!;
  const byInterpreter = `{ registers[${REGISTER_SP}] = sp; registers[${REGISTER_CSP}] = csp + 1; return ${source.returnOp}; }`;
  // The limit compares signed: a region whose StackChecks ask for more than the stack holds has
  // limit -1, which no height passes (read unsigned it would pass every height).
  if (landing >= 0) lines.push(`if (((sp + ${code[landing - 2]! | 0}) >>> 0) > ${code[landing - 1]! | 0}) ${byInterpreter}`);
  lines.push(landing < 0 ? byInterpreter : landing === next ? '' : goTo(landing));
  lines.push('}');
  return lines.join(' ');
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
  if (load) return bounded(at(s(2), w(3) >>> 0), load[0], `${s(1)} = ${load[1]('address')};`, leave(o.ip));
  const loadBySum = LOAD_BY_SUM[op];
  if (loadBySum !== undefined) {
    const [bytes, read] = LOAD[loadBySum]!;
    const sum =
      op === Op.Load32R || op === Op.Load8UR ? at(`(${s(2)} + ${s(3)})`, w(4) >>> 0)
      : op === Op.Load32S ? at(`((${s(2)} << ${w(3)}) + ${w(4)})`, w(5) >>> 0)
      : at(`(${s(2)} + ${w(3)})`, w(4) >>> 0);
    return bounded(sum, bytes, `${s(1)} = ${read('address')};`, leave(o.ip));
  }
  const store = STORE[op];
  if (store) return bounded(at(s(1), w(3) >>> 0), store[0], `${store[1]('address', s(2))};`, leave(o.ip));
  switch (op) {
    case Op.Copy:
      return `${s(1)} = ${s(2)};`;
    case Op.Const:
      return `${s(1)} = ${w(2)};`;
    case Op.Zero:
      return w(2) <= 16 ? Array.from({ length: w(2) }, (_, k) => `stack[sp + ${w(1) + k}] = 0;`).join(' ') : `stack.fill(0, sp + ${w(1)}, sp + ${w(1) + w(2)});`;
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
      return bounded(at(s(2), w(3) >>> 0), 8, `stack[sp + ${w(1)}] = view.getInt32(address, true); stack[sp + ${w(1) + 1}] = view.getInt32(address + 4, true);`, leave(o.ip));
    case Op.Store64:
      return bounded(at(s(1), w(3) >>> 0), 8, `view.setInt32(address, stack[sp + ${w(2)}], true); view.setInt32(address + 4, stack[sp + ${w(2) + 1}], true);`, leave(o.ip));
    case Op.Store32I:
      return bounded(at(s(1), w(3) >>> 0), 4, `view.setInt32(address, ${w(2)}, true);`, leave(o.ip));
    case Op.Store8I:
      return bounded(at(s(1), w(3) >>> 0), 1, `memory[address] = ${w(2)};`, leave(o.ip));
    case Op.Store16I:
      return bounded(at(s(1), w(3) >>> 0), 2, `view.setInt16(address, ${w(2)}, true);`, leave(o.ip));
    case Op.Store32A:
      return bounded(at(`(${s(1)} + ${w(2)})`, w(4) >>> 0), 4, `view.setInt32(address, ${s(3)}, true);`, leave(o.ip));
    case Op.Store8A:
      return bounded(at(`(${s(1)} + ${w(2)})`, w(4) >>> 0), 1, `memory[address] = ${s(3)};`, leave(o.ip));
    case Op.GlobalGet:
      return `${s(1)} = globals[${w(2)}];`;
    case Op.GlobalSet:
      return `globals[${w(1)}] = ${s(2)};`;
    case Op.GlobalSetI:
      return `globals[${w(1)}] = ${w(2)};`;
    case Op.Fuel:
      return `if (${w(1) >>> 0} > fuel) ${leave(o.ip)} fuel -= ${w(1) >>> 0};`;
    case Op.Meter:
      // Engine metering's block charge: a charge that does not fit is the interpreter's to stop at.
      return `if (${w(1) >>> 0} > fuel) ${leave(o.ip)} fuel -= ${w(1) >>> 0}; paidEnd = ${w(3)};`;
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
    case Op.I64:
    case Op.I64I:
      return translateI64(code, o, leave);
    case Op.I64Compare:
      return `${s(2)} = compareI64(${w(1)}, ${s(3)}, ${s(4)}, ${s(5)}, ${s(6)});`;
    case Op.I64CompareI:
      return `${s(2)} = compareI64(${w(1)}, ${s(3)}, ${s(4)}, ${w(5)}, ${w(6)});`;
    case Op.Jump:
      return goTo(w(1));
    case Op.JumpRebase:
      // Into another region: its range check, else the interpreter's slow path from here.
      // (The limit compares signed, as at a call's landing: -1 passes no height.)
      return `{ const base = sp + ${w(2)}; if (((base + ${w(3)}) >>> 0) > ${w(4) | 0}) ${leave(o.ip)} ${FLUSH} sp = base; ${RELOAD} ${goTo(w(1))} }`;
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

/**
 * The i64 snippet ops the lowering did not specialise (shifts and rotations by a register or by
 * 32 and more, divisions, ...): a shift or rotation by a constant inline, the rest through the
 * interpreter's own helper, a division that would trap left to the interpreter.
 */
function translateI64(code: Int32Array, o: Scanned, leave: (ip: number) => string): string {
  const w = (k: number) => code[o.ip + k]! | 0;
  const kind = w(1) as I64Kind;
  const d = w(2);
  const a = `const aLo = stack[sp + ${w(3)}]; const aHi = stack[sp + ${w(3) + 1}];`;
  const out = (lo: string, hi: string) => `stack[sp + ${d}] = ${lo}; stack[sp + ${d + 1}] = ${hi};`;
  if (o.op === Op.I64I && kind >= I64Kind.Shl && kind <= I64Kind.Rotr) {
    let k = w(4) & 63;
    let rotation = kind === I64Kind.Rotl || kind === I64Kind.Rotr;
    if (kind === I64Kind.Rotr) k = (64 - k) & 63;
    if (k === 0) return `{ ${a} ${out('aLo', 'aHi')} }`;
    if (rotation && k >= 32) {
      // rotl by 32 + j: swap the halves, then rotate by j
      const j = k - 32;
      return j === 0 ? `{ ${a} ${out('aHi', 'aLo')} }` : `{ ${a} ${out(`(aHi << ${j}) | (aLo >>> ${32 - j})`, `(aLo << ${j}) | (aHi >>> ${32 - j})`)} }`;
    }
    if (rotation) return `{ ${a} ${out(`(aLo << ${k}) | (aHi >>> ${32 - k})`, `(aHi << ${k}) | (aLo >>> ${32 - k})`)} }`;
    if (kind === I64Kind.Shl) return k < 32 ? `{ ${a} ${out(`aLo << ${k}`, `(aHi << ${k}) | (aLo >>> ${32 - k})`)} }` : `{ ${a} ${out('0', `aLo << ${k - 32}`)} }`;
    const shift = kind === I64Kind.ShrS ? '>>' : '>>>';
    if (k < 32) return `{ ${a} ${out(`(aLo >>> ${k}) | (aHi << ${32 - k})`, `aHi ${shift} ${k}`)} }`;
    return `{ ${a} ${out(`(aHi ${shift} ${k - 32}) | 0`, kind === I64Kind.ShrS ? 'aHi >> 31' : '0')} }`;
  }
  const b = o.op === Op.I64I ? `const bLo = ${w(4)}; const bHi = ${w(5)};` : `const bLo = stack[sp + ${w(4)}]; const bHi = stack[sp + ${w(4) + 1}];`;
  const trapCheck = kind >= I64Kind.DivS ? `if (i64Trap(${kind}, aLo, aHi, bLo, bHi) >= 0) ${leave(o.ip)} ` : '';
  // A comparison writes one word, the rest two.
  const results = kind >= I64Kind.Eq && kind < I64Kind.DivS ? `stack[sp + ${d}] = scratch[0];` : `stack[sp + ${d}] = scratch[0]; stack[sp + ${d + 1}] = scratch[1];`;
  return `{ ${a} ${b} ${trapCheck}i64Operation(${kind}, aLo, aHi, bLo, bHi, scratch, 0); ${results} }`;
}

/** The address a 32-bit word `base` (taken unsigned) and a constant `offset` make. */
function at(base: string, offset: number): string {
  return offset === 0 ? `(${base} >>> 0)` : `(${base} >>> 0) + ${offset}`;
}

/** `statement` with `address` bound to `sum`, unless `bytes` from there pass the memory's end. */
function bounded(sum: string, bytes: number, statement: string, leave: string): string {
  return `{ const address = ${sum}; if (address + ${bytes} > memLen) ${leave} ${statement} }`;
}
