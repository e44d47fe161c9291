/**
 * What the tests of the two larger packages run, shared by the in-process tests (facade beside
 * V8) and the `node --jitless` child: brotli-wasm (wasm-bindgen) compressing and decompressing,
 * and sql.js (Emscripten) running a schema, queries, a prepared statement and an export/reopen.
 */

export interface Brotli {
  compress(input: Uint8Array, options?: { quality?: number }): Uint8Array;
  decompress(input: Uint8Array): Uint8Array;
  CompressStream: new (quality?: number) => { compress(input: Uint8Array | undefined, outputSize: number): { buf: Uint8Array; code: number; input_offset: number }; free(): void };
  DecompressStream: new () => { decompress(input: Uint8Array, outputSize: number): { buf: Uint8Array; code: number; input_offset: number }; free(): void };
}

/** Text that compresses well and some that does not: about 24 KB. */
export const BROTLI_INPUT: Uint8Array = new TextEncoder().encode('The quick brown fox jumps over the lazy dog. '.repeat(300) + Array.from({ length: 1200 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join(' '));

/** One-shot compression at `qualities` of `input`, each output as bytes and whether it decompresses back. */
export function brotliRounds(brotli: Brotli, input: Uint8Array, qualities: readonly number[]): Array<{ quality: number; compressed: number[]; roundTrips: boolean }> {
  return qualities.map((quality) => {
    const compressed = brotli.compress(input, { quality });
    const back = brotli.decompress(compressed);
    return { quality, compressed: Array.from(compressed), roundTrips: back.length === input.length && back.every((b, i) => b === input[i]) };
  });
}

export interface Statement {
  bind(values: unknown[]): void;
  step(): boolean;
  get(): unknown[];
  free(): void;
}
export interface Database {
  run(sql: string, params?: unknown[]): void;
  exec(sql: string): { columns: string[]; values: unknown[][] }[];
  prepare(sql: string): Statement;
  export(): Uint8Array;
  close(): void;
}
export interface SqlJs {
  Database: new (data?: Uint8Array) => Database;
}

export const SQL_SCHEMA = `CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, big INTEGER, data BLOB);
CREATE INDEX by_score ON people (score);
INSERT INTO people (name, score, big, data) VALUES ('alice', 3.5, 9007199254740993, x'00ff10'), ('bob', -1.25, -42, NULL), ('carol', 1e300, 0, x'');
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 150) INSERT INTO people (name, score, big) SELECT 'n' || x, x * 0.5, x * x * x FROM n;
UPDATE people SET score = score * 2 WHERE id % 5 = 0;
DELETE FROM people WHERE id % 11 = 0;`;

export const SQL_QUERIES = `SELECT count(*), sum(score), total(big), group_concat(name, ',') FROM people WHERE id % 7 = 0;
SELECT upper(name), length(name), big, typeof(big), hex(data) FROM people ORDER BY score DESC, id LIMIT 6;
SELECT name FROM people WHERE score BETWEEN 10 AND 12 ORDER BY name;
SELECT printf('%.3f|%5d|%s', 3.14159, 42, 'x'), abs(-7), round(2.675, 2), substr('sqlite', 2, 3), instr('hello', 'l'), replace('a-b-c', '-', '+');
SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'three')), json_extract('{"x":{"y":[10,20]}}', '$.x.y[1]');
SELECT max(id), min(score), avg(big) FROM people;`;

export function sqlSession(SQL: SqlJs): unknown {
  const db = new SQL.Database();
  db.run(SQL_SCHEMA);
  const results = db.exec(SQL_QUERIES);
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

/** A smaller input for the `--jitless` child: 2 KB of each kind of text. */
export const JITLESS_BROTLI_INPUT: Uint8Array = Uint8Array.from([...BROTLI_INPUT.subarray(0, 2048), ...BROTLI_INPUT.subarray(BROTLI_INPUT.length - 2048)]);
export const JITLESS_BROTLI_QUALITIES: readonly number[] = [1, 6];
