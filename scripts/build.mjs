// Builds dist/: the library and the CLI as ESM bundles (esbuild inlines the opcode enums, so
// the interpreter's dispatch switch compiles to a jump table) plus type declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', platform: 'neutral', external: ['@noble/hashes', '@noble/hashes/*'] });
// rwasm-ts/testing: fast-check stays the user's (a peer dependency), and the library it uses is
// the main bundle itself (one copy of every class, so its modules are the user's RwasmModules).
const mainBundle = { name: 'main-bundle', setup: (b) => b.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './index.js', external: true })) };
await build({ ...common, entryPoints: ['src/testing/index.ts'], outfile: 'dist/testing.js', platform: 'neutral', external: ['@noble/hashes', '@noble/hashes/*', 'fast-check'], plugins: [mainBundle] });
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', external: ['@noble/hashes', '@noble/hashes/*', 'wabt'] });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
