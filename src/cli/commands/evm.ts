/**
 * `rwasm evm deploy|call|replay`: EVM transactions on Fluent's EVM runtime (EvmTestHost) over a
 * world kept in a JSON file, and the replay of recorded transactions (evm-replay.ts).
 */
import { EvmTestHost, type HostResult, type TxOptions } from '../../fluent/test-host.js';
import { parseCommand, UsageError, type OptionValues } from '../args.js';
import { loadWorld, logJson, logText, parseAddress, parseAmount, parseHexBytes, loadEvmRuntime, readInitCode, saveWorld } from '../evm-options.js';
import { hex, type ExitCode, type Io } from '../io.js';
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

const TX_OPTIONS_SPEC = {
  world: { type: 'string' },
  runtime: { type: 'string' },
  from: { type: 'string' },
  value: { type: 'string' },
  'gas-limit': { type: 'string' },
  tier: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const DEPLOY = { name: 'evm deploy', usage: DEPLOY_USAGE, options: TX_OPTIONS_SPEC, positionals: { max: 1, described: 'one init code' } } as const;
const CALL = {
  name: 'evm call',
  usage: CALL_USAGE,
  options: { ...TX_OPTIONS_SPEC, to: { type: 'string' }, data: { type: 'string' } },
  positionals: { max: 0, described: 'no arguments (the contract is --to ADDR, the calldata --data HEX)' },
} as const;

type TxValues = OptionValues<typeof TX_OPTIONS_SPEC>;

const SUBCOMMANDS: Record<string, (argv: string[], io: Io) => ExitCode> = { deploy, call, replay };

/** Hands `rwasm evm …` to its subcommand; `rwasm evm help deploy` is `rwasm evm deploy --help`. */
export function evm(argv: string[], io: Io): ExitCode {
  const [command, ...rest] = argv;
  if (command === 'help' && rest.length > 0) return evm([rest[0]!, '--help'], io);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(EVM_USAGE);
    return command === undefined ? 1 : 0;
  }
  const known = Object.hasOwn(SUBCOMMANDS, command);
  if (!known && argv.some((arg) => arg === '--help' || arg === '-h')) return evm(['--help'], io);
  if (command.startsWith('-')) throw new UsageError(`evm: unknown option ${command} (rwasm evm --help lists the commands)`);
  const handler = known ? SUBCOMMANDS[command] : undefined;
  if (!handler) throw new UsageError(`unknown command evm ${command} (try rwasm evm --help)`);
  return handler(rest, io);
}

function deploy(argv: string[], io: Io): ExitCode {
  const args = parseCommand(argv, io, DEPLOY);
  if (!args) return 0;
  const initCode = readInitCode(args.positionals[0]);
  return transact(args.values, io, 'deploy', (host, tx) => host.deploy(initCode, tx));
}

function call(argv: string[], io: Io): ExitCode {
  const args = parseCommand(argv, io, CALL);
  if (!args) return 0;
  if (args.values.to === undefined) throw new UsageError('missing --to ADDR');
  const to = parseAddress(args.values.to, '--to');
  const data = parseHexBytes(args.values.data ?? '', '--data');
  return transact(args.values, io, 'call', (host, tx) => host.call({ ...tx, to, data }));
}

type Sent = HostResult & { readonly address?: Uint8Array | undefined };

/** One transaction over the world file: every option is checked before the world is read or written. */
function transact(values: TxValues, io: Io, kind: 'deploy' | 'call', send: (host: EvmTestHost, tx: TxOptions) => Sent): ExitCode {
  const from = parseAddress(values.from ?? DEFAULT_SENDER, '--from');
  const value = parseAmount(values.value, '--value', 256);
  const gasLimit = parseAmount(values['gas-limit'], '--gas-limit', 64);
  const tier = tierOf(values.tier, io);
  const worldPath = values.world ?? DEFAULT_WORLD;
  const runtime = loadEvmRuntime(values.runtime, io);

  const host = new EvmTestHost({ ...runtime, tier });
  loadWorld(worldPath, host.world);
  if (hex(from) === DEFAULT_SENDER && (host.world.account(from)?.balance ?? 0n) === 0n) host.fund(from, DEFAULT_SENDER_FUNDS);
  const result = send(host, { from, ...(value !== undefined ? { value } : {}), ...(gasLimit !== undefined ? { gasLimit } : {}) });
  saveWorld(worldPath, host.world);

  const deployed = kind === 'deploy';
  if (values.json) {
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
