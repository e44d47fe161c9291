/**
 * The host's answers to the EVM runtime's interruptions, with revm's gas on Fluent's Osaka
 * schedule (fluentbase crates/revm/src/syscall.rs execute_rwasm_interruption): input lengths
 * checked (a wrong one halts the frame with MalformedBuiltinParams), gas charged step by step on
 * the host's meter (a charge that does not fit halts with OutOfFuel after the charges before it),
 * and nested frames for the CALL and CREATE families, where the host applies the 63/64 rule.
 */
import { ExitCode } from '../runtime/exit-code.js';
import type { InvocationParams } from '../runtime/invocation.js';
import { decodeEvmMetadata, decodeOwnableAccount } from './account-code.js';
import { u256Bytes, u256Of } from './bytes.js';
import { EVM_RUNTIME_OWNER, type FrameOutcome, type FrameRunner } from './frames.js';
import { FUEL_PER_GAS, INTERRUPTION_IDS, interruptionRequest, keccak256 } from './interruptions.js';
import { COLD_ACCOUNT_ACCESS_COST, SSTORE_STIPEND, WARM_STORAGE_READ_COST, sloadGas, sstoreGas } from './storage-gas.js';

/** The frame asking, as the host sees it. */
export interface SyscallFrame {
  readonly address: Uint8Array;
  readonly caller: Uint8Array;
  readonly value: bigint;
  readonly isStatic: boolean;
  readonly depth: number;
  readonly frames: FrameRunner;
  /** Gas the frame has left on the host's meter. */
  readonly gasLeft: bigint;
}

export interface SyscallAnswer {
  readonly output: Uint8Array;
  /** Gas the host charged (for a nested frame: what the caller paid, net of what came back). */
  readonly gas: bigint;
  /** Refund to count on the host's meter. */
  readonly refund: bigint;
  /** The fuel refund the outcome reports to the guest (revm reports a nested frame's as before − after). */
  readonly reportedRefund: bigint;
  readonly exitCode: number;
  /** The host stops the frame (the outcome's halted_frame). */
  readonly halted: boolean;
}

const EMPTY = new Uint8Array(0);
const LOG_GAS = 375n;
const LOG_TOPIC_GAS = 375n;
const LOG_DATA_GAS = 8n;
const SELF_BALANCE_GAS = 5n;
const BLOCK_HASH_GAS = 20n;
const CALL_VALUE_GAS = 9000n;
const NEW_ACCOUNT_GAS = 25_000n;
const CALL_STIPEND = 2300n;
const CREATE_GAS = 32_000n;
const INITCODE_WORD_GAS = 2n;
const KECCAK_WORD_GAS = 6n;
const COPY_WORD_GAS = 3n;
const SELFDESTRUCT_GAS = 5000n;
const COLD_EXTRA = COLD_ACCOUNT_ACCESS_COST - WARM_STORAGE_READ_COST;
/** EIP-3860's initcode cap (EVM init code; Wasm and "ERC " init code have caps of their own). */
const MAX_INITCODE_SIZE = 0xc000;
const WASM_MAX_CODE_SIZE = 0x100000;
const EXT_CODE_COPY_MAX = 12n * 1024n * 1024n;
const KECCAK_EMPTY = keccak256(EMPTY);
const words = (length: number | bigint) => (BigInt(length) + 31n) / 32n;
const precompile = (address: Uint8Array) => address.subarray(0, 18).every((b) => b === 0) && ((address[18] === 0 && address[19]! >= 1 && address[19]! <= 0x11) || (address[18] === 1 && address[19] === 0));

/** The host's meter for one syscall: charges succeed while they fit; none is taken back. */
class SyscallMeter {
  spent = 0n;
  constructor(private readonly available: bigint) {}
  get left(): bigint {
    return this.available - this.spent;
  }
  charge(gas: bigint): boolean {
    if (gas > this.left) return false;
    this.spent += gas;
    return true;
  }
  /** The host stops the frame with `exitCode`, having spent what was charged so far. */
  halt(exitCode: number): SyscallAnswer {
    return { output: EMPTY, gas: this.spent, refund: 0n, reportedRefund: 0n, exitCode, halted: true };
  }
}

