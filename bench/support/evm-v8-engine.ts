/**
 * A FrameEngine (src/fluent/frame-session.ts) on V8's WebAssembly: the EVM runtime's own Wasm
 * (the hint section of its genesis rWasm binary), so EvmTestHost runs the same transactions on
 * it under the same host (world, syscalls, gas) as on rwasm-ts. One instance serves every frame
 * and nested frame in turn, as Fluent caches its runtime; it is dropped after `_exit` with a
 * non-zero code or a trap, as the SystemRuntime evicts its instance. A segment is one call of
 * `deploy()` / `main(0, 0)`: an interruption is the entry returning InterruptionCalled with the
 * request as output, and resuming is calling the entry again with the answer as return data.
 * The runtime meters itself (`_charge_fuel`), so its fuel is the same on every engine.
 */
import { RwasmModule, type FrameEngine, type FrameSession, type SegmentResult } from '../../src/index.js';
import { keccakPermute } from '../../src/runtime/fluent-host.js';

const INTERRUPTION_CALLED = -3;
/** `_read`/`_read_output` past the end: Fluent's InputOutputOutOfBounds halt. */
const INPUT_OUT_OF_BOUNDS = -1007;

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** Thrown by `_exit` to end the entry (Wasm has no other way to halt). */
class Halt {
  constructor(readonly exitCode: number) {}
}

export function v8FrameEngine(rwasmBytes: Uint8Array): FrameEngine {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) throw new Error('V8 WebAssembly is not available here');
  const module = new api.Module(RwasmModule.decode(rwasmBytes).hint);
  // What the current segment's imports see.
  let input: Uint8Array = new Uint8Array(0);
  let returnData: Uint8Array = new Uint8Array(0);
  let output: Uint8Array[] = [];
  let fuel = 0n;
  let instance: { exports: Record<string, unknown> } | undefined;
  const memory = () => instance!.exports.memory as { buffer: ArrayBuffer };
  const bytesAt = (at: number, length: number) => new Uint8Array(memory().buffer, at >>> 0, length >>> 0);
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
  const joined = () => {
    const all = new Uint8Array(output.reduce((n, part) => n + part.length, 0));
    let at = 0;
    for (const part of output) all.set(part, (at += part.length) - part.length);
    return all;
  };

  return {
    reset() {
      instance = undefined;
    },
    start(frame): FrameSession {
      const segment = (answer: Uint8Array): SegmentResult => {
        instance ??= new api.Instance(module, imports);
        input = frame.input;
        returnData = answer;
        output = [];
        fuel = 0n;
        let exitCode: number;
        try {
          exitCode = frame.state === 1 ? (instance.exports.deploy as () => number)() : (instance.exports.main as (a: number, b: number) => number)(0, 0);
        } catch (error) {
          if (!(error instanceof Halt)) {
            instance = undefined;
            return { exitCode: -3001, output: new Uint8Array(0), fuelConsumed: fuel, fuelRefunded: 0n, interrupted: false };
          }
          exitCode = error.exitCode;
          if (exitCode !== 0) instance = undefined;
        }
        return { exitCode, output: joined(), fuelConsumed: fuel, fuelRefunded: 0n, interrupted: exitCode === INTERRUPTION_CALLED };
      };
      return {
        execute: () => segment(new Uint8Array(0)),
        resume: (answer) => segment(answer),
        readMemory: (offset, length) => (instance && offset + length <= memory().buffer.byteLength ? bytesAt(offset, length).slice() : undefined),
      };
    },
  };
}
