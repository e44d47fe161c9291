/**
 * The EVM runtime's own Wasm (the hint section of the genesis rWasm binary) on V8, under the
 * host that bench/support/evm-deploy.ts gives rwasm-ts: the eight `fluentbase_v1preview` imports
 * the runtime links (runtime.md §1, §3.2). A frame is `deploy()` or `main(0, 0)` on one instance
 * kept across frames (as Fluent caches the runtime, evicting it after a frame that exits with a
 * non-zero code); an interruption is the entry returning InterruptionCalled with the request as
 * output, answered by running the entry again with the answer as return data, exactly as the
 * SystemRuntime does. The runtime meters itself (`_charge_fuel`), so its fuel is the same on
 * every engine.
 */
import { RwasmModule, decodeInvocationParams } from '../../src/index.js';
import { keccakPermute } from '../../src/runtime/fluent-host.js';
import type { FrameRun, FrameRunner } from './evm-deploy.js';

const INTERRUPTION_CALLED = -3;
/** The exit code of `_read`/`_read_output` past the end (Fluent's MemoryOutOfBounds halt). */
const INPUT_OUT_OF_BOUNDS = -1007;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** Thrown by `_exit` to end the frame (Wasm has no other way to halt). */
class Halt {
  constructor(readonly exitCode: number) {}
}

/** A frame runner over V8's WebAssembly for the EVM runtime rWasm binary `bytes` (its hint section). */
export function v8FrameRunner(bytes: Uint8Array): FrameRunner {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('V8 WebAssembly is not available here');
  const module = new api.Module(RwasmModule.decode(bytes).hint);
  let input: Uint8Array = new Uint8Array(0);
  let returnData: Uint8Array = new Uint8Array(0);
  let output: Uint8Array[] = [];
  let fuel = 0n;
  let memory: { buffer: ArrayBuffer };
  const bytesAt = (at: number, length: number) => new Uint8Array(memory.buffer, at >>> 0, length >>> 0);
  const copyFrom = (source: Uint8Array, target: number, offset: number, length: number) => {
    if (offset + length > source.length) throw new Halt(INPUT_OUT_OF_BOUNDS);
    bytesAt(target, length).set(source.subarray(offset, offset + length));
  };
  const imports = {
    fluentbase_v1preview: {
      _exit: (code: number) => {
        throw new Halt(code);
      },
      _output_size: () => returnData.length,
      _input_size: () => input.length,
      _read: (target: number, offset: number, length: number) => copyFrom(input, target, offset >>> 0, length >>> 0),
      _read_output: (target: number, offset: number, length: number) => copyFrom(returnData, target, offset >>> 0, length >>> 0),
      _write: (at: number, length: number) => void output.push(bytesAt(at, length).slice()),
      _charge_fuel: (amount: bigint) => void (fuel += BigInt.asUintN(64, amount)),
      _keccak256_permute: (at: number) => bytesAt(at, 200).set(keccakPermute(bytesAt(at, 200))),
    },
  };
  let instance: { exports: Record<string, unknown> } | undefined;
  const outputBytes = () => {
    const all = new Uint8Array(output.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of output) all.set(part, (at += part.length) - part.length);
    return all;
  };

  return (state, frameInput, _fuelLimit, answer): FrameRun => {
    instance ??= new api.Instance(module, imports);
    memory = instance.exports.memory as { buffer: ArrayBuffer };
    const entry = state === 1 ? (instance.exports.deploy as () => number) : () => (instance!.exports.main as (a: number, b: number) => number)(0, 0);
    input = frameInput;
    returnData = new Uint8Array(0);
    fuel = 0n;
    for (let interruptions = 0; ; interruptions++) {
      output = [];
      let exitCode: number;
      try {
        exitCode = entry();
      } catch (error) {
        if (!(error instanceof Halt)) throw error;
        exitCode = error.exitCode;
      }
      if (exitCode === INTERRUPTION_CALLED) {
        const request = decodeInvocationParams(outputBytes());
        returnData = answer(request, bytesAt(Number(request.inputStart), Number(request.inputEnd - request.inputStart)).slice());
        continue;
      }
      if (exitCode !== 0) instance = undefined;
      return { exitCode, output: outputBytes(), fuel, interruptions };
    }
  };
}
