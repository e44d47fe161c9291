/**
 * Type-directed generators of Wasm programs (as .wat text) for the differential tests.
 *
 * fast-check builds an AST whose expressions are typed by construction (one arbitrary per
 * result type); every context-dependent choice (which local, which label a branch targets) is a
 * plain number resolved when printing, so generation is context-free, shrinks well, and every
 * printed program validates. Loops only ever run a bounded number of times: each loop has its
 * own counter local, which no generated code can touch, and no generated branch targets a loop.
 */
import fc from 'fast-check';

export type Ty = 'i32' | 'i64';

// ------------------------------------------------------------------ operators

interface OpDesc {
  readonly params: readonly Ty[];
  readonly result: Ty;
  readonly print: (args: readonly string[]) => string;
  /** Relative frequency (default 2). */
  readonly weight?: number;
}

const plain = (name: string, params: readonly Ty[], result: Ty, weight?: number): OpDesc => ({
  params,
  result,
  print: (args) => `(${name} ${args.join(' ')})`,
  weight,
});
const DIVISIONS = new Set(['div_s', 'div_u', 'rem_s', 'rem_u']);
/** A division whose divisor is made odd (so never zero; div_s may still overflow on min / -1). */
const oddDivisor = (t: Ty, op: string): OpDesc => ({
  params: [t, t],
  result: t,
  print: ([a, b]) => `(${t}.${op} ${a} (${t}.or ${b} (${t}.const 1)))`,
  weight: 2,
});
const chain = (params: readonly Ty[], result: Ty, template: string, weight?: number): OpDesc => ({
  params,
  result,
  print: (args) => template.replace(/\$(\d)/g, (_, i: string) => args[Number(i)]!),
  weight,
});

const ARITH = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const COMPARE = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];

/** Integer ops, plus float round trips that never let a NaN's bits escape (the FPU is on). */
const OPS: readonly OpDesc[] = [
  ...ARITH.map((op) => plain(`i32.${op}`, ['i32', 'i32'], 'i32', DIVISIONS.has(op) ? 1 : 2)),
  ...[...DIVISIONS].map((op) => oddDivisor('i32', op)),
  ...COMPARE.map((op) => plain(`i32.${op}`, ['i32', 'i32'], 'i32')),
  ...['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s'].map((op) => plain(`i32.${op}`, ['i32'], 'i32')),
  ...ARITH.map((op) => plain(`i64.${op}`, ['i64', 'i64'], 'i64', DIVISIONS.has(op) ? 1 : 2)),
  ...[...DIVISIONS].map((op) => oddDivisor('i64', op)),
  ...COMPARE.map((op) => plain(`i64.${op}`, ['i64', 'i64'], 'i32')),
  ...['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'].map((op) => plain(`i64.${op}`, ['i64'], 'i64')),
  plain('i64.eqz', ['i64'], 'i32'),
  plain('i32.wrap_i64', ['i64'], 'i32'),
  plain('i64.extend_i32_s', ['i32'], 'i64'),
  plain('i64.extend_i32_u', ['i32'], 'i64'),
  chain(['i64'], 'i64', '(i64.trunc_sat_f64_s (f64.convert_i64_s $0))'),
  chain(['i64'], 'i64', '(i64.trunc_sat_f64_u (f64.convert_i64_u $0))'),
  chain(['i64'], 'i64', '(i64.trunc_f64_s (f64.convert_i64_u $0))', 1),
  chain(['i32'], 'i32', '(i32.trunc_f32_u (f32.convert_i32_s $0))', 1),
  chain(['i32'], 'i32', '(i32.trunc_f64_s (f64.mul (f64.convert_i32_s $0) (f64.const 1.5)))', 1),
  chain(['i64', 'i64'], 'i32', '(f64.lt (f64.convert_i64_s $0) (f64.convert_i64_u $1))'),
  chain(['i64'], 'i32', '(f32.ge (f32.convert_i64_s $0) (f32.const 1e10))'),
  chain(['i32'], 'i32', '(i32.reinterpret_f32 (f32.convert_i32_u $0))'),
  chain(['i64'], 'i32', '(i32.reinterpret_f32 (f32.convert_i64_s $0))'),
  chain(['i64'], 'i32', '(i32.reinterpret_f32 (f32.convert_i64_u $0))'),
  chain(['i32'], 'i32', '(i32.trunc_sat_f32_s (f32.nearest (f32.div (f32.convert_i32_s $0) (f32.const 3))))'),
  chain(['i64'], 'i64', '(i64.trunc_sat_f64_u (f64.floor (f64.sqrt (f64.convert_i64_u $0))))'),
  chain(['i64'], 'i64', '(i64.reinterpret_f64 (f64.convert_i64_s $0))'),
  chain(['i64'], 'i64', '(i64.reinterpret_f64 (f64.promote_f32 (f32.demote_f64 (f64.convert_i64_s $0))))'),
  chain(['i64', 'i64'], 'i64', '(i64.trunc_sat_f64_s (f64.div (f64.convert_i64_s $0) (f64.convert_i64_s $1)))'),
  chain(['i64', 'i64'], 'i64', '(i64.trunc_sat_f64_s (f64.min (f64.convert_i64_s $0) (f64.neg (f64.convert_i64_u $1))))'),
  chain(['i32'], 'i64', '(i64.trunc_sat_f32_s (f32.sqrt (f32.convert_i32_s $0)))'),
  chain(['i64'], 'i32', '(i32.trunc_sat_f64_s (f64.nearest (f64.mul (f64.convert_i64_s $0) (f64.const 0.001))))'),
  chain(['i32', 'i32'], 'i32', '(i32.trunc_sat_f32_u (f32.add (f32.convert_i32_s $0) (f32.convert_i32_u $1)))'),
  chain(['i32'], 'i64', '(i64.trunc_f32_s (f32.mul (f32.convert_i32_s $0) (f32.const 1e10)))', 1),
];

