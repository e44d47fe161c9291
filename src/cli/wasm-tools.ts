/**
 * `.wat` text → Wasm binary through wasm-tools: the Bytecode Alliance's `wat` crate (the text
 * parser of wasmtime and of the Rust spec-test harnesses), built for JavaScript in the
 * @bytecodealliance/jco-transpile package. It follows the current text format (typed function
 * references, GC, exceptions, `(ref.null func)` in select, …), where wabt is behind, and gives
 * the bundled testsuite exactly wabt's results. An optional peer dependency of the CLI, a
 * development dependency here; like wabt it runs on the host's WebAssembly (none under --jitless).
 */
import { tokenize } from '../spec/wast/lexer.js';

/** The package could not be loaded: not installed, or no WebAssembly to start it on. */
export class WasmToolsUnavailable extends Error {}

export const WASM_TOOLS_PACKAGE = '@bytecodealliance/jco-transpile';

const importFromNodeModules = (): Promise<unknown> => import('@bytecodealliance/jco-transpile/wasm-tools');

const firstLine = (error: unknown) => String((error as Error | undefined)?.message ?? error).split('\n')[0];

/**
 * wasm-tools refuses text holding characters that could disguise code, such as U+202E
 * (right-to-left override), even inside a string: names.wast exports such names. A string's
 * bytes are the same written as `\hh` escapes, so non-ASCII strings are handed over escaped.
 */
export function escapeNonAsciiStrings(text: string): string {
  if (!/[^\u0000-\u007f]/.test(text)) return text;
  let tokens;
  try {
    tokens = tokenize(text);
  } catch {
    return text; // malformed text: the parser is to reject it as it is
  }
  let escaped = '';
  let at = 0;
  for (const token of tokens) {
    if (token.kind !== 'string') continue;
    escaped += text.slice(at, token.start) + '"' + Array.from(token.bytes, (byte) => `\\${byte.toString(16).padStart(2, '0')}`).join('') + '"';
    at = token.end;
  }
  return escaped + text.slice(at);
}

/**
 * wasm-tools reports an error as Rust's debug form of it (`Error { kind: Wast(Error { inner: … text:
 * Some(Text { line: 0, col: 37, … }), … kind: Custom("expected a i32") } }) }`): this makes it
 * `module.wat:1:38: error: expected a i32`, wabt's layout, with 1-based line and column.
 */
export function describeWasmToolsError(message: string, filename = 'module.wat'): string {
  const at = /\bline: (\d+), col: (\d+)/.exec(message);
  const kindAt = message.lastIndexOf('kind: ');
  let reason = kindAt < 0 ? message : message.slice(kindAt + 'kind: '.length).replace(/(\s*\}\)?)+\s*$/, '');
  const custom = /^Custom\("((?:[^"\\]|\\.)*)"\)$/.exec(reason);
  if (custom) reason = custom[1]!.replace(/\\(.)/g, '$1');
  return at ? `${filename}:${Number(at[1]) + 1}:${Number(at[2]) + 1}: error: ${reason}` : `${filename}: error: ${reason}`;
}

/** `importPackage` is how the package is imported: tests pass one that fails, as if it were missing. */
export async function loadWasmToolsParser(importPackage: () => Promise<unknown> = importFromNodeModules): Promise<(text: string) => Promise<Uint8Array>> {
  // Checked first: the package starts its WebAssembly as it is imported.
  if (!('WebAssembly' in globalThis)) {
    throw new WasmToolsUnavailable(`wasm-tools (${WASM_TOOLS_PACKAGE}) runs on the host's WebAssembly, and this process has none (--jitless?)`);
  }
  let imported: { parse?: unknown };
  try {
    imported = (await importPackage()) as { parse?: unknown };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new WasmToolsUnavailable(`wasm-tools is not installed: npm install ${WASM_TOOLS_PACKAGE}`);
    }
    throw new WasmToolsUnavailable(`wasm-tools (${WASM_TOOLS_PACKAGE}) did not load: ${firstLine(error)}`);
  }
  if (typeof imported.parse !== 'function') throw new WasmToolsUnavailable(`${WASM_TOOLS_PACKAGE} has no parse function: an unsupported version?`);
  const parse = imported.parse as (text: string) => Promise<Uint8Array>;
  return async (text: string) => {
    try {
      return await parse(escapeNonAsciiStrings(text));
    } catch (error) {
      throw new Error(describeWasmToolsError(String((error as Error | undefined)?.message ?? error)), { cause: error });
    }
  };
}
