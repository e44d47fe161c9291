// Runs a program on a small fuel budget and tops it up each time it runs out: the run resumes
// exactly where it stopped, and the result and the total fuel are those of one run with enough.
//
//   node examples/fuel-resume.mjs [budget]
import { Machine, compileWasm } from 'rwasm-ts';

// fib(n) as a loop, as in compile-and-run.mjs; compiled with fuel metering on (the default).
const FIB_WASM = Uint8Array.from(Buffer.from(
  '0061736d0100000001060160017f017f03020100070801046d61696e00000a2f012d01037f41012102024003402000450d01200120026a21032002210120032102200041016b21000c000b0b20010b',
  'hex',
));
const { module } = compileWasm(FIB_WASM, { entrypointName: 'main' });
const budget = BigInt(process.argv[2] ?? 100);

const machine = new Machine(module, { fuelLimit: budget });
machine.instantiate();
let outcome = machine.run({ params: [40], resultWords: 1 });
let stops = 0;
while (outcome.status === 'outOfFuel') {
  stops++; // stopped before the charge that did not fit, with nothing charged
  machine.addFuel(budget > outcome.required ? budget : outcome.required);
  outcome = machine.resume();
}
if (outcome.status !== 'returned') throw new Error(`the run ended ${outcome.status}`);

const once = new Machine(module); // the same run with no limit
once.instantiate();
const whole = once.run({ params: [40], resultWords: 1 });
console.log(`fib(40) = ${outcome.results[0]} after ${stops} top-ups of ${budget} fuel, ${machine.fuelConsumed()} fuel in all`);
console.log(`one run with enough fuel: ${whole.results[0]}, ${once.fuelConsumed()} fuel: ${whole.results[0] === outcome.results[0] && once.fuelConsumed() === machine.fuelConsumed() ? 'the same' : 'DIFFERENT'}`);