const isI64Comparison = (op: OpDesc) => op.params[0] === 'i64' && op.result === 'i32' && /^\(i64\.(eq|ne|[lg][te]_[su]) /.test(op.print(['a', 'b']));

const LOADS: Record<Ty, readonly string[]> = {
  i32: ['i32.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u'],
  i64: ['i64.load', 'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u'],
};
const STORES: Record<Ty, readonly string[]> = {
  i32: ['i32.store', 'i32.store8', 'i32.store16'],
  i64: ['i64.store', 'i64.store8', 'i64.store16', 'i64.store32'],
};

// ------------------------------------------------------------------ the AST

/** How an address is formed: masked into a small window (mostly in bounds) or raw. */
export type Addr = { readonly mask: number | 'raw'; readonly e: Expr };

export type Expr =
  | { readonly k: 'const'; readonly ty: Ty; readonly v: bigint }
  | { readonly k: 'get'; readonly ty: Ty; readonly pick: number }
  | { readonly k: 'tee'; readonly ty: Ty; readonly pick: number; readonly e: Expr }
  | { readonly k: 'gget'; readonly ty: Ty }
  | { readonly k: 'op'; readonly op: number; readonly args: readonly Expr[] }
  | { readonly k: 'select'; readonly ty: Ty; readonly a: Expr; readonly b: Expr; readonly c: Expr }
  | { readonly k: 'load'; readonly ty: Ty; readonly op: number; readonly offset: number; readonly addr: Addr }
  | { readonly k: 'call'; readonly ty: Ty; readonly args: readonly Expr[] }
  /** `slot`: a constant index of a function of the right type; otherwise `index` masked to 0..3 or 0..7. */
  | { readonly k: 'callInd'; readonly ty: Ty; readonly slot: number | null; readonly wide: boolean; readonly index: Expr; readonly args: readonly Expr[] }
  | { readonly k: 'blockE'; readonly ty: Ty; readonly body: readonly Stmt[]; readonly early: { c: Expr; v: Expr } | null; readonly e: Expr }
  | { readonly k: 'ifE'; readonly ty: Ty; readonly c: Expr; readonly a: Expr; readonly b: Expr }
  /** A branch (or return) used as an operand: the rest of the expression is dead code. */
  | { readonly k: 'brE'; readonly ty: Ty; readonly pick: number; readonly ret: boolean }
  /**
   * Two nested (i32 i64) blocks, left by a br_if or br_table carrying both values (or by falling
   * through), then through `$tw`, and folded into one value by `$mix`.
   */
  | {
      readonly k: 'mv';
      readonly ty: Ty;
      readonly body: readonly Stmt[];
      readonly early: { c: Expr; a: Expr; b: Expr } | null;
      readonly sel: Expr | null;
      readonly a: Expr;
      readonly b: Expr;
    };

export type Stmt =
  | { readonly k: 'set'; readonly ty: Ty; readonly pick: number; readonly e: Expr }
  | { readonly k: 'gset'; readonly ty: Ty; readonly e: Expr }
  | { readonly k: 'store'; readonly ty: Ty; readonly op: number; readonly offset: number; readonly addr: Addr; readonly v: Expr }
  | { readonly k: 'drop'; readonly e: Expr }
  | { readonly k: 'block'; readonly body: readonly Stmt[] }
  | { readonly k: 'loop'; readonly iters: number; readonly body: readonly Stmt[] }
  | { readonly k: 'if'; readonly c: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] }
  | { readonly k: 'br'; readonly pick: number }
  | { readonly k: 'brIf'; readonly pick: number; readonly c: Expr }
  | { readonly k: 'brTable'; readonly picks: readonly number[]; readonly e: Expr }
  | { readonly k: 'trapIf'; readonly c: Expr }
  | { readonly k: 'fill'; readonly d: Expr; readonly v: Expr; readonly n: Expr }
  | { readonly k: 'copy'; readonly d: Expr; readonly s: Expr; readonly n: Expr }
  | { readonly k: 'grow'; readonly e: Expr }
  | { readonly k: 'ret' };

