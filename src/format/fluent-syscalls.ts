/**
 * Fluent's system calls (import module `fluentbase_v1preview`): names, indices, Wasm signatures
 * and the fuel each trampoline charges when compiled with builtin fuel (Fluent's
 * `import_linker_v1_preview` and `calculate_syscall_fuel`). All fuel figures are gas × 20.
 */
import { ImportLinker, type ImportEntry, type SyscallFuelParams, type ValType } from './import-linker.js';

export const FLUENT_MODULE = 'fluentbase_v1preview';
export const FUEL_DENOM_RATE = 20;

/** Syscall indices (Fluent's SysFuncIdx). */
export const SysFuncIdx = {
  EXIT: 0x0001,
  STATE: 0x0002,
  READ_INPUT: 0x0003,
  INPUT_SIZE: 0x0004,
  WRITE_OUTPUT: 0x0005,
  OUTPUT_SIZE: 0x0006,
  READ_OUTPUT: 0x0007,
  EXEC: 0x0009,
  RESUME: 0x000a,
  FORWARD_OUTPUT: 0x000b,
  FUEL: 0x000d,
  DEBUG_LOG: 0x0010,
  CHARGE_FUEL: 0x0011,
  ENTER_UNCONSTRAINED: 0x0012,
  EXIT_UNCONSTRAINED: 0x0013,
  WRITE_FD: 0x0014,
  KECCAK256: 0x0101,
  KECCAK256_PERMUTE: 0x0102,
  POSEIDON: 0x0103,
  SHA256_EXTEND: 0x0105,
  SHA256_COMPRESS: 0x0106,
  BLAKE3: 0x0117,
  SHA256: 0x0118,
  ED25519_DECOMPRESS: 0x0201,
  ED25519_ADD: 0x0202,
  TOWER_FP1_BN254_ADD: 0x0301,
  TOWER_FP1_BN254_SUB: 0x0302,
  TOWER_FP1_BN254_MUL: 0x0303,
  TOWER_FP1_BLS12381_ADD: 0x0304,
  TOWER_FP1_BLS12381_SUB: 0x0305,
  TOWER_FP1_BLS12381_MUL: 0x0306,
  TOWER_FP2_BN254_ADD: 0x0307,
  TOWER_FP2_BN254_SUB: 0x0308,
  TOWER_FP2_BN254_MUL: 0x0309,
  TOWER_FP2_BLS12381_ADD: 0x030a,
  TOWER_FP2_BLS12381_SUB: 0x030b,
  TOWER_FP2_BLS12381_MUL: 0x030c,
  SECP256K1_ADD: 0x0401,
  SECP256K1_DECOMPRESS: 0x0402,
  SECP256K1_DOUBLE: 0x0403,
  SECP256R1_ADD: 0x0501,
  SECP256R1_DECOMPRESS: 0x0502,
  SECP256R1_DOUBLE: 0x0503,
  BLS12381_ADD: 0x0601,
  BLS12381_DECOMPRESS: 0x0602,
  BLS12381_DOUBLE: 0x0603,
  BN254_ADD: 0x0701,
  BN254_DOUBLE: 0x0702,
  UINT256_MUL_MOD: 0x0801,
  UINT256_X2048_MUL: 0x0802,
} as const;

const gas = (g: number) => g * FUEL_DENOM_RATE;
const none: SyscallFuelParams | undefined = undefined;
const constant = (fuel: number): SyscallFuelParams => ({ kind: 'const', fuel });
const linear = (localDepth: number, base: number, wordCost: number): SyscallFuelParams => ({ kind: 'linear', localDepth, base, wordCost });
const i32 = (n: number): ValType[] => new Array<ValType>(n).fill('i32');

const COPY = linear(1, gas(20), gas(3));
const STATE = constant(gas(20));

