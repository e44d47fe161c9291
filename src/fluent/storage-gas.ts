/**
 * Gas of storage access as revm charges it on Fluent's Osaka schedule (EIP-2929 warm/cold
 * access, EIP-2200 net metering, EIP-3529 refunds) — what a host charges when the EVM runtime
 * asks for STORAGE_READ and STORAGE_WRITE — and the transaction-level rules around it.
 */
export const COLD_SLOAD_COST = 2100n;
export const WARM_STORAGE_READ_COST = 100n;
export const COLD_ACCOUNT_ACCESS_COST = 2600n;
const SSTORE_SET = 20_000n;
const SSTORE_RESET = 5000n - COLD_SLOAD_COST;
/** EIP-3529's refund for clearing a slot. */
const SSTORE_CLEARS_SCHEDULE = 4800n;
/** EIP-2200: SSTORE fails when no more than this is left (a call's stipend cannot write storage). */
export const SSTORE_STIPEND = 2300n;

export function sloadGas(warm: boolean): bigint {
  return warm ? WARM_STORAGE_READ_COST : COLD_SLOAD_COST;
}

/**
 * SSTORE of `value` into a slot that held `original` when the transaction began and holds
 * `current` now: its gas (with the cold surcharge) and its refund change (negative when it
 * takes back an earlier refund).
 */
export function sstoreGas(slot: { original: bigint; current: bigint; value: bigint; warm: boolean }): { gas: bigint; refund: bigint } {
  const { original, current, value, warm } = slot;
  const cold = warm ? 0n : COLD_SLOAD_COST;
  if (value === current) return { gas: cold + WARM_STORAGE_READ_COST, refund: 0n };
  if (current === original) {
    if (original === 0n) return { gas: cold + SSTORE_SET, refund: 0n };
    return { gas: cold + SSTORE_RESET, refund: value === 0n ? SSTORE_CLEARS_SCHEDULE : 0n };
  }
  let refund = 0n;
  if (original !== 0n) {
    if (current === 0n) refund -= SSTORE_CLEARS_SCHEDULE;
    else if (value === 0n) refund += SSTORE_CLEARS_SCHEDULE;
  }
  if (value === original) refund += original === 0n ? SSTORE_SET - WARM_STORAGE_READ_COST : SSTORE_RESET - WARM_STORAGE_READ_COST;
  return { gas: cold + WARM_STORAGE_READ_COST, refund };
}

/** EIP-3529: a transaction gets back at most a fifth of the gas it used. */
export function cappedRefund(gasUsed: bigint, refund: bigint): bigint {
  const cap = gasUsed / 5n;
  return refund < 0n ? 0n : refund < cap ? refund : cap;
}