// ------------------------------------------------------------------ arbitraries

const I32_EDGES = [0, 1, -1, 2, 3, 7, 8, 16, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, -0x80000000];
const I64_EDGES = [0n, 1n, -1n, 2n, 31n, 32n, 63n, 64n, 0xffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x1_0000_0000n, 0x1_0000_0001n,
  2n ** 63n - 1n, -(2n ** 63n), -(2n ** 32n), 0x7fff_ffff_0000_0000n, 0xdead_beefn];

export const i32Value: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...I32_EDGES), weight: 3 },
  { arbitrary: fc.integer({ min: -300, max: 300 }), weight: 2 },
  { arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }), weight: 2 },
);
export const i64Value: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.constantFrom(...I64_EDGES), weight: 3 },
  { arbitrary: fc.bigInt({ min: -300n, max: 300n }), weight: 2 },
  { arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), weight: 2 },
  { arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }).map(BigInt), weight: 1 },
);

export interface Family {
  /** Loads, global.get, memory and table features (programs with a memory, globals, helpers). */
  readonly memory: boolean;
  /** Calls, call_indirect, block and if expressions (needs `stmt`). */
  readonly control: boolean;
  /** Leave out i64 comparisons (for the inline configuration). */
  readonly noI64Compare: boolean;
}

export interface Arbs {
  readonly expr: Record<Ty, fc.Memo<Expr>>;
  readonly stmt: fc.Memo<Stmt>;
  readonly block: (depth: number) => fc.Arbitrary<Stmt[]>;
}

const pick = fc.nat({ max: 15 });