export function answerSyscall(frame: SyscallFrame, params: InvocationParams, input: Uint8Array): SyscallAnswer {
  const meter = new SyscallMeter(frame.gasLeft);
  const { world, address } = { world: frame.frames.env.world, address: frame.address };
  const done = (output: Uint8Array = EMPTY, refund = 0n): SyscallAnswer => ({ output, gas: meter.spent, refund, reportedRefund: refund, exitCode: ExitCode.Ok, halted: false });
  const paid = (gas: bigint, output?: Uint8Array, refund?: bigint) => (meter.charge(gas) ? done(output, refund) : meter.halt(ExitCode.OutOfFuel));
  /** EIP-2929 account access: 100 warm, 2600 cold (the cold part refused when less than it is left). */
  const access = (account: Uint8Array) => meter.charge(world.warmAccount(account) ? WARM_STORAGE_READ_COST : COLD_ACCOUNT_ACCESS_COST);
  const request = interruptionRequest(params);
  if (request.kind !== 'syscall' || params.state !== 0) return meter.halt(ExitCode.MalformedBuiltinParams);
  const slot = () => u256Of(input.subarray(0, 32), true);
  switch (request.id) {
    case INTERRUPTION_IDS.STORAGE_READ:
      if (!(input.length === 32)) break;
      return paid(sloadGas(world.warmSlot(address, slot())), u256Bytes(world.storage(address, slot()), true));
    case INTERRUPTION_IDS.STORAGE_WRITE: {
      if (!(input.length === 64)) break;
      if (frame.isStatic) return meter.halt(ExitCode.StateChangeDuringStaticCall);
      if (meter.left <= SSTORE_STIPEND) return meter.halt(ExitCode.OutOfFuel);
      const key = slot();
      const value = u256Of(input.subarray(32, 64), true);
      const warm = world.warmSlot(address, key);
      const cost = sstoreGas({ original: world.originalStorage(address, key), current: world.storage(address, key), value, warm });
      const answer = paid(cost.gas, EMPTY, cost.refund);
      if (!answer.halted) world.setStorage(address, key, value);
      return answer;
    }
    case INTERRUPTION_IDS.TRANSIENT_READ:
      if (!(input.length === 32)) break;
      return paid(WARM_STORAGE_READ_COST, u256Bytes(world.transientStorage(address, slot()), true));
    case INTERRUPTION_IDS.TRANSIENT_WRITE: {
      if (!(input.length === 64)) break;
      if (frame.isStatic) return meter.halt(ExitCode.StateChangeDuringStaticCall);
      const answer = paid(WARM_STORAGE_READ_COST);
      if (!answer.halted) world.setTransientStorage(address, slot(), u256Of(input.subarray(32, 64), true));
      return answer;
    }
    case INTERRUPTION_IDS.EMIT_LOG: {
      const topics = input[0];
      if (topics === undefined || topics > 4 || input.length < 1 + 32 * topics) break;
      if (frame.isStatic) return meter.halt(ExitCode.StateChangeDuringStaticCall);
      const data = input.subarray(1 + 32 * topics);
      const answer = paid(LOG_GAS + LOG_TOPIC_GAS * BigInt(topics) + LOG_DATA_GAS * BigInt(data.length));
      if (!answer.halted) world.log({ address, topics: Array.from({ length: topics }, (_, i) => input.slice(1 + 32 * i, 33 + 32 * i)), data });
      return answer;
    }
    case INTERRUPTION_IDS.SELF_BALANCE:
      return paid(SELF_BALANCE_GAS, u256Bytes(world.account(address)?.balance ?? 0n, true));
    case INTERRUPTION_IDS.BALANCE:
      if (!(input.length === 20)) break;
      return access(input) ? done(u256Bytes(world.account(input)?.balance ?? 0n, true)) : meter.halt(ExitCode.OutOfFuel);
    case INTERRUPTION_IDS.CODE_SIZE:
      if (!(input.length === 20)) break;
      return access(input) ? done(u256Bytes(BigInt(visibleCode(frame, input).code.length), true)) : meter.halt(ExitCode.OutOfFuel);
    case INTERRUPTION_IDS.CODE_HASH:
      if (!(input.length === 20)) break;
      return access(input) ? done(visibleCode(frame, input).hash) : meter.halt(ExitCode.OutOfFuel);
    case INTERRUPTION_IDS.CODE_COPY: {
      if (!(input.length === 36)) break;
      const account = input.subarray(0, 20);
      const offset = u64Of(input, 20);
      const size = u64Of(input, 28);
      if (size > EXT_CODE_COPY_MAX) return meter.halt(ExitCode.MalformedBuiltinParams);
      if (!meter.charge(COPY_WORD_GAS * words(size)) || !access(account)) return meter.halt(ExitCode.OutOfFuel);
      const code = visibleCode(frame, account).code;
      const out = new Uint8Array(Number(size));
      if (offset < BigInt(code.length)) out.set(code.subarray(Number(offset), Number(offset) + out.length));
      return done(out);
    }
    case INTERRUPTION_IDS.BLOCK_HASH: {
      if (!(input.length === 8)) break;
      const number = u64Of(input, 0);
      const current = frame.frames.env.block.number;
      const back = current - number;
      return paid(BLOCK_HASH_GAS, back > 0n && back <= 256n ? frame.frames.env.blockHash(number) : new Uint8Array(32));
    }
    case INTERRUPTION_IDS.DESTROY_ACCOUNT: {
      if (!(input.length === 20)) break;
      if (frame.isStatic) return meter.halt(ExitCode.StateChangeDuringStaticCall);
      const target = input.slice();
      const cold = !world.warmAccount(target);
      const hadValue = (world.account(address)?.balance ?? 0n) > 0n;
      const targetExists = !precompile(target) && !isEmptyAccount(world.account(target));
      const cost = SELFDESTRUCT_GAS + (hadValue && !targetExists ? NEW_ACCOUNT_GAS : 0n) + (cold ? COLD_ACCOUNT_ACCESS_COST : 0n);
      if (!meter.charge(cost)) return meter.halt(ExitCode.OutOfFuel);
      world.selfDestruct(address, target);
      return done();
    }
    case INTERRUPTION_IDS.CALL:
    case INTERRUPTION_IDS.CALL_CODE:
    case INTERRUPTION_IDS.STATIC_CALL:
    case INTERRUPTION_IDS.DELEGATE_CALL:
      return callFamily(frame, meter, request.id, params, input) ?? meter.halt(ExitCode.MalformedBuiltinParams);
    case INTERRUPTION_IDS.CREATE:
    case INTERRUPTION_IDS.CREATE2:
      return createFamily(frame, meter, request.id, input) ?? meter.halt(ExitCode.MalformedBuiltinParams);
    default:
      break;
  }
  return meter.halt(ExitCode.MalformedBuiltinParams);
}

