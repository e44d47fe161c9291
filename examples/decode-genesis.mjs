// Decodes every rWasm binary of Fluent's genesis and checks its code hash against the one in
// its file name (evm-runtime_<keccak256>.rwasm). Only rwasm-ts/format is loaded: the decoder,
// verifier and hash, without the compiler or the interpreter.
//
//   node examples/decode-genesis.mjs [file.rwasm …]
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RwasmModule, codeHashHex } from 'rwasm-ts/format';
import { sharedDir } from './shared-dir.mjs';

const genesis = join(sharedDir(), 'fixtures', 'genesis');
const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(genesis).filter((name) => name.endsWith('.rwasm')).sort().map((name) => join(genesis, name));

let mismatches = 0;
for (const file of files) {
  const bytes = new Uint8Array(readFileSync(file));
  const module = RwasmModule.decode(bytes); // verified; malformed bytes throw an RwasmError with a code
  const hash = codeHashHex(bytes);
  const named = /_([0-9a-f]{64})\./.exec(basename(file))?.[1];
  if (named !== undefined && named !== hash) mismatches++;
  const verdict = named === undefined ? '' : named === hash ? '  hash matches the file name' : '  HASH DIFFERS FROM THE FILE NAME';
  console.log(`${basename(file)}: 0x${hash}, ${module.code.length} instructions, ${module.data.length} data bytes, hint ${module.hintType}${verdict}`);
}
process.exitCode = mismatches === 0 ? 0 : 1;