// [name, index, params, results, fuel] in Fluent's declaration order
const TABLE: ReadonlyArray<readonly [string, number, ValType[], ValType[], SyscallFuelParams | undefined]> = [
  ['_exit', SysFuncIdx.EXIT, i32(1), [], none],
  ['_state', SysFuncIdx.STATE, [], i32(1), STATE],
  ['_read', SysFuncIdx.READ_INPUT, i32(3), [], COPY],
  ['_input_size', SysFuncIdx.INPUT_SIZE, [], i32(1), STATE],
  ['_write', SysFuncIdx.WRITE_OUTPUT, i32(2), [], COPY],
  ['_output_size', SysFuncIdx.OUTPUT_SIZE, [], i32(1), STATE],
  ['_read_output', SysFuncIdx.READ_OUTPUT, i32(3), [], COPY],
  ['_exec', SysFuncIdx.EXEC, i32(5), i32(1), { kind: 'quadratic', localDepth: 3, wordCost: 3, divisor: 512, fuelDenomRate: FUEL_DENOM_RATE }],
  ['_resume', SysFuncIdx.RESUME, i32(5), i32(1), none],
  ['_forward_output', SysFuncIdx.FORWARD_OUTPUT, i32(2), [], COPY],
  ['_fuel', SysFuncIdx.FUEL, [], ['i64'], STATE],
  ['_debug_log', SysFuncIdx.DEBUG_LOG, i32(2), [], linear(1, gas(50), gas(16))],
  ['_charge_fuel', SysFuncIdx.CHARGE_FUEL, ['i64'], [], constant(gas(20))],
  ['_enter_unconstrained', SysFuncIdx.ENTER_UNCONSTRAINED, [], [], none],
  ['_exit_unconstrained', SysFuncIdx.EXIT_UNCONSTRAINED, [], [], none],
  ['_keccak256', SysFuncIdx.KECCAK256, i32(3), [], linear(2, gas(30), gas(6))],
  ['_keccak256_permute', SysFuncIdx.KECCAK256_PERMUTE, i32(1), [], constant(gas(30))],
  ['_sha256_extend', SysFuncIdx.SHA256_EXTEND, i32(1), [], constant(gas(60))],
  ['_sha256_compress', SysFuncIdx.SHA256_COMPRESS, i32(2), [], constant(gas(60))],
  ['_sha256', SysFuncIdx.SHA256, i32(3), [], linear(2, gas(60), gas(12))],
  ['_blake3', SysFuncIdx.BLAKE3, i32(3), [], linear(2, gas(60), gas(12))],
  ['_ed25519_decompress', SysFuncIdx.ED25519_DECOMPRESS, i32(2), [], constant(gas(5000))],
  ['_ed25519_add', SysFuncIdx.ED25519_ADD, i32(2), [], constant(gas(1500))],
  ['_tower_fp1_bn254_add', SysFuncIdx.TOWER_FP1_BN254_ADD, i32(2), [], constant(gas(6))],
  ['_tower_fp1_bn254_sub', SysFuncIdx.TOWER_FP1_BN254_SUB, i32(2), [], constant(gas(6))],
  ['_tower_fp1_bn254_mul', SysFuncIdx.TOWER_FP1_BN254_MUL, i32(2), [], constant(gas(24))],
  ['_tower_fp1_bls12381_add', SysFuncIdx.TOWER_FP1_BLS12381_ADD, i32(2), [], constant(gas(8))],
  ['_tower_fp1_bls12381_sub', SysFuncIdx.TOWER_FP1_BLS12381_SUB, i32(2), [], constant(gas(8))],
  ['_tower_fp1_bls12381_mul', SysFuncIdx.TOWER_FP1_BLS12381_MUL, i32(2), [], constant(gas(32))],
  ['_tower_fp2_bn254_add', SysFuncIdx.TOWER_FP2_BN254_ADD, i32(4), [], constant(gas(12))],
  ['_tower_fp2_bn254_sub', SysFuncIdx.TOWER_FP2_BN254_SUB, i32(4), [], constant(gas(12))],
  ['_tower_fp2_bn254_mul', SysFuncIdx.TOWER_FP2_BN254_MUL, i32(4), [], constant(gas(48))],
  ['_tower_fp2_bls12381_add', SysFuncIdx.TOWER_FP2_BLS12381_ADD, i32(4), [], constant(gas(16))],
  ['_tower_fp2_bls12381_sub', SysFuncIdx.TOWER_FP2_BLS12381_SUB, i32(4), [], constant(gas(16))],
  ['_tower_fp2_bls12381_mul', SysFuncIdx.TOWER_FP2_BLS12381_MUL, i32(4), [], constant(gas(64))],
  ['_secp256k1_add', SysFuncIdx.SECP256K1_ADD, i32(2), [], constant(gas(150))],
  ['_secp256k1_decompress', SysFuncIdx.SECP256K1_DECOMPRESS, i32(2), [], constant(gas(4000))],
  ['_secp256k1_double', SysFuncIdx.SECP256K1_DOUBLE, i32(1), [], constant(gas(150))],
  ['_secp256r1_add', SysFuncIdx.SECP256R1_ADD, i32(2), [], constant(gas(150))],
  ['_secp256r1_decompress', SysFuncIdx.SECP256R1_DECOMPRESS, i32(2), [], constant(gas(4000))],
  ['_secp256r1_double', SysFuncIdx.SECP256R1_DOUBLE, i32(1), [], constant(gas(150))],
  ['_bls12381_add', SysFuncIdx.BLS12381_ADD, i32(2), [], constant(gas(600))],
  ['_bls12381_decompress', SysFuncIdx.BLS12381_DECOMPRESS, i32(2), [], constant(gas(600))],
  ['_bls12381_double', SysFuncIdx.BLS12381_DOUBLE, i32(1), [], constant(gas(600))],
  ['_bn254_add', SysFuncIdx.BN254_ADD, i32(2), [], constant(gas(150))],
  ['_bn254_double', SysFuncIdx.BN254_DOUBLE, i32(1), [], constant(gas(150))],
  ['_uint256_mul_mod', SysFuncIdx.UINT256_MUL_MOD, i32(3), [], constant(gas(8))],
  ['_uint256_x2048_mul', SysFuncIdx.UINT256_X2048_MUL, i32(4), [], constant(gas(5000))],
];

export const FLUENT_SYSCALLS: readonly ImportEntry[] = TABLE.map(([name, index, params, results, fuel]) =>
  Object.freeze({ module: FLUENT_MODULE, name, index, params, results, fuel }),
);

/** A fresh linker holding Fluent's syscall table (Fluent's `import_linker_v1_preview`). */
export function fluentImportLinker(): ImportLinker {
  return new ImportLinker(FLUENT_SYSCALLS);
}
