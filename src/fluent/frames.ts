/**
 * Frames as Fluent's revm makes them, for the transaction and for the CALL and CREATE
 * interruptions of a running frame alike: the depth limit, the journal checkpoint, the value
 * transfer, code resolution (an ownable account runs on its owner's runtime; no code is a plain
 * transfer), CREATE and CREATE2 addresses and nonces, the new account's code while its
 * constructor runs, and how much gas comes back to the caller (revm-rwasm frame.rs
 * make_call_frame / make_create_frame; fluentbase crates/revm/src/evm.rs frame_init).
 */
import { ExitCode } from '../runtime/exit-code.js';
import { decodeOwnableAccount, encodeOwnableAccount } from './account-code.js';
import { runEvmFrame, type EvmRuntimeBinding } from './evm-frame.js';
import { keccak256 } from './interruptions.js';
import { rlpEncode, rlpInteger } from './rlp.js';
import { universalTokenStorageKeys } from './universal-token.js';
import type { SharedContext } from './shared-context.js';
import type { World } from './world.js';

/** How the frames of one transaction find runtimes and read their environment. */
export interface FrameEnvironment {
  readonly world: World;
  readonly block: SharedContext['block'];
  readonly tx: SharedContext['tx'];
  /** The runtime an owner address names (undefined: this host does not have it). */
  readonly runtimeOf: (owner: Uint8Array) => EvmRuntimeBinding | undefined;
  /** The hash of block `number` (asked only for the 256 blocks before the current one). */
  readonly blockHash: (number: bigint) => Uint8Array;
}

export interface CallInputs {
  readonly target: Uint8Array;
  readonly caller: Uint8Array;
  /** Whose code runs (the callee of DELEGATECALL and CALLCODE; the target otherwise). */
  readonly bytecodeAddress: Uint8Array;
  /** Wei moved from caller to target (undefined for DELEGATECALL, which moves none). */
  readonly transfer: bigint | undefined;
  /** The frame's CALLVALUE. */
  readonly value: bigint;
  readonly input: Uint8Array;
  readonly gasLimit: bigint;
  readonly isStatic: boolean;
  /** The new frame's depth (the transaction's frame is 0). */
  readonly depth: number;
}

export interface CreateInputs {
  readonly caller: Uint8Array;
  readonly value: bigint;
  readonly initCode: Uint8Array;
  /** CREATE2's salt (32 bytes, big-endian); undefined for CREATE. */
  readonly salt: Uint8Array | undefined;
  readonly gasLimit: bigint;
  readonly depth: number;
}

/** revm's three kinds of frame result: what returns gas and what keeps state. */
export type FrameEnding = 'ok' | 'revert' | 'halt';

export interface FrameOutcome {
  readonly ending: FrameEnding;
  /** The exit code the frame ended with (Panic for a revert, 0 for ok). */
  readonly exitCode: number;
  /** Return data (revert data for a revert; empty for a creation that succeeded). */
  readonly output: Uint8Array;
  /** Gas handed back to the caller (none after a halt). */
  readonly gasLeft: bigint;
  /** Refund earned, counted only when the frame ended ok. */
  readonly refund: bigint;
  /** The address a creation made (also when it failed), undefined for a call. */
  readonly created?: Uint8Array | undefined;
}

/** revm's CALL_STACK_LIMIT: a frame deeper than this is refused. */
export const CALL_STACK_LIMIT = 1024;
const EMPTY = new Uint8Array(0);
const ownerAddress = (last: number) => Uint8Array.from({ length: 20 }, (_, i) => (i === 17 ? 0x52 : i === 19 ? last : 0));
export const EVM_RUNTIME_OWNER = ownerAddress(1);
export const UNIVERSAL_TOKEN_OWNER = ownerAddress(8);
const WASM_RUNTIME_OWNER = ownerAddress(9);
/** Runtimes that run other accounts' code and cannot be called themselves (crates/types genesis.rs). */
const DELEGATED_RUNTIMES = [EVM_RUNTIME_OWNER, ownerAddress(3), UNIVERSAL_TOKEN_OWNER, WASM_RUNTIME_OWNER];
/** ENGINE_METERED_PRECOMPILES (genesis.rs): WebAuthn, OAuth2, Nitro, Universal Token, Wasm runtime. */
const ENGINE_METERED = [ownerAddress(5), ownerAddress(6), ownerAddress(7), UNIVERSAL_TOKEN_OWNER, WASM_RUNTIME_OWNER];
const sameAddress = (a: Uint8Array, b: Uint8Array) => a.every((x, i) => x === b[i]);

