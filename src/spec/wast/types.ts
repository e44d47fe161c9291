/** The commands of a `.wast` script and the values in them, as the parser returns them. */
import type { WastSyntaxError } from './errors.js';

/** The lane layouts of a `v128.const`. */
export type V128Shape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';

export type WastValue =
  | { type: 'i32'; value: number } // as u32: 0..2^32-1
  | { type: 'i64'; value: bigint } // as u64: 0n..2^64-1
  | { type: 'f32'; bits: number } // IEEE bits as u32
  | { type: 'f64'; bits: bigint } // IEEE bits as u64
  | { type: 'v128'; bits: bigint } // the 16 bytes as a little-endian u128: lane 0 in the low bits
  | { type: 'funcref' | 'externref'; ref: null } // (ref.null func|nofunc|extern|noextern)
  | { type: 'externref'; ref: number } // (ref.extern N)
  // References rWasm has no values of (GC, exceptions): (ref.null HEAP) for any other heap
  // type (`$t` for a type name), and (ref.host N), the reference interpreter's host reference.
  | { type: 'ref'; heap: string; ref: null }
  | { type: 'ref'; heap: 'host'; ref: number };

/** A lane of an expected `v128`: its bits, or a NaN pattern in a float lane. */
export type WastLane = bigint | 'nan:canonical' | 'nan:arithmetic';

export type WastExpected =
  | WastValue
  | { type: 'f32' | 'f64'; nan: 'canonical' | 'arithmetic' }
  | { type: 'v128'; shape: V128Shape; lanes: WastLane[] }
  | { type: 'funcref'; ref: 'any' } // (ref.func) without an index: any non-null funcref
  | { type: 'externref'; ref: 'any' } // (ref.extern) without a number
  | { type: 'ref'; ref: null } // (ref.null) without a heap type: a null reference of any type
  | { type: 'ref'; heap: string; ref: 'any' } // (ref.struct), (ref.array), (ref.i31), (ref.eq), …: any non-null one
  | { type: 'either'; options: WastExpected[] };

export type WastModule =
  | { kind: 'text'; id?: string; text: string; line: number } // "(module …)" text, id included (a definition's without `definition`)
  | { kind: 'binary'; id?: string; bytes: Uint8Array; line: number } // concatenation of the string pieces
  | { kind: 'quote'; id?: string; text: string; line: number; invalidUtf8?: true }; // "(module " + pieces joined by " " + ")" (the pieces alone when they are a whole "(module …)"); a piece that is not UTF-8 is left out and flagged

export type WastAction =
  | { kind: 'invoke'; module?: string; name: string; args: WastValue[] }
  | { kind: 'get'; module?: string; name: string };

export type WastCommand =
  | { kind: 'module'; line: number; module: WastModule }
  /** `(module definition $M …)`: a module compiled but not instantiated. */
  | { kind: 'module_definition'; line: number; module: WastModule }
  /** `(module instance $I $M)`: an instance of a definition (the last one without `$M`). */
  | { kind: 'module_instance'; line: number; instance?: string; definition?: string }
  | { kind: 'register'; line: number; as: string; module?: string }
  | { kind: 'action'; line: number; action: WastAction }
  | { kind: 'assert_return'; line: number; action: WastAction; expected: WastExpected[] }
  | { kind: 'assert_trap'; line: number; action: WastAction; message: string }
  | { kind: 'assert_trap_module'; line: number; module: WastModule; message: string } // (assert_trap (module …) "…")
  | { kind: 'assert_exhaustion'; line: number; action: WastAction; message: string }
  | { kind: 'assert_exception'; line: number; action: WastAction }
  | {
      kind:
        | 'assert_invalid'
        | 'assert_malformed'
        | 'assert_unlinkable'
        | 'assert_uninstantiable'
        // the custom-annotation proposal's: the text parser is to reject the annotation
        | 'assert_malformed_custom'
        | 'assert_invalid_custom';
      line: number;
      module: WastModule;
      message: string;
    };

export type WastCommandKind = WastCommand['kind'];

/**
 * One top-level form of a script, with its source span (UTF-16 offsets, `end` exclusive): a
 * command, or the error that kept it from being one.
 */
export type WastEntry =
  | { readonly kind: 'command'; readonly command: WastCommand; readonly start: number; readonly end: number }
  | { readonly kind: 'unparsed'; readonly line: number; readonly error: WastSyntaxError; readonly start: number; readonly end: number };
