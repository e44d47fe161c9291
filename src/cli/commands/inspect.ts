import { codeHashHex } from '../../format/code-hash.js';
import { RwasmModule } from '../../format/module.js';
import { checkFlags, parseArgs } from '../args.js';
import { readInput, type ExitCode, type Io } from '../io.js';

export function inspect(argv: string[], io: Io): ExitCode {
  const args = parseArgs(argv, new Set(['json']));
  checkFlags(args, ['json']);
  const bytes = readInput(args.positionals[0]);
  const module = RwasmModule.decode(bytes);
  const facts = {
    codeHash: codeHashHex(bytes),
    instructions: module.code.length,
    dataBytes: module.data.length,
    elemCount: module.elem.length,
    hintBytes: module.hint.length,
    hintType: module.hintType,
    sourcePc: module.sourcePc,
  };
  if (args.flags.has('json')) {
    io.out(JSON.stringify(facts) + '\n');
    return 0;
  }
  io.out(
    [
      `code hash     0x${facts.codeHash}`,
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
  const args = parseArgs(argv, new Set());
  checkFlags(args, []);
  io.out(RwasmModule.decode(readInput(args.positionals[0])).disassemble());
  return 0;
}