/** What a frame on `owner`'s runtime gets beyond its input: revm's preloaded slots and the metering mode. */
function systemFrame(owner: Uint8Array, runtime: EvmRuntimeBinding, input: Uint8Array, caller: Uint8Array, isCreate: boolean) {
  return {
    preload: sameAddress(owner, UNIVERSAL_TOKEN_OWNER) ? universalTokenStorageKeys(input, caller, isCreate) : [],
    engineMetered: runtime.engineMetered ?? ENGINE_METERED.some((a) => sameAddress(a, owner)),
  };
}

export function endingOf(exitCode: number): FrameEnding {
  return exitCode === ExitCode.Ok ? 'ok' : exitCode === ExitCode.Panic ? 'revert' : 'halt';
}

/** CREATE's address: keccak256(rlp([sender, nonce]))[12..]. */
export function createAddress(sender: Uint8Array, nonce: bigint): Uint8Array {
  return keccak256(rlpEncode([sender, rlpInteger(nonce)])).slice(12);
}

/** CREATE2's address: keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initCode))[12..]. */
export function create2Address(sender: Uint8Array, salt: Uint8Array, initCode: Uint8Array): Uint8Array {
  return keccak256(Uint8Array.of(0xff, ...sender, ...salt, ...keccak256(initCode))).slice(12);
}

/** The runtime an account created from `initCode` belongs to (resolve_precompiled_runtime_from_input). */
export function runtimeOwnerFor(initCode: Uint8Array): Uint8Array {
  if (initCode[0] === 0x00 && initCode[1] === 0x61 && initCode[2] === 0x73 && initCode[3] === 0x6d) return WASM_RUNTIME_OWNER;
  if (initCode[0] === 0x45 && initCode[1] === 0x52 && initCode[2] === 0x43 && initCode[3] === 0x20) return UNIVERSAL_TOKEN_OWNER;
  return EVM_RUNTIME_OWNER;
}

export class FrameRunner {
  constructor(readonly env: FrameEnvironment) {}

  call(inputs: CallInputs): FrameOutcome {
    const { world } = this.env;
    // Refused before the frame exists: all gas comes back and the caller sees a revert.
    const refused = (): FrameOutcome => ({ ending: 'revert', exitCode: ExitCode.Panic, output: EMPTY, gasLeft: inputs.gasLimit, refund: 0n });
    if (inputs.depth > CALL_STACK_LIMIT) return refused();
    const checkpoint = world.checkpoint();
    if (inputs.transfer !== undefined && !world.transfer(inputs.caller, inputs.target, inputs.transfer)) {
      world.revert(checkpoint);
      return refused();
    }
    const code = world.account(inputs.bytecodeAddress)?.code ?? EMPTY;
    if (code.length === 0) {
      world.commit(checkpoint);
      return { ending: 'ok', exitCode: ExitCode.Ok, output: EMPTY, gasLeft: inputs.gasLimit, refund: 0n };
    }
    const account = decodeOwnableAccount(code);
    const runtime = account && this.env.runtimeOf(account.owner);
    const delegated = DELEGATED_RUNTIMES.some((r) => sameAddress(r, inputs.target) || sameAddress(r, inputs.bytecodeAddress));
    if (!account || !runtime || delegated) {
      world.revert(checkpoint);
      return { ending: 'halt', exitCode: ExitCode.NotSupportedBytecode, output: EMPTY, gasLeft: 0n, refund: 0n };
    }
    const frame = runEvmFrame(world, {
      runtime,
      ...systemFrame(account.owner, runtime, inputs.input, inputs.caller, false),
      kind: 'call',
      metadata: account.metadata,
      input: inputs.input,
      frames: this,
      depth: inputs.depth,
      context: {
        block: this.env.block,
        tx: this.env.tx,
        contract: { address: inputs.target, bytecodeAddress: inputs.bytecodeAddress, caller: inputs.caller, isStatic: inputs.isStatic, value: inputs.value, gasLimit: inputs.gasLimit },
      },
    });
    return this.finish(checkpoint, inputs.gasLimit, frame, undefined);
  }

