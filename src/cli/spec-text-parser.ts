/**
 * The text-format parser `rwasm spec` turns module text into binaries with: wasm-tools, which
 * reads the current text format, or wabt, which is behind it (upstream br_table.wast's typed
 * function references, for one) but is what `.wat` input uses elsewhere in the CLI.
 */
import type { TextModuleParser } from '../spec/suite.js';
import { UsageError } from './args.js';
import type { Io } from './io.js';
import { watParser } from './program-input.js';
import { WabtUnavailable, loadWat2Wasm } from './wabt.js';
import { WasmToolsUnavailable, loadWasmToolsParser } from './wasm-tools.js';

export const TEXT_PARSERS = ['auto', 'wasm-tools', 'wabt'] as const;
export type TextParserChoice = (typeof TEXT_PARSERS)[number];

export interface ChosenTextParser {
  readonly name: 'wasm-tools' | 'wabt';
  readonly parse: TextModuleParser;
}

export function isTextParserChoice(value: string): value is TextParserChoice {
  return (TEXT_PARSERS as readonly string[]).includes(value);
}

/** `auto`: wasm-tools where it loads, else wabt; a parser that cannot load is a one-line UsageError. */
export async function specTextParser(choice: TextParserChoice, io: Io): Promise<ChosenTextParser> {
  if (choice === 'wabt') return { name: 'wabt', parse: await watParser(io) };
  try {
    return { name: 'wasm-tools', parse: await loadWasmToolsParser(io.importWasmTools) };
  } catch (error) {
    if (!(error instanceof WasmToolsUnavailable)) throw error;
    if (choice === 'wasm-tools') throw new UsageError(error.message);
    try {
      return { name: 'wabt', parse: await loadWat2Wasm(io.importWabt) };
    } catch (wabtError) {
      if (!(wabtError instanceof WabtUnavailable)) throw wabtError;
      throw new UsageError(`rwasm spec reads module text with wasm-tools or wabt, and neither loads: ${error.message}; ${wabtError.message}`);
    }
  }
}
