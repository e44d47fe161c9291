import { defineConfig } from 'vitest/config';

// `npm run test:jitless` sets RWASM_JITLESS=1: every test file then runs in a Node worker started
// with --jitless (no JIT, no WebAssembly), the environment the engine is built for.
const jitless = process.env.RWASM_JITLESS === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'spec-tests/**/*.test.ts'],
    pool: 'forks',
    setupFiles: ['test/support/tier-setup.ts'],
    execArgv: jitless ? ['--jitless'] : [],
    testTimeout: jitless ? 120_000 : 30_000,
    hookTimeout: jitless ? 120_000 : 30_000,
  },
});