function u64Of(bytes: Uint8Array, at: number): bigint {
  let value = 0n;
  for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(bytes[at + i]!);
  return value;
}

function isEmptyAccount(account: { balance: bigint; nonce: bigint; code: Uint8Array } | undefined): boolean {
  return account === undefined || (account.balance === 0n && account.nonce === 0n && account.code.length === 0);
}

/**
 * What EXTCODESIZE, EXTCODEHASH and EXTCODECOPY see of an account: an EVM account's original
 * bytecode from its metadata; a precompile (genesis rWasm) as empty; the hash 0 for an empty
 * account and keccak256("") for an existing one without code (or under construction).
 */
function visibleCode(frame: SyscallFrame, address: Uint8Array): { code: Uint8Array; hash: Uint8Array } {
  const account = frame.frames.env.world.account(address);
  const none = { code: EMPTY, hash: isEmptyAccount(account) || precompile(address) ? new Uint8Array(32) : KECCAK_EMPTY };
  if (!account || precompile(address) || account.code.length === 0) return none;
  const ownable = decodeOwnableAccount(account.code);
  if (!ownable || !ownable.owner.every((b, i) => b === EVM_RUNTIME_OWNER[i])) return { code: account.code, hash: keccak256(account.code) };
  if (ownable.metadata.length === 0) return none;
  try {
    const evm = decodeEvmMetadata(ownable.metadata);
    return { code: evm.code, hash: evm.codeHash };
  } catch {
    return none;
  }
}

function frameAnswer(meter: SyscallMeter, outcome: FrameOutcome, output: Uint8Array): SyscallAnswer {
  // The caller pays the frame's gas limit and gets back what the frame left (none after a halt).
  const gas = meter.spent - outcome.gasLeft;
  const exitCode = outcome.ending === 'ok' ? ExitCode.Ok : outcome.ending === 'revert' ? ExitCode.Panic : outcome.exitCode;
  return { output, gas, refund: outcome.refund, reportedRefund: -outcome.refund, exitCode, halted: false };
}

