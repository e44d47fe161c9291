// Where the examples find the material beside the project (genesis binaries, EVM contracts):
// $RWASM_SHARED, else ../shared beside the repository, as the tests find it.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sharedDir() {
  const dir = process.env.RWASM_SHARED ? resolve(process.env.RWASM_SHARED) : resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared');
  if (!existsSync(dir)) throw new Error(`no shared folder at ${dir}: set RWASM_SHARED to the folder holding fixtures/`);
  return dir;
}
