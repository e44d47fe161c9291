/**
 * Resumable frames: a program compiled from exec-loop.wat calls `_exec` n times. Resumed at
 * every interruption (directly, through the executor's call ids, or from a snapshot restored in
 * a child process), it must end exactly like a run where the host answers `_exec` inline: same
 * exit code, output, memory and total fuel.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import {
  ExitCode,
  ModuleCache,
  RuntimeContext,
  RuntimeExecutor,
  STATE_MAIN,
  SystemRuntime,
  decodeInvocationParams,
  toHex,
} from '../../src/index.js';
import { answerFor, compileProgram, drive, execLoopInput, inlineExec, memoryDigest, totalFuel } from './support/exec-host.js';

const N = 4;
const module = compileProgram('exec-loop');
const context = () => new RuntimeContext({ fuelLimit: 50_000_000n, state: STATE_MAIN, callDepth: 1, input: execLoopInput(N) });
const childScript = join(dirname(fileURLToPath(import.meta.url)), 'support', 'resume-child.ts');

/** What exec-loop must output, computed from the host's answers alone. */
function expectedOutput(): Uint8Array {
  const answers = new Uint8Array(32 * N);
  let acc = 0x12345678;
  for (let i = 0; i < N; i++) {
    const input = new Uint8Array(8);
    new DataView(input.buffer).setUint32(0, i, true);
    new DataView(input.buffer).setUint32(4, acc, true);
    const answer = answerFor(input);
    answers.set(answer.output.subarray(0, 32), 32 * i);
    acc = (Math.imul(acc, 31) ^ answer.exitCode) >>> 0;
  }
  const out = new Uint8Array(36);
  out.set(keccak_256(answers));
  new DataView(out.buffer).setUint32(32, acc, true);
  return out;
}

describe.each([false, true])('a frame that calls _exec %#: consumeFuel %s', (consumeFuel) => {
  const fresh = (host?: { _exec: typeof inlineExec }) =>
    SystemRuntime.create({ module, context: context(), consumeFuel, host, cache: new ModuleCache() });

  const inline = (() => {
    const runtime = fresh({ _exec: inlineExec });
    const result = runtime.execute();
    return { result, memory: memoryDigest(runtime), remaining: runtime.remainingFuel() };
  })();

  it('answered inline, computes what its host answers say', () => {
    expect(inline.result.exitCode).toBe(ExitCode.Ok);
    expect(toHex(inline.result.output)).toBe(toHex(expectedOutput()));
    if (!consumeFuel) {
      // Self-metered: exactly its _charge_fuel calls, i*100 + 7 each.
      expect(inline.result.fuelConsumed).toBe(BigInt(Array.from({ length: N }, (_, i) => i * 100 + 7).reduce((a, b) => a + b)));
    }
  });

  it('interrupted at every _exec and resumed, ends with the same output, memory and fuel', () => {
    const runtime = fresh();
    const first = runtime.execute();
    expect(first.exitCode).toBe(ExitCode.InterruptionCalled);
    expect(runtime.suspended).toBe('interrupted');
    const request = decodeInvocationParams(first.output);
    expect(request.codeHash).toEqual(execLoopInput(N).subarray(1, 33));
    expect(request.inputEnd - request.inputStart).toBe(8n);
    expect(request.state).toBe(0);
    const driven = drive(runtime, first);
    expect(driven.segments.length).toBe(N + 1);
    expect(driven.final.exitCode).toBe(ExitCode.Ok);
    expect(toHex(driven.final.output)).toBe(toHex(inline.result.output));
    expect(memoryDigest(runtime)).toBe(inline.memory);
    expect(totalFuel(driven, consumeFuel)).toBe(inline.result.fuelConsumed);
    // The engine-metered frame was charged each callee's fuel on resume, like the inline run.
    expect(runtime.remainingFuel()).toBe(inline.remaining);
    expect(inline.remaining === undefined).toBe(!consumeFuel);
    expect(runtime.suspended).toBeUndefined();
  });

  it('through the executor: call ids 1, 2, … and the same end', () => {
    const executor = new RuntimeExecutor({ cache: new ModuleCache() });
    let result = executor.execute({ module, consumeFuel }, context());
    const ids: number[] = [];
    let own = 0n;
    let callee = 0n;
    while (result.exitCode > 0) {
      ids.push(result.exitCode);
      own += result.fuelConsumed;
      const request = decodeInvocationParams(result.output);
      const answer = answerFor(executor.memoryRead(result.exitCode, Number(request.inputStart), 8));
      callee += answer.fuel;
      result = executor.resume(result.exitCode, { returnData: answer.output, fuelConsumed: answer.fuel, exitCode: answer.exitCode });
    }
    own += result.fuelConsumed;
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(result.exitCode).toBe(ExitCode.Ok);
    expect(toHex(result.output)).toBe(toHex(inline.result.output));
    expect(own + (consumeFuel ? callee : 0n)).toBe(inline.result.fuelConsumed);
    expect(executor.resume(3, { fuelConsumed: 5n })).toMatchObject({ exitCode: ExitCode.UnknownError, fuelConsumed: 5n });
  });

  it('snapshotted at every interruption and restored in a child process, ends the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwasm-snapshot-'));
    for (let k = 0; k < N; k++) {
      const runtime = fresh();
      let before = 0n;
      const driven = drive(runtime, runtime.execute(), (i) => i < k);
      for (const segment of driven.segments) before += segment.fuelConsumed;
      before += consumeFuel ? driven.calleeFuel : 0n;
      const request = driven.segments.at(-1)!.output;
      expect(runtime.suspended).toBe('interrupted');
      const file = join(dir, `at-${k}.snapshot`);
      writeFileSync(file, runtime.snapshot());
      const args = [...(process.env.RWASM_JITLESS ? ['--jitless'] : []), '--import', 'tsx', childScript, file, toHex(request), String(consumeFuel)];
      const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
      expect(child.stderr.replace(/^Warning: disabling flag --expose_wasm.*\n/m, '')).toBe('');
      expect(child.status).toBe(0);
      const ended = JSON.parse(child.stdout) as { exitCode: number; output: string; fuel: string; memory: string };
      expect(ended.exitCode).toBe(ExitCode.Ok);
      expect(ended.output).toBe(toHex(inline.result.output));
      expect(ended.memory).toBe(inline.memory);
      expect(before + BigInt(ended.fuel)).toBe(inline.result.fuelConsumed);
    }
  });
});
