import { RwasmError } from '../errors.js';
import { codeHash } from './code-hash.js';
import { decodeModuleParts, type ModuleParts } from './decode.js';
import { disassemble } from './disassemble.js';
import { encodeModuleParts } from './encode.js';
import { InstructionSet } from './instruction-set.js';
import { Opcode } from './opcodes.js';
import type { Instruction } from './instructions.js';
import { verifyModuleParts } from './verify.js';

/** What the hint section holds: the Wasm the module was compiled from, or anything else. */
export type HintType = 'wasm' | 'evm';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export interface DecodeOptions {
  /**
   * Accept bytes after the module (the reference's `new_checked`); by default they are an
   * error (`new_checked_exact`).
   */
  allowTrailingBytes?: boolean;
  /** Run `verify()` after decoding (default true; the interpreter only runs verified modules). */
  verify?: boolean;
}

export interface ModuleInit {
  code: InstructionSet | Iterable<Instruction>;
  data?: Uint8Array;
  elem?: Uint32Array | readonly number[];
  hint?: Uint8Array;
  sourcePc?: number;
}

/**
 * An rWasm v1 module: code section, read-only data, element targets, hint (source) and the
 * entry pc. Treat it as immutable once built: prepared programs and caches key on it.
 *
 * ```ts
 * const module = RwasmModule.decode(bytes);          // verified, no trailing bytes
 * module.encode();                                    // byte-identical to `bytes`
 * const tiny = new RwasmModule({ code: [ins.I32Const(1), ins.Drop(), ins.Return()] });
 * ```
 */
export class RwasmModule implements ModuleParts {
  readonly code: InstructionSet;
  readonly data: Uint8Array;
  readonly elem: Uint32Array;
  readonly hint: Uint8Array;
  readonly sourcePc: number;

  constructor(init: ModuleInit) {
    this.code = init.code instanceof InstructionSet ? init.code : InstructionSet.from(init.code);
    this.data = init.data ?? new Uint8Array(0);
    this.elem = init.elem instanceof Uint32Array ? init.elem : Uint32Array.from(init.elem ?? [], (v) => checkU32(v, 'element'));
    this.hint = init.hint ?? new Uint8Array(0);
    this.sourcePc = checkU32(init.sourcePc ?? 0, 'source_pc');
  }

  /** Decodes exactly one module from `bytes` (see `DecodeOptions`). */
  static decode(bytes: Uint8Array, options: DecodeOptions = {}): RwasmModule {
    const { module, bytesRead } = RwasmModule.decodePrefix(bytes, { verify: options.verify });
    if (!options.allowTrailingBytes && bytesRead !== bytes.length) {
      throw new RwasmError(
        'TrailingBytes',
        `${bytes.length - bytesRead} trailing byte(s) after the module at byte offset ${bytesRead}`,
        { offset: bytesRead, trailing: bytes.length - bytesRead },
      );
    }
    return module;
  }

  /** Decodes the module at the start of `bytes` and reports how many bytes it took. */
  static decodePrefix(bytes: Uint8Array, options: { verify?: boolean | undefined } = {}): { module: RwasmModule; bytesRead: number } {
    const { parts, bytesRead, facts } = decodeModuleParts(bytes);
    const module = new RwasmModule(parts);
    module.globals = facts.globalIndices;
    // The decoder already applied the instruction rules: only the module-wide ones are left.
    verificationOf.set(module, () => verifyModuleParts(module, facts.firstInvalidPc));
    if (options.verify ?? true) module.verify();
    return { module, bytesRead };
  }

  encode(): Uint8Array {
    return encodeModuleParts(this);
  }

  /** Throws `RwasmError('VerificationFailed')` naming the reference's rule that failed (once: modules do not change). */
  verify(): this {
    if (verified.has(this)) return this;
    const verification = verificationOf.get(this);
    if (verification) verification();
    else verifyModuleParts(this);
    verified.add(this);
    return this;
  }

  /** The global indices the code names (GlobalGet/GlobalSet), each once, in the order first named. */
  globalIndices(): Uint32Array {
    if (!this.globals) {
      const { codes, bits, length } = this.code.rawView();
      const seen = new Set<number>();
      for (let pc = 0; pc < length; pc++) if (codes[pc] === GLOBAL_GET || codes[pc] === GLOBAL_SET) seen.add(bits[pc]!);
      this.globals = Uint32Array.from(seen);
    }
    return this.globals;
  }

  private globals: Uint32Array | undefined;

  /** keccak256 of the encoded module. */
  codeHash(): Uint8Array {
    return codeHash(this.encode());
  }

  get hintType(): HintType {
    return WASM_MAGIC.every((byte, i) => this.hint[i] === byte) ? 'wasm' : 'evm';
  }

  disassemble(): string {
    return disassemble(this);
  }
}

const verified = new WeakSet<RwasmModule>();
/** A cheaper verification for decoded modules (their instruction rules were checked while decoding). */
const verificationOf = new WeakMap<RwasmModule, () => void>();
const GLOBAL_GET: number = Opcode.GlobalGet;
const GLOBAL_SET: number = Opcode.GlobalSet;

function checkU32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RwasmError('InvalidArgument', `${what} ${value} is not a u32`);
  }
  return value;
}
