/**
 * sql.js (SQLite built with Emscripten) on the facade beside V8: its loader calls
 * `WebAssembly.instantiate(bytes, imports)` on the global with the `wasmBinary` given, then
 * drives SQLite through 40 imports (a file system in JS, clocks, BigInt i64s) and its exported
 * function table. A few statements, every result compared.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, expect, it } from 'vitest';
import { installWebAssembly } from '../../src/webassembly/index.js';
import { describeWithHostWasm } from '../support/host-wasm.js';
import { sqlSession, type Database, type SqlJs } from './larger-package-cases.js';

const require = createRequire(import.meta.url);
const loaderPath = require.resolve('sql.js');
const wasmBinary = new Uint8Array(readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')));

/** A fresh copy of the loader: each keeps its instance (and the promise of it) to itself. */
function freshLoader(): (config: { wasmBinary: Uint8Array }) => Promise<SqlJs> {
  delete require.cache[loaderPath];
  return require('sql.js') as (config: { wasmBinary: Uint8Array }) => Promise<SqlJs>;
}

describeWithHostWasm('sql.js (Emscripten) on the facade beside V8', () => {
  let ours: SqlJs;
  let v8: SqlJs;

  beforeAll(async () => {
    v8 = await freshLoader()({ wasmBinary });
    const restore = installWebAssembly();
    try {
      ours = await freshLoader()({ wasmBinary });
    } finally {
      restore();
    }
  }, 60_000);

  it('runs a schema, inserts, updates, queries, prepared statements and an export/reopen like V8', () => {
    expect(sqlSession(ours)).toEqual(sqlSession(v8));
  }, 60_000);

  it('calls JS functions registered as SQL functions (addFunction puts them in the table)', () => {
    const run = (SQL: SqlJs) => {
      const db = new SQL.Database() as Database & { create_function(name: string, fn: (...args: unknown[]) => unknown): void };
      db.create_function('js_concat', (a, b) => `${String(a)}+${String(b)}`);
      db.create_function('js_square', (x) => Number(x) * Number(x));
      const result = db.exec("SELECT js_concat('a', 1), js_square(12), js_square(js_square(3))");
      db.close();
      return result;
    };
    // The loader builds the wrapper module on the global WebAssembly when the function is added.
    const restore = installWebAssembly();
    let got: unknown;
    try {
      got = run(ours);
    } finally {
      restore();
    }
    expect(got).toEqual(run(v8));
  });

  it('reports SQL errors as SQLite does', () => {
    const message = (SQL: SqlJs) => {
      const db = new SQL.Database();
      try {
        db.exec('SELECT * FROM missing');
        return 'no error';
      } catch (error) {
        return String(error);
      } finally {
        db.close();
      }
    };
    expect(message(ours)).toBe(message(v8));
    expect(message(ours)).toMatch(/no such table/);
  });
});
