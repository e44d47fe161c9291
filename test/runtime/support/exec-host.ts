/**
 * The host side of the exec-loop program (test/runtime/programs): its compilation, the answer
 * the host gives each `_exec` request, and a driver that answers interruptions until the frame
 * ends. Shared by the tests and by the child process that resumes snapshots.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  RwasmModule,
  TrapCode,
  compileWasm,
  decodeInvocationParams,
  fluentSystemConfig,
  codeHashHex,
  type ExecutionResult,
  type HostHandler,
  type SystemRuntime,
  type SyscallEnvironment,
} from '../../../src/index.js';

const programs = join(dirname(fileURLToPath(import.meta.url)), '..', 'programs');

/**
 * Fluent's system-runtime build of a test program: with program fuel and syscall fuel, or
 * (`selfMetered`) without either, like the EVM runtime's build.
 */
export function compileProgram(name: string, selfMetered = false): RwasmModule {
  const wasm = new Uint8Array(readFileSync(join(programs, `${name}.wasm`)));
  return compileWasm(wasm, {
    ...fluentSystemConfig(),
    consumeFuel: !selfMetered,
    builtinsConsumeFuel: !selfMetered,
  }).module;
}

/** The program's input: n requests, and the code hash it sends them to. */
export function execLoopInput(n: number): Uint8Array {
  const input = new Uint8Array(33);
  input[0] = n;
  for (let i = 1; i < 33; i++) input[i] = (i * 29 + 3) & 0xff;
  return input;
}

export interface Answer {
  output: Uint8Array;
  exitCode: number;
  fuel: bigint;
}

/** What the host answers a request whose input is `input` (8 bytes: i, accumulator). */
export function answerFor(input: Uint8Array): Answer {
  const output = new Uint8Array(40);
  for (let k = 0; k < output.length; k++) output[k] = (input[k % input.length]! * 7 + k) & 0xff;
  return { output, exitCode: (input[0]! % 3) - 1, fuel: 1000n + BigInt(input[0]!) * 13n };
}

/** `_exec` answered on the spot (no interruption): the reference the interrupted runs must match. */
export const inlineExec: HostHandler = (call) => {
  const env = call.context as SyscallEnvironment;
  const input = call.read(call.param(1), call.param(2));
  const answer = answerFor(input);
  if (!call.tryConsumeFuel(answer.fuel)) return TrapCode.OutOfFuel;
  env.ctx.executionResult.returnData = answer.output;
  call.results[0] = answer.exitCode >>> 0;
};

export interface Driven {
  final: ExecutionResult;
  segments: ExecutionResult[];
  /** Fuel the host charged the frame on resumes (the callees'). */
  calleeFuel: bigint;
}

/**
 * Answers the frame's interruptions until it ends. `beforeResume(k)` runs at the k-th
 * interruption and may stop the drive by returning false.
 */
export function drive(runtime: SystemRuntime, first: ExecutionResult, beforeResume?: (k: number) => boolean): Driven {
  const segments = [first];
  let calleeFuel = 0n;
  let result = first;
  for (let k = 0; runtime.suspended === 'interrupted'; k++) {
    if (beforeResume && !beforeResume(k)) break;
    const request = decodeInvocationParams(result.output);
    const input = runtime.memoryRead(Number(request.inputStart), Number(request.inputEnd - request.inputStart));
    const answer = answerFor(input);
    calleeFuel += answer.fuel;
    result = runtime.resume(answer.exitCode, answer.fuel, { returnData: answer.output });
    segments.push(result);
  }
  return { final: result, segments, calleeFuel };
}

/** Sum of the segments' fuel, plus the callees' when the engine meters (its segments exclude them). */
export function totalFuel(driven: Driven, consumeFuel: boolean): bigint {
  const own = driven.segments.reduce((sum, s) => sum + s.fuelConsumed, 0n);
  return own + (consumeFuel ? driven.calleeFuel : 0n);
}

export function memoryDigest(runtime: SystemRuntime): string {
  return codeHashHex(runtime.memoryRead(0, 65536));
}
