/** Runs the `rwasm` command in this process, its output and errors collected (as test/cli.test.ts does). */
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `env` is all the environment the command sees (none by default, so the caller's RWASM_* do not leak in). */
export async function runCli(env: Record<string, string>, ...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), env });
  return { code, out, err };
}