export function arbitraries(family: Family): Arbs {
  const ops = OPS.map((op, index) => ({ op, index })).filter(({ op }) => !(family.noI64Compare && isI64Comparison(op)));
  const byResult = (ty: Ty) => ops.filter(({ op }) => op.result === ty);
  const constant = (ty: Ty): fc.Arbitrary<Expr> =>
    ty === 'i32' ? i32Value.map((v) => ({ k: 'const', ty, v: BigInt(v) }) as const) : i64Value.map((v) => ({ k: 'const', ty, v }) as const);
  const leaf = (ty: Ty): fc.Arbitrary<Expr> =>
    fc.oneof(
      { arbitrary: constant(ty), weight: 2 },
      { arbitrary: pick.map((p) => ({ k: 'get', ty, pick: p }) as const), weight: 3 },
      ...(family.memory ? [{ arbitrary: fc.constant({ k: 'gget', ty } as const), weight: 1 }] : []),
    );
  const addr = (depth: number): fc.Arbitrary<Addr> =>
    fc.record({
      mask: fc.oneof({ arbitrary: fc.constantFrom(0x3f, 0xff), weight: 12 }, { arbitrary: fc.constantFrom<number | 'raw'>(0xffff, 0x1ffff, 0x3ffff, 'raw'), weight: 1 }),
      e: expr.i32(depth),
    });
  const offset = fc.oneof({ arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 7, 8, 100), weight: 15 }, { arbitrary: fc.constantFrom(0xfff8, 0x10000, 0xffff_fff0), weight: 1 });

  const node = (ty: Ty, depth: number): fc.Arbitrary<Expr> => {
    if (depth <= 0) return leaf(ty);
    const sub = (t: Ty) => expr[t](depth - 1);
    const candidates = byResult(ty);
    const choices: fc.WeightedArbitrary<Expr>[] = [
      { arbitrary: leaf(ty), weight: 12 },
      {
        arbitrary: fc.oneof(
          ...candidates.map(({ op, index }) => ({
            arbitrary: fc.tuple(...op.params.map((t) => sub(t))).map((args): Expr => ({ k: 'op', op: index, args })),
            weight: op.weight ?? 2,
          })),
        ),
        weight: 30,
      },
      { arbitrary: fc.record({ k: fc.constant('select' as const), ty: fc.constant(ty), a: sub(ty), b: sub(ty), c: sub('i32') }), weight: 3 },
      { arbitrary: fc.record({ k: fc.constant('tee' as const), ty: fc.constant(ty), pick, e: sub(ty) }), weight: 3 },
    ];
    if (family.memory) {
      choices.push({
        arbitrary: fc.record({ k: fc.constant('load' as const), ty: fc.constant(ty), op: fc.nat({ max: LOADS[ty].length - 1 }), offset, addr: addr(depth - 1) }),
        weight: 6,
      });
    }
    if (family.control) {
      const callArgs = ty === 'i64' ? fc.tuple(sub('i32'), sub('i64')) : fc.tuple(sub('i32'));
      choices.push(
        { arbitrary: fc.record({ k: fc.constant('call' as const), ty: fc.constant(ty), args: callArgs }), weight: 3 },
        {
          arbitrary: fc.record({
            k: fc.constant('callInd' as const),
            ty: fc.constant(ty),
            slot: fc.option(fc.nat({ max: 1 }), { nil: null, freq: 3 }),
            wide: fc.boolean(),
            index: sub('i32'),
            args: callArgs,
          }),
          weight: 3,
        },
        {
          arbitrary: fc.record({
            k: fc.constant('blockE' as const),
            ty: fc.constant(ty),
            body: block(depth - 1),
            early: fc.option(fc.record({ c: sub('i32'), v: sub(ty) }), { nil: null }),
            e: sub(ty),
          }),
          weight: 3,
        },
        { arbitrary: fc.record({ k: fc.constant('ifE' as const), ty: fc.constant(ty), c: sub('i32'), a: sub(ty), b: sub(ty) }), weight: 3 },
        { arbitrary: fc.record({ k: fc.constant('brE' as const), ty: fc.constant(ty), pick, ret: fc.boolean() }), weight: 1 },
        {
          arbitrary: fc.record({
            k: fc.constant('mv' as const),
            ty: fc.constant(ty),
            body: block(depth - 1),
            early: fc.option(fc.record({ c: sub('i32'), a: sub('i32'), b: sub('i64') }), { nil: null }),
            sel: fc.option(sub('i32'), { nil: null }),
            a: sub('i32'),
            b: sub('i64'),
          }),
          weight: 3,
        },
      );
    }
    return fc.oneof(...choices);
  };
  const expr: Record<Ty, fc.Memo<Expr>> = {
    i32: fc.memo((depth) => node('i32', depth)),
    i64: fc.memo((depth) => node('i64', depth)),
  };
  const ty = fc.constantFrom<Ty>('i32', 'i64');

  const stmt: fc.Memo<Stmt> = fc.memo((depth) => {
    const e = (t: Ty) => expr[t](Math.max(0, depth - 1));
    const cond = e('i32');
    const set = ty.chain((t) => fc.record({ k: fc.constant('set' as const), ty: fc.constant(t), pick, e: expr[t](Math.min(depth + 1, 3)) }));
    const choices: fc.WeightedArbitrary<Stmt>[] = [{ arbitrary: set, weight: 30 }];
    if (family.control) {
      choices.push(
        { arbitrary: fc.record({ k: fc.constant('brIf' as const), pick, c: cond }), weight: 10 },
        { arbitrary: fc.record({ k: fc.constant('br' as const), pick }), weight: 5 },
        { arbitrary: fc.record({ k: fc.constant('brTable' as const), picks: fc.array(pick, { minLength: 1, maxLength: 4 }), e: cond }), weight: 5 },
        { arbitrary: fc.record({ k: fc.constant('trapIf' as const), c: cond }), weight: 5 },
        { arbitrary: fc.constant({ k: 'ret' } as const), weight: 1 },
        { arbitrary: ty.chain((t) => fc.record({ k: fc.constant('drop' as const), e: e(t) })), weight: 5 },
      );
      if (depth > 0) {
        choices.push(
          { arbitrary: fc.record({ k: fc.constant('block' as const), body: block(depth - 1) }), weight: 10 },
          { arbitrary: fc.record({ k: fc.constant('loop' as const), iters: fc.integer({ min: 1, max: 4 }), body: block(depth - 1) }), weight: 10 },
          { arbitrary: fc.record({ k: fc.constant('if' as const), c: cond, then: block(depth - 1), else: block(depth - 1) }), weight: 10 },
        );
      }
    }
    if (family.memory) {
      choices.push(
        { arbitrary: ty.chain((t) => fc.record({ k: fc.constant('gset' as const), ty: fc.constant(t), e: e(t) })), weight: 5 },
        {
          arbitrary: ty.chain((t) =>
            fc.record({ k: fc.constant('store' as const), ty: fc.constant(t), op: fc.nat({ max: STORES[t].length - 1 }), offset, addr: addr(Math.max(0, depth - 1)), v: e(t) }),
          ),
          weight: 15,
        },
        { arbitrary: fc.record({ k: fc.constant('fill' as const), d: e('i32'), v: e('i32'), n: e('i32') }), weight: 5 },
        { arbitrary: fc.record({ k: fc.constant('copy' as const), d: e('i32'), s: e('i32'), n: e('i32') }), weight: 5 },
        { arbitrary: fc.record({ k: fc.constant('grow' as const), e: e('i32') }), weight: 5 },
      );
    }
    return fc.oneof(...choices);
  });
  const block = (depth: number): fc.Arbitrary<Stmt[]> => fc.array(stmt(depth), { maxLength: depth > 1 ? 4 : 3 });
  return { expr, stmt, block };
}

