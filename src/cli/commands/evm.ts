/**
 * `rwasm evm deploy|call|replay`: EVM transactions on Fluent's EVM runtime (EvmTestHost) over a
 * world kept in a JSON file, and the replay of recorded transactions (evm-replay.ts).
 */
import { EvmTestHost, type HostResult, type TxOptions } from '../../fluent/test-host.js';
import { stringFlag, UsageError, type ParsedArgs } from '../args.js';
import { hex, loadWorld, logJson, logText, parseAddress, parseAmount, parseHexBytes, parseSubcommand, loadEvmRuntime, readInitCode, saveWorld } from '../evm-options.js';
import type { ExitCode, Io } from '../io.js';
import { replay } from './evm-replay.js';
import { tierOf } from './run.js';

/** Anvil's and Hardhat's first test account: a sender every Ethereum tool knows as a test address. */
export const DEFAULT_SENDER = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
/** 1,000,000 ether: what the default sender is given when its balance is 0. */
export const DEFAULT_SENDER_FUNDS = 10n ** 24n;
const DEFAULT_WORLD = 'world.json';

const TX_OPTIONS = `transaction options:
  --world FILE     the accounts, read before and written back after the transaction (also a
                   reverted one: nonces and fees change); default ./world.json, created when missing
  --runtime FILE   the EVM runtime (an evm-runtime_<hash>.rwasm); default $RWASM_EVM_RUNTIME
  --from ADDR      the sender; default ${DEFAULT_SENDER}
                   (given 10^24 wei whenever its balance is 0)
  --value N        wei to send (decimal or 0x hex; default 0)
  --gas-limit N    default 10000000
  --tier T         auto|interpreter|compiled (default $RWASM_TIER, else auto)
  --json           one JSON object: status, exitCode, gasUsed (a decimal string), output, logs
exit code 0 when the transaction succeeds, 2 when it reverts, fails or is invalid, 1 on bad input`;

const DEPLOY_USAGE = `usage: rwasm evm deploy <0xINITCODE | file> [transaction options]
  a creation transaction: the init code as 0x-prefixed hex, or a file of hex text (solc's .bin)
  or raw bytes; prints status, gas used, the new contract's address, output and logs
${TX_OPTIONS}`;

const CALL_USAGE = `usage: rwasm evm call --to ADDR [--data HEX] [transaction options]
  a call transaction with HEX as calldata (default none); prints status, gas used, output and logs
${TX_OPTIONS}`;

const EVM_USAGE = `usage: rwasm evm <command> [options]   (rwasm evm <command> --help for its options)

commands:
  deploy <0xINITCODE | file>      deploy a contract in a creation transaction over --world
  call --to ADDR [--data HEX]     call a contract in a transaction over --world
  replay <fixture.json> [--bytecode DIR] [--dump DIR] [--json]
                                  replay a state-test fixture's transactions, compare post states
`;

const TX_FLAGS = ['world', 'runtime', 'from', 'value', 'gas-limit', 'tier', 'json'];

const SUBCOMMANDS: Record<string, (argv: string[], io: Io) => ExitCode> = { deploy, call, replay };

export function evm(argv: string[], io: Io): ExitCode {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(EVM_USAGE);
    return command === undefined ? 1 : 0;
  }
  const handler = SUBCOMMANDS[command];
  if (!handler) throw new UsageError(`unknown command evm ${command} (try rwasm evm --help)`);
  return handler(rest, io);
}

function deploy(argv: string[], io: Io): ExitCode {
  const args = parseSubcommand(argv, io, DEPLOY_USAGE, TX_FLAGS);
  if (!args) return 0;
  if (args.positionals.length > 1) throw new UsageError(`deploy takes one init code, got ${args.positionals.length} arguments`);
  const initCode = readInitCode(args.positionals[0]);
  return transact(args, io, 'deploy', (host, tx) => host.deploy(initCode, tx));
}

function call(argv: string[], io: Io): ExitCode {
  const args = parseSubcommand(argv, io, CALL_USAGE, [...TX_FLAGS, 'to', 'data']);
  if (!args) return 0;
  if (args.positionals.length > 0) throw new UsageError(`call takes no arguments (got ${args.positionals[0]}): the contract is --to ADDR, the calldata --data HEX`);
  const toText = stringFlag(args, 'to');
  if (toText === undefined) throw new UsageError('missing --to ADDR');
  const to = parseAddress(toText, '--to');
  const data = parseHexBytes(stringFlag(args, 'data') ?? '', '--data');
  return transact(args, io, 'call', (host, tx) => host.call({ ...tx, to, data }));
}

type Sent = HostResult & { readonly address?: Uint8Array | undefined };

/** One transaction over the world file: every option is checked before the world is read or written. */
function transact(args: ParsedArgs, io: Io, kind: 'deploy' | 'call', send: (host: EvmTestHost, tx: TxOptions) => Sent): ExitCode {
  const from = parseAddress(stringFlag(args, 'from') ?? DEFAULT_SENDER, '--from');
  const value = parseAmount(stringFlag(args, 'value'), '--value', 256);
  const gasLimit = parseAmount(stringFlag(args, 'gas-limit'), '--gas-limit', 64);
  const tier = tierOf(args, io);
  const worldPath = stringFlag(args, 'world') ?? DEFAULT_WORLD;
  const runtime = loadEvmRuntime(args, io);

  const host = new EvmTestHost({ ...runtime, tier });
  loadWorld(worldPath, host.world);
  if (hex(from) === DEFAULT_SENDER && (host.world.account(from)?.balance ?? 0n) === 0n) host.fund(from, DEFAULT_SENDER_FUNDS);
  const result = send(host, { from, ...(value !== undefined ? { value } : {}), ...(gasLimit !== undefined ? { gasLimit } : {}) });
  saveWorld(worldPath, host.world);

  const deployed = kind === 'deploy';
  if (args.flags.has('json')) {
    const json = {
      status: result.status,
      exitCode: result.exitCode ?? null,
      gasUsed: result.gasUsed.toString(),
      ...(deployed ? { address: result.address ? hex(result.address) : null } : {}),
      output: hex(result.output),
      logs: result.logs.map(logJson),
    };
    io.out(JSON.stringify(json) + '\n');
  } else {
    const lines = [
      `status ${result.status}${result.exitCode !== undefined ? ` (exit code ${result.exitCode})` : ''}`,
      `gas used ${result.gasUsed}`,
      ...(deployed ? [`address ${result.address ? hex(result.address) : '(none)'}`] : []),
      `output ${hex(result.output)}`,
      `logs ${result.logs.length}`,
      ...result.logs.map(logText),
    ];
    io.out(lines.join('\n') + '\n');
  }
  return result.status === 'success' ? 0 : 2;
}
