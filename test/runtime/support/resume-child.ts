/**
 * Child process for the snapshot tests: restores a suspended exec-loop frame from a snapshot
 * file, answers the request it was waiting on (hex, argv[3]) and every later one, and prints
 * what the frame ended with as one JSON line.
 */
import { readFileSync } from 'node:fs';
import { ModuleCache, SystemRuntime, decodeInvocationParams, toHex } from '../../../src/index.js';
import { answerFor, compileProgram, drive, memoryDigest, totalFuel } from './exec-host.js';

const [snapshotPath, requestHex, consumeFuelFlag] = process.argv.slice(2);
const module = compileProgram('exec-loop');
const runtime = SystemRuntime.restore(new Uint8Array(readFileSync(snapshotPath!)), { module: module.encode(), cache: new ModuleCache() });
const request = decodeInvocationParams(Uint8Array.from(Buffer.from(requestHex!, 'hex')));
const input = runtime.memoryRead(Number(request.inputStart), Number(request.inputEnd - request.inputStart));
const answer = answerFor(input);
const first = runtime.resume(answer.exitCode, answer.fuel, { returnData: answer.output });
const driven = drive(runtime, first);
driven.calleeFuel += answer.fuel;
console.log(
  JSON.stringify({
    exitCode: driven.final.exitCode,
    output: toHex(driven.final.output),
    fuel: String(totalFuel(driven, consumeFuelFlag === 'true')),
    memory: memoryDigest(runtime),
  }),
);
