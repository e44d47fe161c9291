export { SHARED_CONTEXT_SIZE, encodeSharedContext, decodeSharedContext, type SharedContext } from './shared-context.js';
export {
  encodeNewFrameInput,
  decodeNewFrameInput,
  encodeInterruptionOutcome,
  decodeInterruptionOutcome,
  encodeExecutionOutcome,
  decodeExecutionOutcome,
  type NewFrameInput,
  type InterruptionOutcome,
  type ExecutionOutcome,
  type LogRecord,
  type StorageWord,
} from './envelopes.js';
export {
  INTERRUPTION_IDS,
  FUEL_PER_GAS,
  interruptionRequest,
  syscallCodeHash,
  gasForFuel,
  gasRefundForFuel,
  fuelForGas,
  keccak256,
  type InterruptionName,
  type InterruptionRequest,
} from './interruptions.js';
export { u256Bytes, u256Of } from './bytes.js';
export { encodeOwnableAccount, decodeOwnableAccount, encodeEvmMetadata, decodeEvmMetadata, jumpDestinations, type OwnableAccount, type EvmCode } from './account-code.js';
export { sloadGas, sstoreGas, cappedRefund, COLD_SLOAD_COST, WARM_STORAGE_READ_COST, COLD_ACCOUNT_ACCESS_COST, SSTORE_STIPEND } from './storage-gas.js';
export { World, type AccountState, type WorldLog } from './world.js';
export { worldFromJson, worldToJson, type WorldJson, type AccountJson } from './world-file.js';
export { runEvmFrame, type EvmFrameRequest, type EvmFrameResult, type EvmRuntimeBinding } from './evm-frame.js';
export { replayStateTests, type ReplayResult, type ReplayDifference, type BytecodeSource } from './state-test.js';
export { rlpEncode, rlpInteger, type RlpItem } from './rlp.js';
export { executeTransaction, createAddress, intrinsicGas, type BlockEnv, type TransactionRequest, type TransactionResult } from './transaction.js';
export { EvmTestHost, EVM_RUNTIME_ADDRESS, type EvmTestHostOptions, type TxOptions, type HostResult } from './test-host.js';
export { UNIVERSAL_TOKEN_RUNTIME_ADDRESS } from './test-host.js';
export { universalTokenStorageKeys, universalTokenDeployKeys, universalTokenMainKeys, erc7201Slot, mappingSlot, UNIVERSAL_TOKEN_SLOTS, type UniversalTokenSlot, type UniversalTokenSlots } from './universal-token.js';
export { engineMeteredRuntime, type EngineMeteredRuntime } from './engine-metered.js';
export { systemRuntimeSession, type FrameEngine, type FrameSession, type FrameStart, type SegmentResult } from './frame-session.js';
