/**
 * The envelopes between a Fluent host and a system runtime such as the EVM runtime
 * (reference: fluentbase crates/types, the `*V1` structs, bincode legacy encoding):
 * - `RuntimeNewFrameInputV1`, host → runtime, the frame's input (`ctx.input`);
 * - `RuntimeInterruptionOutcomeV1`, host → runtime, the answer to an interruption (return data of `resume`);
 * - `RuntimeExecutionOutcomeV1`, runtime → host, a frame's final output.
 * Every decoder reads exactly its envelope: short, overlong or inconsistent bytes are `MalformedEnvelope`.
 */
import { RwasmError } from '../errors.js';
import { EnvelopeReader, EnvelopeWriter, checkAddress, malformedEnvelope } from './bytes.js';

/** A storage slot and its value, each 32 bytes little-endian as the envelopes carry them. */
export interface StorageWord {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface NewFrameInput {
  /** The account's EVM metadata (empty for a deploy). */
  readonly metadata: Uint8Array;
  /** Calldata, or the init code of a deploy. */
  readonly input: Uint8Array;
  /** The 1024-byte SharedContextInputV1 (see encodeSharedContext). */
  readonly context: Uint8Array;
  /** Preloaded storage slots (revm preloads none for the EVM runtime). */
  readonly storage?: readonly StorageWord[];
}

export interface InterruptionOutcome {
  /** The host stops the frame (out of gas in a syscall, a static-call violation, bad params). */
  readonly haltedFrame: boolean;
  readonly output: Uint8Array;
  /** Fuel the host charged for the syscall (gas × 20), incl. a nested call's. */
  readonly fuelConsumed: bigint;
  readonly fuelRefunded: bigint;
  readonly exitCode: number;
}

export interface LogRecord {
  /** Up to four 32-byte topics. */
  readonly topics: readonly Uint8Array[];
  readonly data: Uint8Array;
}

export interface ExecutionOutcome {
  readonly exitCode: number;
  /** What the contract returned (or its revert data). */
  readonly output: Uint8Array;
  /** Dirty storage slots for the host to write. */
  readonly storage: readonly StorageWord[];
  readonly logs: readonly LogRecord[];
  /** New account metadata (a deploy's), to become the account's code behind EF 44 00 ‖ owner. */
  readonly newMetadata: Uint8Array | undefined;
  /** Optional trailing field: the slots the frame touched (absent from the genesis runtimes' outcomes). */
  readonly touchedStorageSlots?: readonly Uint8Array[] | undefined;
  /** Optional trailing field: value transfers to make. */
  readonly transfers?: readonly { readonly address: Uint8Array; readonly amount: Uint8Array }[] | undefined;
}

const word = (bytes: Uint8Array, field: string): Uint8Array => {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new RwasmError('InvalidArgument', `${field} must be 32 bytes`);
  return bytes;
};

const i32 = (value: number, field: string): number => {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new RwasmError('InvalidArgument', `${field} ${value} is not an i32`);
  return value;
};

/** A u32 count, then each slot's key and value. */
function writeStorage(w: EnvelopeWriter, storage: readonly StorageWord[]): void {
  w.u32(storage.length);
  storage.forEach((s, i) => w.raw(word(s.key, `storage[${i}].key`)).raw(word(s.value, `storage[${i}].value`)));
}

function readStorage(r: EnvelopeReader): StorageWord[] {
  const count = r.count('storage count', 'u32', 64);
  return Array.from({ length: count }, (_, i) => ({ key: r.raw(32, `storage[${i}].key`), value: r.raw(32, `storage[${i}].value`) }));
}

export function encodeNewFrameInput(frame: NewFrameInput): Uint8Array {
  const w = new EnvelopeWriter().bytes(frame.metadata).bytes(frame.input).bytes(frame.context);
  writeStorage(w, frame.storage ?? []);
  return w.finish();
}

export function decodeNewFrameInput(bytes: Uint8Array): NewFrameInput {
  const r = new EnvelopeReader(bytes, 'RuntimeNewFrameInputV1');
  const metadata = r.bytes('metadata');
  const input = r.bytes('input');
  const context = r.bytes('context');
  const storage = readStorage(r);
  r.end();
  return { metadata, input, context, storage };
}

export function encodeInterruptionOutcome(outcome: InterruptionOutcome): Uint8Array {
  if (typeof outcome.fuelConsumed !== 'bigint' || outcome.fuelConsumed < 0n || outcome.fuelConsumed >= 1n << 64n) throw new RwasmError('InvalidArgument', 'fuelConsumed must be a u64');
  if (typeof outcome.fuelRefunded !== 'bigint' || outcome.fuelRefunded < -(1n << 63n) || outcome.fuelRefunded >= 1n << 63n) throw new RwasmError('InvalidArgument', 'fuelRefunded must be an i64');
  return new EnvelopeWriter()
    .u8(outcome.haltedFrame ? 1 : 0)
    .bytes(outcome.output)
    .u64(outcome.fuelConsumed)
    .u64(outcome.fuelRefunded)
    .u32(i32(outcome.exitCode, 'exitCode'))
    .finish();
}

export function decodeInterruptionOutcome(bytes: Uint8Array): InterruptionOutcome {
  const r = new EnvelopeReader(bytes, 'RuntimeInterruptionOutcomeV1');
  const haltedFrame = r.bool('halted_frame');
  const output = r.bytes('output');
  const fuelConsumed = r.u64('fuel_consumed');
  const fuelRefunded = r.i64('fuel_refunded');
  const exitCode = r.i32('exit_code');
  r.end();
  return { haltedFrame, output, fuelConsumed, fuelRefunded, exitCode };
}

export function encodeExecutionOutcome(outcome: ExecutionOutcome): Uint8Array {
  const w = new EnvelopeWriter().u32(i32(outcome.exitCode, 'exitCode')).bytes(outcome.output);
  writeStorage(w, outcome.storage);
  w.u64(outcome.logs.length);
  outcome.logs.forEach((log, i) => {
    w.u32(log.topics.length);
    log.topics.forEach((t, k) => w.raw(word(t, `logs[${i}].topics[${k}]`)));
    w.bytes(log.data);
  });
  if (outcome.newMetadata === undefined) w.u8(0);
  else w.u8(1).bytes(outcome.newMetadata);
  const { touchedStorageSlots, transfers } = outcome;
  if (touchedStorageSlots !== undefined || transfers !== undefined) {
    w.u32(touchedStorageSlots?.length ?? 0);
    touchedStorageSlots?.forEach((slot, i) => w.raw(word(slot, `touchedStorageSlots[${i}]`)));
  }
  if (transfers !== undefined) {
    w.u32(transfers.length);
    transfers.forEach((t, i) => w.raw(checkAddress(t.address, `transfers[${i}].address`)).raw(word(t.amount, `transfers[${i}].amount`)));
  }
  return w.finish();
}

/** Decodes a final outcome; the two trailing fields are read when bytes are left for them. */
export function decodeExecutionOutcome(bytes: Uint8Array): ExecutionOutcome {
  const r = new EnvelopeReader(bytes, 'RuntimeExecutionOutcomeV1');
  const exitCode = r.i32('exit_code');
  const output = r.bytes('output');
  const storage = readStorage(r);
  // A log takes at least 4 (topic count) + 8 (data length) bytes.
  const logCount = r.count('log count', 'u64', 12);
  const logs = Array.from({ length: logCount }, (_, i): LogRecord => {
    const topicCount = r.count(`logs[${i}] topic count`, 'u32', 32);
    if (topicCount > 4) throw malformedEnvelope('RuntimeExecutionOutcomeV1', `logs[${i}] has ${topicCount} topics, more than 4`);
    const topics = Array.from({ length: topicCount }, (_, k) => r.raw(32, `logs[${i}].topics[${k}]`));
    return { topics, data: r.bytes(`logs[${i}].data`) };
  });
  const newMetadata = r.bool('new_metadata tag') ? r.bytes('new_metadata') : undefined;
  let touchedStorageSlots: Uint8Array[] | undefined;
  let transfers: { address: Uint8Array; amount: Uint8Array }[] | undefined;
  if (r.remaining > 0) {
    const count = r.count('touched slot count', 'u32', 32);
    touchedStorageSlots = Array.from({ length: count }, (_, i) => r.raw(32, `touchedStorageSlots[${i}]`));
  }
  if (r.remaining > 0) {
    const count = r.count('transfer count', 'u32', 52);
    transfers = Array.from({ length: count }, (_, i) => ({ address: r.raw(20, `transfers[${i}].address`), amount: r.raw(32, `transfers[${i}].amount`) }));
  }
  r.end();
  return { exitCode, output, storage, logs, newMetadata, touchedStorageSlots, transfers };
}
