import { RwasmError } from '../../errors.js';
import type { ImportEntry } from '../../format/import-linker.js';
import type { InstructionSet } from '../../format/instruction-set.js';
import { Opcode } from '../../format/opcodes.js';
import type { ResolvedConfig } from '../config.js';
import type { WasmModule } from '../wasm/module.js';
import { loweredLength, sameFuncType } from '../wasm/types.js';
import type { I64SequenceName } from '../../format/i64-sequences.js';

export type Intrinsic = NonNullable<ImportEntry['intrinsic']>;

/** i64 operations compiled as calls to shared functions, keyed by their sequence. */
export type SnippetKind = Extract<
  I64SequenceName,
  'eq' | 'ne' | 'ltS' | 'ltU' | 'gtS' | 'gtU' | 'leS' | 'leU' | 'geS' | 'geU' | 'add' | 'sub' | 'mul' | 'divS' | 'divU' | 'remS' | 'remU' | 'shl' | 'shrS' | 'shrU' | 'rotl' | 'rotr'
>;

/** Everything function translation shares with the rest of the module's compilation. */
export class TranslationContext {
  /** Signature of each type index: the index of the first structurally equal type. */
  readonly signatures: number[];
  readonly loweredParams: number[];
  readonly loweredResults: number[];
  /** Start of each function (imports, bodies, snippets) within `code`. */
  readonly funcOffsets: number[] = [];
  readonly snippetCalls: Array<{ pc: number; snippet: SnippetKind }> = [];
  /** Per data segment: (offset, length) as the reference records them. */
  readonly memorySections = new Map<number, readonly [number, number]>();
  /** Per element segment: (offset, length) as the reference records them. */
  readonly elementSections = new Map<number, readonly [number, number]>();
  readonly intrinsics = new Map<number, Intrinsic>();

  constructor(
    readonly config: ResolvedConfig,
    readonly module: WasmModule,
    /** The functions' code, without the entrypoint. */
    readonly code: InstructionSet,
  ) {
    this.signatures = [];
    this.loweredParams = [];
    this.loweredResults = [];
    this.registerTypes();
  }

  /** Registers types added to the module since the last call (the type section). */
  registerTypes(): void {
    const types = this.module.types;
    for (let i = this.signatures.length; i < types.length; i++) {
      const type = types[i]!;
      for (const t of [...type.params, ...type.results]) {
        if (t === 0x7b) throw new RwasmError('NotSupportedFuncType', `type ${i} uses v128`, { typeIndex: i });
      }
      let signature = i;
      for (let k = 0; k < i; k++) {
        if (sameFuncType(types[k]!, type)) {
          signature = k;
          break;
        }
      }
      this.signatures.push(signature);
      this.loweredParams.push(loweredLength(type.params));
      this.loweredResults.push(loweredLength(type.results));
    }
  }

  typeOfFunction(funcIndex: number): number {
    return this.module.functions[funcIndex]!;
  }

  /**
   * A direct call, tail call or reference to function `funcIndex`: an intrinsic's code, or the
   * placeholder `funcIndex + 1` rewritten to the function's pc once all code is laid out.
   */
  emitCall(target: InstructionSet, funcIndex: number, returnCall: boolean): void {
    const intrinsic = this.intrinsics.get(funcIndex);
    if (intrinsic?.kind === 'replace') {
      for (const instr of intrinsic.code) target.push(instr);
    } else if (intrinsic?.kind === 'remove') {
      const type = this.typeOfFunction(funcIndex);
      if (this.module.types[type]!.results.length !== 0) {
        throw new RwasmError('MalformedImportFunctionType', `a removed intrinsic (function ${funcIndex}) must not return values`);
      }
      for (let i = 0; i < this.loweredParams[type]!; i++) target.pushRaw(Opcode.Drop, 0);
    } else {
      target.pushRaw(returnCall ? Opcode.ReturnCallInternal : Opcode.CallInternal, funcIndex + 1);
    }
  }
}