function callFamily(frame: SyscallFrame, meter: SyscallMeter, id: number, params: InvocationParams, input: Uint8Array): SyscallAnswer | undefined {
  const withValue = id === INTERRUPTION_IDS.CALL || id === INTERRUPTION_IDS.CALL_CODE;
  if (input.length < (withValue ? 52 : 20)) return undefined;
  const world = frame.frames.env.world;
  const to = input.slice(0, 20);
  const value = withValue ? u256Of(input.subarray(20, 52), true) : 0n;
  if (withValue && frame.isStatic && value !== 0n) return meter.halt(ExitCode.StateChangeDuringStaticCall);
  if (!meter.charge(WARM_STORAGE_READ_COST)) return meter.halt(ExitCode.OutOfFuel);
  if (value !== 0n && !meter.charge(CALL_VALUE_GAS)) return meter.halt(ExitCode.OutOfFuel);
  const cold = !world.warmAccount(to);
  if (cold && !meter.charge(COLD_EXTRA)) return meter.halt(ExitCode.OutOfFuel);
  if (id === INTERRUPTION_IDS.CALL && value !== 0n && (precompile(to) || isEmptyAccount(world.account(to))) && !meter.charge(NEW_ACCOUNT_GAS)) return meter.halt(ExitCode.OutOfFuel);
  // The host applies the 63/64 rule to the gas the guest asked for (its stack argument × 20).
  const asked = params.fuelLimit / FUEL_PER_GAS;
  const available = meter.left - meter.left / 64n;
  const gasLimit = asked < available ? asked : available;
  meter.charge(gasLimit);
  const calldata = input.subarray(withValue ? 52 : 20);
  const stipend = value !== 0n ? CALL_STIPEND : 0n;
  const depth = frame.depth + 1;
  let outcome: FrameOutcome;
  switch (id) {
    case INTERRUPTION_IDS.CALL:
      outcome = frame.frames.call({ target: to, caller: frame.address, bytecodeAddress: to, transfer: value, value, input: calldata, gasLimit: gasLimit + stipend, isStatic: frame.isStatic, depth });
      break;
    case INTERRUPTION_IDS.CALL_CODE:
      outcome = frame.frames.call({ target: frame.address, caller: frame.address, bytecodeAddress: to, transfer: value, value, input: calldata, gasLimit: gasLimit + stipend, isStatic: frame.isStatic, depth });
      break;
    case INTERRUPTION_IDS.STATIC_CALL:
      outcome = frame.frames.call({ target: to, caller: frame.address, bytecodeAddress: to, transfer: 0n, value: 0n, input: calldata, gasLimit, isStatic: true, depth });
      break;
    default:
      outcome = frame.frames.call({ target: frame.address, caller: frame.caller, bytecodeAddress: to, transfer: undefined, value: frame.value, input: calldata, gasLimit, isStatic: frame.isStatic, depth });
  }
  return frameAnswer(meter, outcome, outcome.output);
}

function createFamily(frame: SyscallFrame, meter: SyscallMeter, id: number, input: Uint8Array): SyscallAnswer | undefined {
  const create2 = id === INTERRUPTION_IDS.CREATE2;
  if (frame.isStatic) return meter.halt(ExitCode.StateChangeDuringStaticCall);
  if (input.length > WASM_MAX_CODE_SIZE + 64) return undefined;
  const head = create2 ? 64 : 32;
  if (input.length < head) return undefined;
  const value = u256Of(input.subarray(0, 32), true);
  const salt = create2 ? u256Bytes(u256Of(input.subarray(32, 64), true), false) : undefined;
  const initCode = input.slice(head);
  if (initCode.length > 0 && !meter.charge(INITCODE_WORD_GAS * words(initCode.length))) return meter.halt(ExitCode.OutOfFuel);
  if (initCode.length > initCodeCap(initCode)) return meter.halt(ExitCode.CreateContractSizeLimit);
  if (!meter.charge(CREATE_GAS + (create2 ? KECCAK_WORD_GAS * words(initCode.length) : 0n))) return meter.halt(ExitCode.OutOfFuel);
  const gasLimit = meter.left - meter.left / 64n;
  meter.charge(gasLimit);
  const outcome = frame.frames.create({ caller: frame.address, value, initCode, salt, gasLimit, depth: frame.depth + 1 });
  return frameAnswer(meter, outcome, outcome.ending === 'ok' ? outcome.created! : outcome.output);
}

function initCodeCap(initCode: Uint8Array): number {
  const wasm = initCode[0] === 0x00 && initCode[1] === 0x61 && initCode[2] === 0x73 && initCode[3] === 0x6d;
  return wasm ? WASM_MAX_CODE_SIZE : MAX_INITCODE_SIZE;
}
