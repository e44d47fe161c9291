// Builds the package into dist/ (or `--outdir DIR`, which the packaging tests use):
//
// - ESM for Node (the `node` condition): one entry per public layer (rwasm-ts, /format,
//   /compiler, /interpreter, /runtime, /fluent, /testing, /webassembly) with code splitting, so
//   an entry loads only the chunks it reaches. Node loads each file on its own, and the library
//   has 116 modules: importing the root from 22 files takes half the time it takes from one file
//   per module (47 ms against 91 ms, medians of 9 fresh processes, and the first EVM-runtime call
//   5 ms against 11 ms). Bundling also inlines every enum member where it is used, across modules.
// - ESM for bundlers and browsers (every other `import`): dist/esm, one file per source module,
//   each transpiled on its own (the module graph is the source's, so a bundler keeps only the
//   modules a program reaches; package.json says sideEffects: false). An enum member is inlined
//   in the module that declares it (the dispatch loop's switch sits beside its enum) and read as
//   a property elsewhere; a bundler then re-bundles the files into one.
// - CommonJS for require(): the whole library as one bundle, dist/cjs/index.cjs, with
//   @noble/hashes inside it (it is ESM-only, so requiring it would need require(esm), which
//   CommonJS tooling such as jest does not have); each layer's entry re-exports its names from
//   that bundle, so every class exists once. Type declarations are the ESM ones as .d.cts.
// - The CLI as one Node bundle (dist/cli.js), wabt and wasm-tools (@bytecodealliance/jco-transpile)
//   left to the user (optional peers).
// - Type declarations per module (tsc).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = values.outdir;
const LAYERS = ['format', 'compiler', 'interpreter', 'runtime', 'fluent', 'testing', 'webassembly'];
const NOBLE = ['@noble/hashes', '@noble/hashes/*'];

rmSync(outdir, { recursive: true, force: true });
const common = { bundle: true, target: 'es2022', sourcemap: true, logLevel: 'warning' };

const esm = await build({
  ...common,
  entryPoints: ['src/index.ts', ...LAYERS.map((layer) => `src/${layer}/index.ts`)],
  outdir,
  outbase: 'src',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'neutral',
  external: [...NOBLE, 'fast-check'],
  metafile: true,
});
dropBareChunkImports(outdir);

const modules = readdirSync('src', { recursive: true })
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.startsWith(`cli${sep}`))
  .map((name) => join('src', name));
await build({ entryPoints: modules, bundle: false, outdir: join(outdir, 'esm'), outbase: 'src', format: 'esm', platform: 'neutral', target: common.target, sourcemap: true, logLevel: common.logLevel });

await build({ ...common, entryPoints: ['src/index.ts'], outfile: join(outdir, 'cjs/index.cjs'), format: 'cjs', platform: 'neutral' });
// rwasm-ts/testing: fast-check stays the user's (a peer dependency), and the library it uses is
// the CommonJS bundle itself.
const libraryBundle = { name: 'library-bundle', setup: (b) => b.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: '../index.cjs', external: true })) };
await build({ ...common, entryPoints: ['src/testing/index.ts'], outfile: join(outdir, 'cjs/testing/index.cjs'), format: 'cjs', platform: 'neutral', external: ['fast-check'], plugins: [libraryBundle] });
// rwasm-ts/webassembly is not part of the root entry (its Table and Memory are the JS API's, not
// the interpreter's), so its CommonJS form is a bundle of its own.
await build({ ...common, entryPoints: ['src/webassembly/index.ts'], outfile: join(outdir, 'cjs/webassembly/index.cjs'), format: 'cjs', platform: 'neutral' });
for (const layer of LAYERS.filter((layer) => layer !== 'testing' && layer !== 'webassembly')) {
  const names = esm.metafile.outputs[relative(process.cwd(), join(outdir, layer, 'index.js'))]?.exports;
  if (!names) throw new Error(`esbuild's metafile lists no exports for ${layer}`);
  const source = [
    "'use strict';",
    `// rwasm-ts/${layer} for require(): its names, read from the one CommonJS bundle (so each class exists once).`,
    "const library = require('../index.cjs');",
    `for (const name of ${JSON.stringify(names.sort())}) Object.defineProperty(exports, name, { enumerable: true, get: () => library[name] });`,
    '',
  ].join('\n');
  mkdirSync(join(outdir, 'cjs', layer), { recursive: true });
  writeFileSync(join(outdir, 'cjs', layer, 'index.cjs'), source);
}

await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: join(outdir, 'cli.js'), format: 'esm', platform: 'node', external: [...NOBLE, 'wabt', '@bytecodealliance/jco-transpile', '@bytecodealliance/jco-transpile/*'] });

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', outdir], { stdio: 'inherit' });
copyDeclarationsAsCommonJs(outdir, join(outdir, 'cjs'));

/**
 * esbuild's split output imports chunks it takes no names from (`import "./chunks/chunk-X.js"`)
 * to keep their evaluation order; with sideEffects: false a bundler drops those imports anyway,
 * and esbuild (Vite's dependency pre-bundling too) warns about each one the user's code does not
 * otherwise reach. No module of the library has an effect outside itself when it is evaluated
 * (their top-level code fills their own tables), so the imports go, and chunks left empty (the
 * modules that hold only types) with them. A chunk whose names are used is imported by name.
 */
function dropBareChunkImports(dir) {
  const files = readdirSync(dir, { recursive: true }).filter((name) => name.endsWith('.js')).map((name) => join(dir, name));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // Blanked rather than removed, so the lines below keep the places their source maps give.
    const stripped = text.replace(/^import "(?:\.\.?\/)+(?:chunks\/)?chunk-[\w-]+\.js";$/gm, '');
    if (stripped !== text) writeFileSync(file, stripped);
  }
  const isEmpty = (file) => readFileSync(file, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '').trim() === '';
  const empty = files.filter(isEmpty);
  for (const file of empty) {
    const name = basename(file);
    const importer = files.find((other) => !empty.includes(other) && readFileSync(other, 'utf8').includes(name));
    if (importer) throw new Error(`${name} is empty but ${importer} still imports it`);
  }
  for (const file of empty) {
    rmSync(file);
    rmSync(`${file}.map`, { force: true });
  }
}

/** Every .d.ts under `from` (but dist/cjs itself) as .d.cts under `to`, relative imports renamed to match. */
function copyDeclarationsAsCommonJs(from, to) {
  for (const entry of readdirSync(from, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !entry.name.endsWith('.d.ts') || !relative(to, path).startsWith('..')) continue;
    const text = readFileSync(path, 'utf8').replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.js(['"])/g, '$1$2.cjs$3');
    const target = join(to, relative(from, path)).replace(/\.d\.ts$/, '.d.cts');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
