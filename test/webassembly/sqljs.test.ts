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

interface Statement {
  bind(values: unknown[]): void;
  step(): boolean;
  get(): unknown[];
  free(): void;
}
interface Database {
  run(sql: string, params?: unknown[]): void;
  exec(sql: string): { columns: string[]; values: unknown[][] }[];
  prepare(sql: string): Statement;
  export(): Uint8Array;
  close(): void;
}
interface SqlJs {
  Database: new (data?: Uint8Array) => Database;
}

const require = createRequire(import.meta.url);
const loaderPath = require.resolve('sql.js');
const wasmBinary = new Uint8Array(readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')));

/** A fresh copy of the loader: each keeps its instance (and the promise of it) to itself. */
function freshLoader(): (config: { wasmBinary: Uint8Array }) => Promise<SqlJs> {
  delete require.cache[loaderPath];
  return require('sql.js') as (config: { wasmBinary: Uint8Array }) => Promise<SqlJs>;
}

const SCHEMA = `CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, big INTEGER, data BLOB);
CREATE INDEX by_score ON people (score);
INSERT INTO people (name, score, big, data) VALUES ('alice', 3.5, 9007199254740993, x'00ff10'), ('bob', -1.25, -42, NULL), ('carol', 1e300, 0, x'');
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 150) INSERT INTO people (name, score, big) SELECT 'n' || x, x * 0.5, x * x * x FROM n;
UPDATE people SET score = score * 2 WHERE id % 5 = 0;
DELETE FROM people WHERE id % 11 = 0;`;

const QUERIES = `SELECT count(*), sum(score), total(big), group_concat(name, ',') FROM people WHERE id % 7 = 0;
SELECT upper(name), length(name), big, typeof(big), hex(data) FROM people ORDER BY score DESC, id LIMIT 6;
SELECT name FROM people WHERE score BETWEEN 10 AND 12 ORDER BY name;
SELECT printf('%.3f|%5d|%s', 3.14159, 42, 'x'), abs(-7), round(2.675, 2), substr('sqlite', 2, 3), instr('hello', 'l'), replace('a-b-c', '-', '+');
SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'three')), json_extract('{"x":{"y":[10,20]}}', '$.x.y[1]');
SELECT max(id), min(score), avg(big) FROM people;`;

function session(SQL: SqlJs): unknown {
  const db = new SQL.Database();
  db.run(SCHEMA);
  const results = db.exec(QUERIES);
  const statement = db.prepare('SELECT name, score FROM people WHERE id = ? OR name = ?');
  statement.bind([2, 'n99']);
  const rows: unknown[] = [];
  while (statement.step()) rows.push(statement.get());
  statement.free();
  const image = db.export();
  db.close();
  // The exported file opens again, in the same engine.
  const reopened = new SQL.Database(image);
  const again = reopened.exec('SELECT count(*), sum(big) FROM people');
  reopened.close();
  return { results, rows, imageLength: image.length, again };
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
    expect(session(ours)).toEqual(session(v8));
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