// ------------------------------------------------------------------ printing

const RUN_VARS: Record<Ty, readonly string[]> = { i32: ['$p0', '$p2', '$l0', '$l2'], i64: ['$p1', '$p3', '$l1', '$l3'] };
const MAX_LOOP_NESTING = 3;

interface Ctx {
  /** Locals by type: names in `run`, indices in a helper. */
  readonly vars: Record<Ty, readonly string[]>;
  /** Labels a generated branch may target (no results, never a loop), innermost last. */
  readonly labels: readonly string[];
  readonly loopDepth: number;
  readonly fresh: { n: number };
}

function printAddr(a: Addr, ctx: Ctx): string {
  const e = printExpr(a.e, ctx);
  return a.mask === 'raw' ? e : `(i32.and ${e} (i32.const ${a.mask}))`;
}

export function printExpr(x: Expr, ctx: Ctx): string {
  switch (x.k) {
    case 'const': return `(${x.ty}.const ${x.v})`;
    case 'get': return `(local.get ${ctx.vars[x.ty][x.pick % ctx.vars[x.ty].length]})`;
    case 'tee': return `(local.tee ${ctx.vars[x.ty][x.pick % ctx.vars[x.ty].length]} ${printExpr(x.e, ctx)})`;
    case 'gget': return `(global.get $g_${x.ty})`;
    case 'op': return OPS[x.op]!.print(x.args.map((a) => printExpr(a, ctx)));
    case 'select': return `(select ${printExpr(x.a, ctx)} ${printExpr(x.b, ctx)} ${printExpr(x.c, ctx)})`;
    case 'load': return `(${LOADS[x.ty][x.op]} offset=${x.offset} ${printAddr(x.addr, ctx)})`;
    case 'call': return `(call ${x.ty === 'i64' ? '$h0' : '$h1'} ${x.args.map((a) => printExpr(a, ctx)).join(' ')})`;
    case 'callInd': {
      // The table is [$h0, $h1, $h0, null]: $h0 has type $t0 (i64 result), $h1 type $t1.
      const index = x.slot !== null ? `(i32.const ${x.ty === 'i64' ? 2 * x.slot : 1})` : `(i32.and ${printExpr(x.index, ctx)} (i32.const ${x.wide ? 7 : 3}))`;
      return `(call_indirect (type ${x.ty === 'i64' ? '$t0' : '$t1'}) ${x.args.map((a) => printExpr(a, ctx)).join(' ')} ${index})`;
    }
    case 'blockE': {
      const label = `$v${ctx.fresh.n++}`;
      const body = printStmts(x.body, ctx);
      const early = x.early ? ` (drop (br_if ${label} ${printExpr(x.early.v, ctx)} ${printExpr(x.early.c, ctx)}))` : '';
      return `(block ${label} (result ${x.ty}) ${body}${early} ${printExpr(x.e, ctx)})`;
    }
    case 'ifE': return `(if (result ${x.ty}) ${printExpr(x.c, ctx)} (then ${printExpr(x.a, ctx)}) (else ${printExpr(x.b, ctx)}))`;
    case 'brE': return x.ret ? RETURN : `(br ${target(ctx, x.pick)})`;
    case 'mv': {
      const outer = `$m${ctx.fresh.n++}`;
      const inner = `$m${ctx.fresh.n++}`;
      const early = x.early ? ` (br_if ${outer} ${printExpr(x.early.a, ctx)} ${printExpr(x.early.b, ctx)} ${printExpr(x.early.c, ctx)}) drop drop` : '';
      const values = `${printExpr(x.a, ctx)} ${printExpr(x.b, ctx)}`;
      const exit = x.sel ? ` (br_table ${inner} ${outer} ${inner} ${values} ${printExpr(x.sel, ctx)})` : ` ${values}`;
      const mixed = `(call $mix (block ${outer} (result i32 i64) (block ${inner} (result i32 i64) ${printStmts(x.body, ctx)}${early}${exit}) (call $tw)))`;
      return x.ty === 'i64' ? mixed : `(i32.wrap_i64 ${mixed})`;
    }
  }
}