  create(inputs: CreateInputs): FrameOutcome {
    const { world } = this.env;
    const refused = (): FrameOutcome => ({ ending: 'revert', exitCode: ExitCode.Panic, output: EMPTY, gasLeft: inputs.gasLimit, refund: 0n, created: undefined });
    if (inputs.depth > CALL_STACK_LIMIT) return refused();
    if ((world.account(inputs.caller)?.balance ?? 0n) < inputs.value) return refused();
    // The creator's nonce moves before the checkpoint: it stays used when the creation fails.
    // (A transaction's own creation comes here too: revm bumps its nonce here, not before.)
    const nonce = world.account(inputs.caller)?.nonce ?? 0n;
    if (nonce >= (1n << 64n) - 1n) return refused();
    world.setNonce(inputs.caller, nonce + 1n);
    const created = inputs.salt ? create2Address(inputs.caller, inputs.salt, inputs.initCode) : createAddress(inputs.caller, nonce);
    world.warmAccount(created);
    const checkpoint = world.checkpoint();
    const existing = world.account(created);
    if (existing && (existing.code.length > 0 || existing.nonce !== 0n)) {
      world.revert(checkpoint);
      return { ending: 'halt', exitCode: ExitCode.CreateContractCollision, output: EMPTY, gasLeft: 0n, refund: 0n, created };
    }
    world.setNonce(created, 1n);
    world.transfer(inputs.caller, created, inputs.value);
    const owner = runtimeOwnerFor(inputs.initCode);
    world.setCode(created, encodeOwnableAccount({ owner, metadata: EMPTY }));
    world.markCreated(created);
    const runtime = this.env.runtimeOf(owner);
    if (!runtime) {
      world.revert(checkpoint);
      return { ending: 'halt', exitCode: ExitCode.NotSupportedBytecode, output: EMPTY, gasLeft: 0n, refund: 0n, created };
    }
    const frame = runEvmFrame(world, {
      runtime,
      ...systemFrame(owner, runtime, inputs.initCode, inputs.caller, true),
      kind: 'deploy',
      metadata: EMPTY,
      input: inputs.initCode,
      frames: this,
      depth: inputs.depth,
      context: {
        block: this.env.block,
        tx: this.env.tx,
        contract: { address: created, bytecodeAddress: created, caller: inputs.caller, isStatic: false, value: inputs.value, gasLimit: inputs.gasLimit },
      },
    });
    return this.finish(checkpoint, inputs.gasLimit, frame, created);
  }

  private finish(checkpoint: number, gasLimit: bigint, frame: { exitCode: number; output: Uint8Array; gasUsed: bigint; refund: bigint }, created: Uint8Array | undefined): FrameOutcome {
    const ending = endingOf(frame.exitCode);
    if (ending === 'ok') this.env.world.commit(checkpoint);
    else this.env.world.revert(checkpoint);
    return {
      ending,
      exitCode: frame.exitCode,
      output: frame.output,
      gasLeft: ending === 'halt' ? 0n : gasLimit - frame.gasUsed,
      refund: ending === 'ok' ? frame.refund : 0n,
      created,
    };
  }
}
