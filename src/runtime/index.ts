export { ExitCode, exitCodeName, exitCodeFromTrap, normalizeExitCode } from './exit-code.js';
export { RuntimeContext, STATE_MAIN, STATE_DEPLOY, type ExecutionResult, type RuntimeContextInit, type InterruptionHolder, type ByteBuffer, type ResultAccumulator } from './context.js';
export { encodeInvocationParams, decodeInvocationParams, INVOCATION_PARAMS_SIZE, type InvocationParams } from './invocation.js';
export { ModuleCache, CachedModule, defaultModuleCache, normalizeCodeHash, type CacheStats, type CodeHashInput, type LoadOptions } from './module-cache.js';
export { FLUENT_HOST_HANDLERS, fluentHostFunctions, type HostHandlers, type SyscallEnvironment } from './fluent-host.js';
export { SystemRuntime, type SystemRuntimeOptions, type ResumeOptions, type RestoreOptions, type ParkedFrames } from './system-runtime.js';
export { RuntimeExecutor, type ExecuteTarget, type ExecutorResult, type ExecutorResumeOptions, type ExecutorOptions } from './executor.js';
export { SNAPSHOT_VERSION, MIN_SNAPSHOT_KEY_BYTES } from './snapshot.js';
