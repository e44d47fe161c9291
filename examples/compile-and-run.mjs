// Compiles a Wasm module to rWasm and runs it: fib(n) as a loop, with n = 20 unless given.
//
//   node examples/compile-and-run.mjs [n]
import { Machine, compileWasm } from 'rwasm-ts';

// (module (func (export "main") (param $n i32) (result i32) (local $a i32) (local $b i32) (local $next i32)
//   (local.set $b (i32.const 1))
//   (block $done (loop $step
//     (br_if $done (i32.eqz (local.get $n)))
//     (local.set $next (i32.add (local.get $a) (local.get $b)))
//     (local.set $a (local.get $b)) (local.set $b (local.get $next))
//     (local.set $n (i32.sub (local.get $n) (i32.const 1)))
//     (br $step)))
//   (local.get $a)))
const FIB_WASM = Uint8Array.from(Buffer.from(
  '0061736d0100000001060160017f017f03020100070801046d61696e00000a2f012d01037f41012102024003402000450d01200120026a21032002210120032102200041016b21000c000b0b20010b',
  'hex',
));

const n = Number(process.argv[2] ?? 20);
const { module } = compileWasm(FIB_WASM, { entrypointName: 'main' }); // the entry calls the exported main
console.log(`compiled to ${module.code.length} rWasm instructions (${module.encode().length} bytes)`);

const machine = new Machine(module);
machine.instantiate(); // the init code: memory, tables, globals
const outcome = machine.run({ params: [n], resultWords: 1 }); // an i32 is one word
if (outcome.status !== 'returned') throw new Error(`fib(${n}) ended ${outcome.status}`);
console.log(`fib(${n}) = ${outcome.results[0]}, fuel consumed ${machine.fuelConsumed()}, tier ${machine.tier}`);
