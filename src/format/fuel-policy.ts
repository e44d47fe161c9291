/** Fuel costs of Wasm operators (rwasm-fuel-policy's FuelCosts), shared by the compiler and the engine meter. */
export const FUEL_BASE = 1;
export const FUEL_ENTITY = 3;
export const FUEL_LOAD = 2;
export const FUEL_STORE = 2;
export const FUEL_CALL = 10;

/** Syscall fuel caps: a larger size operand traps IntegerOverflow before charging. */
export const FUEL_MAX_LINEAR_X = 134217728;
export const FUEL_MAX_QUADRATIC_X = 1310720;