function printStmts(stmts: readonly Stmt[], ctx: Ctx): string {
  return stmts.map((s) => printStmt(s, ctx)).join(' ');
}

function target(ctx: Ctx, p: number): string {
  return ctx.labels[ctx.labels.length - 1 - (p % ctx.labels.length)]!;
}

export function printStmt(s: Stmt, ctx: Ctx): string {
  switch (s.k) {
    case 'set': return `(local.set ${ctx.vars[s.ty][s.pick % ctx.vars[s.ty].length]} ${printExpr(s.e, ctx)})`;
    case 'gset': return `(global.set $g_${s.ty} ${printExpr(s.e, ctx)})`;
    case 'store': return `(${STORES[s.ty][s.op]} offset=${s.offset} ${printAddr(s.addr, ctx)} ${printExpr(s.v, ctx)})`;
    case 'drop': return `(drop ${printExpr(s.e, ctx)})`;
    case 'block': {
      const label = `$b${ctx.fresh.n++}`;
      return `(block ${label} ${printStmts(s.body, { ...ctx, labels: [...ctx.labels, label] })})`;
    }
    case 'loop': {
      if (ctx.loopDepth >= MAX_LOOP_NESTING) return printStmt({ k: 'block', body: s.body }, ctx);
      const label = `$L${ctx.fresh.n++}`;
      const counter = `$c${ctx.loopDepth}`;
      const body = printStmts(s.body, { ...ctx, loopDepth: ctx.loopDepth + 1 });
      return `(local.set ${counter} (i32.const ${s.iters})) (loop ${label} ${body} (br_if ${label} (local.tee ${counter} (i32.sub (local.get ${counter}) (i32.const 1)))))`;
    }
    case 'if': {
      const label = `$i${ctx.fresh.n++}`;
      const inner = { ...ctx, labels: [...ctx.labels, label] };
      return `(if ${label} ${printExpr(s.c, ctx)} (then ${printStmts(s.then, inner)}) (else ${printStmts(s.else, inner)}))`;
    }
    case 'br': return `(br ${target(ctx, s.pick)})`;
    case 'brIf': return `(br_if ${target(ctx, s.pick)} ${printExpr(s.c, ctx)})`;
    case 'brTable': return `(br_table ${s.picks.map((p) => target(ctx, p)).join(' ')} ${printExpr(s.e, ctx)})`;
    case 'trapIf': return `(if (i32.eq (i32.and ${printExpr(s.c, ctx)} (i32.const 7)) (i32.const 7)) (then unreachable))`;
    case 'fill':
      return `(memory.fill (i32.and ${printExpr(s.d, ctx)} (i32.const 0xffff)) ${printExpr(s.v, ctx)} (i32.and ${printExpr(s.n, ctx)} (i32.const 0x3f)))`;
    case 'copy':
      return `(memory.copy (i32.and ${printExpr(s.d, ctx)} (i32.const 0xffff)) (i32.and ${printExpr(s.s, ctx)} (i32.const 0xffff)) (i32.and ${printExpr(s.n, ctx)} (i32.const 0xff)))`;
    case 'grow': return `(drop (memory.grow (i32.and ${printExpr(s.e, ctx)} (i32.const 1))))`;
    case 'ret': return RETURN;
  }
}

