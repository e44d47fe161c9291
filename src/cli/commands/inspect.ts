import { codeHash } from '../../format/code-hash.js';
import { RwasmModule } from '../../format/module.js';
import { parseCommand } from '../args.js';
import { hex, type ExitCode, type Io } from '../io.js';
import { readRwasm } from '../program-input.js';

export const INSPECT_USAGE = `usage: rwasm inspect <file.rwasm> [--json]
  the code hash (keccak256 of the whole file), instruction count, data, elem and hint sizes,
  hint type and source_pc of an rWasm module
  --json   one JSON object: codeHash (0x…), instructions, dataBytes, elemCount, hintBytes,
           hintType, sourcePc`;

export const DISASM_USAGE = `usage: rwasm disasm <file.rwasm>
  one instruction per line with its pc; function starts labelled, branch and call targets resolved`;

const INSPECT = { name: 'inspect', usage: INSPECT_USAGE, options: { json: { type: 'boolean' } }, positionals: { max: 1, described: 'one file' } } as const;
const DISASM = { name: 'disasm', usage: DISASM_USAGE, options: {}, positionals: { max: 1, described: 'one file' } } as const;

export function inspect(argv: string[], io: Io): ExitCode {
  const args = parseCommand(argv, io, INSPECT);
  if (!args) return 0;
  const bytes = readRwasm(args.positionals[0], 'inspect');
  const module = RwasmModule.decode(bytes);
  const facts = {
    codeHash: hex(codeHash(bytes)),
    instructions: module.code.length,
    dataBytes: module.data.length,
    elemCount: module.elem.length,
    hintBytes: module.hint.length,
    hintType: module.hintType,
    sourcePc: module.sourcePc,
  };
  if (args.values.json) {
    io.out(JSON.stringify(facts) + '\n');
    return 0;
  }
  io.out(
    [
      `code hash     ${facts.codeHash}`,
      `instructions  ${facts.instructions}`,
      `data          ${facts.dataBytes} bytes`,
      `elem          ${facts.elemCount} entries`,
      `hint          ${facts.hintBytes} bytes (${facts.hintType})`,
      `source_pc     ${facts.sourcePc}`,
    ].join('\n') + '\n',
  );
  return 0;
}

export function disasm(argv: string[], io: Io): ExitCode {
  const args = parseCommand(argv, io, DISASM);
  if (!args) return 0;
  io.out(RwasmModule.decode(readRwasm(args.positionals[0], 'disasm')).disassemble());
  return 0;
}