// ------------------------------------------------------------------ programs

const PARAMS = '(param $p0 i32) (param $p1 i64) (param $p2 i32) (param $p3 i64)';
const LOCALS = '(local $l0 i32) (local $l1 i64) (local $l2 i32) (local $l3 i64)';
const ALL_VARS = '(local.get $p0) (local.get $p1) (local.get $p2) (local.get $p3) (local.get $l0) (local.get $l1) (local.get $l2) (local.get $l3)';
const ALL_TYPES = 'i32 i64 i32 i64 i32 i64 i32 i64';
/** `run`'s early return (structured programs only; straight-line ones never generate it). */
const RETURN = `(return ${ALL_VARS} (global.get $g_i32) (global.get $g_i64))`;

function initLocals([a, b, c, d]: readonly [number, bigint, number, bigint]): string {
  return `(local.set $l0 (i32.const ${a})) (local.set $l1 (i64.const ${b})) (local.set $l2 (i32.const ${c})) (local.set $l3 (i64.const ${d}))`;
}

function runCtx(): Ctx {
  return { vars: RUN_VARS, labels: ['$exit'], loopDepth: 0, fresh: { n: 0 } };
}

export interface StraightLine {
  /** Initial values of $l0..$l3 (zero-initialised locals would make most divisions trap). */
  readonly init: readonly [number, bigint, number, bigint];
  readonly body: readonly Stmt[];
  readonly result64: Expr;
  readonly result32: Expr;
}

/** `run(i32, i64, i32, i64)`: local.sets of random expressions, returning every local and two more expressions. */
export function straightLineProgram(noI64Compare = false): fc.Arbitrary<StraightLine> {
  const arbs = arbitraries({ memory: false, control: false, noI64Compare });
  return fc.record({
    init: fc.tuple(i32Value, i64Value, i32Value, i64Value),
    body: fc.array(arbs.stmt(2), { minLength: 1, maxLength: 10 }),
    result64: arbs.expr.i64(3),
    result32: arbs.expr.i32(3),
  });
}

export function printStraightLine(p: StraightLine): string {
  const ctx = runCtx();
  return `(module
  (func (export "run") ${PARAMS} (result ${ALL_TYPES} i64 i32) ${LOCALS}
    ${initLocals(p.init)}
    ${printStmts(p.body, ctx)}
    ${ALL_VARS} ${printExpr(p.result64, ctx)} ${printExpr(p.result32, ctx)}))`;
}

export interface Structured {
  readonly init: readonly [number, bigint, number, bigint];
  readonly body: readonly Stmt[];
  /** `$h0` recurses (up to 7 times, by a call or a tail call) on this i64 before returning helper0. */
  readonly step0: Expr;
  readonly tail: boolean;
  readonly helper0: Expr;
  readonly helper1: Expr;
  readonly g32: number;
  readonly g64: bigint;
  readonly data: readonly number[];
}

/**
 * `run(i32, i64, i32, i64)` over a 1..3-page exported memory, two mutable globals, two helper
 * functions (called directly and through a 4-slot table with a null slot), returning every
 * local and both globals.
 */
export function structuredProgram(size: { depth: number; length: number } = { depth: 3, length: 6 }): fc.Arbitrary<Structured> {
  const arbs = arbitraries({ memory: true, control: true, noI64Compare: false });
  const helpers = arbitraries({ memory: true, control: false, noI64Compare: false });
  return fc.record({
    init: fc.tuple(i32Value, i64Value, i32Value, i64Value),
    body: fc.array(arbs.stmt(size.depth), { minLength: 1, maxLength: size.length }),
    step0: helpers.expr.i64(2),
    tail: fc.boolean(),
    helper0: helpers.expr.i64(3),
    helper1: helpers.expr.i32(3),
    g32: i32Value,
    g64: i64Value,
    data: fc.array(fc.nat({ max: 255 }), { minLength: 0, maxLength: 24 }),
  });
}

export function printStructured(p: Structured): string {
  const helperCtx: Ctx = { vars: { i32: ['0'], i64: ['1'] }, labels: [], loopDepth: MAX_LOOP_NESTING, fresh: { n: 0 } };
  const data = p.data.map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return `(module
  (type $t0 (func (param i32 i64) (result i64)))
  (type $t1 (func (param i32) (result i32)))
  (memory (export "mem") 1 3)
  (data (i32.const 8) "${data}")
  (global $g_i32 (mut i32) (i32.const ${p.g32}))
  (global $g_i64 (mut i64) (i64.const ${p.g64}))
  (table 4 funcref)
  (elem (i32.const 0) $h0 $h1 $h0)
  (func $h0 (type $t0)
    (if (result i64) (i32.eqz (i32.and (local.get 0) (i32.const 7)))
      (then ${printExpr(p.helper0, helperCtx)})
      (else (${p.tail ? 'return_call' : 'call'} $h0 (i32.sub (local.get 0) (i32.const 1)) ${printExpr(p.step0, helperCtx)}))))
  (func $h1 (type $t1) (local i64) ${printExpr(p.helper1, helperCtx)})
  (func $tw (param i32 i64) (result i32 i64) (i32.add (local.get 0) (i32.const 1)) (i64.mul (local.get 1) (i64.const 3)))
  (func $mix (param i32 i64) (result i64) (i64.xor (i64.rotl (local.get 1) (i64.const 7)) (i64.extend_i32_s (local.get 0))))
  (func (export "run") ${PARAMS} (result ${ALL_TYPES} i32 i64) ${LOCALS} (local $c0 i32) (local $c1 i32) (local $c2 i32)
    ${initLocals(p.init)}
    (block $exit ${printStmts(p.body, runCtx())})
    ${ALL_VARS} (global.get $g_i32) (global.get $g_i64)))`;
}

/** Arguments for `run(i32, i64, i32, i64)`. */
export const runArgs: fc.Arbitrary<[number, bigint, number, bigint]> = fc.tuple(i32Value, i64Value, i32Value, i64Value);
