/**
 * Decoded, verified and pre-decoded modules by code hash (keccak256 of the binary), so the
 * second run of the same bytes skips all of that. Bounded: least recently used entries go
 * first once the estimated bytes exceed the budget. Fluent keeps one such cache per process;
 * `defaultModuleCache` is ours.
 */
import { RwasmError } from '../errors.js';
import { codeHash as keccakCodeHash } from '../format/code-hash.js';
import { RwasmModule } from '../format/module.js';
import { prepareProgram, type PrepareOptions, type Program } from '../interpreter/prepare.js';

/** A code hash: 32 bytes, or 64 hex digits with or without `0x`. */
export type CodeHashInput = Uint8Array | string;

export interface CacheStats {
  /** Lookups answered from the cache (no decoding). */
  readonly hits: number;
  /** Lookups that had to decode (or failed: a hash-only lookup of an absent module). */
  readonly misses: number;
  readonly evictions: number;
  /** Estimated bytes held: the module's arrays plus every prepared program of it. */
  readonly bytes: number;
  readonly entries: number;
  readonly maxBytes: number;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The canonical form of a code hash: 64 lowercase hex digits. */
export function normalizeCodeHash(hash: CodeHashInput): string {
  if (typeof hash === 'string') {
    const hex = hash.startsWith('0x') || hash.startsWith('0X') ? hash.slice(2) : hash;
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new RwasmError('InvalidArgument', `code hash "${hash}" is not 32 bytes of hex`);
    return hex.toLowerCase();
  }
  if (!(hash instanceof Uint8Array) || hash.length !== 32) throw new RwasmError('InvalidArgument', 'a code hash is 32 bytes');
  let hex = '';
  for (let i = 0; i < 32; i++) hex += HEX[hash[i]!];
  return hex;
}

export function codeHashBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

const moduleHashes = new WeakMap<RwasmModule, string>();

/** One cached module. */
export class CachedModule {
  private readonly programs = new Set<Program>();
  /** Instantiated runtimes of this module, by configuration (see SystemRuntime). */
  readonly instances = new Map<string, unknown>();
  private sizeValue: number;

  constructor(
    readonly codeHash: string,
    readonly module: RwasmModule,
    private readonly onResize: (entry: CachedModule, delta: number) => void,
  ) {
    this.sizeValue = moduleSize(module);
  }

  /** Estimated bytes this entry holds. */
  get size(): number {
    return this.sizeValue;
  }

  /** The module prepared for the interpreter (memoised per options). */
  program(options: PrepareOptions = {}): Program {
    const program = prepareProgram(this.module, options);
    if (!this.programs.has(program)) {
      this.programs.add(program);
      const delta = programSize(program);
      this.sizeValue += delta;
      this.onResize(this, delta);
    }
    return program;
  }
}

function moduleSize(module: RwasmModule): number {
  const length = module.code.length;
  return length * 6 + module.data.length + module.elem.length * 4 + module.hint.length;
}

function programSize(program: Program): number {
  let bytes = program.code.byteLength + program.ipOfPc.byteLength;
  if (program.entryIpOfPc !== program.ipOfPc) bytes += program.entryIpOfPc.byteLength;
  const metering = program.metering;
  if (metering) bytes += metering.costOfPc.byteLength + metering.blockEnd.byteLength + metering.instructionIp.byteLength;
  return bytes;
}

/**
 * ```ts
 * const cache = new ModuleCache({ maxBytes: 64 << 20 });
 * const entry = cache.load(bytes, expectedHash); // decodes, verifies, prepares; refuses a wrong hash
 * cache.get(expectedHash);                         // no decoding now
 * ```
 */
export class ModuleCache {
  /** Room for a few hundred typical contracts (the EVM runtime takes about 2.5 MB). */
  static readonly DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

  readonly maxBytes: number;
  private readonly entries = new Map<string, CachedModule>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private bytes = 0;

  constructor(options: { maxBytes?: number } = {}) {
    const maxBytes = options.maxBytes ?? ModuleCache.DEFAULT_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RwasmError('InvalidArgument', `maxBytes ${maxBytes} is not a byte count`);
    this.maxBytes = maxBytes;
  }

  /**
   * The module with these bytes. With `expectedHash`, a cached module is returned without
   * looking at the bytes; otherwise the bytes are hashed and, when they do not hash to
   * `expectedHash`, refused with `CodeHashMismatch`. A miss decodes (exactly), verifies and
   * prepares the module, then caches it.
   */
  load(bytes: Uint8Array, expectedHash?: CodeHashInput, prepare: PrepareOptions = {}): CachedModule {
    const expected = expectedHash === undefined ? undefined : normalizeCodeHash(expectedHash);
    if (expected !== undefined) {
      const cached = this.touch(expected);
      if (cached) return cached;
    }
    const actual = normalizeCodeHash(keccakCodeHash(bytes));
    if (expected !== undefined && actual !== expected) {
      throw new RwasmError('CodeHashMismatch', `the bytes hash to 0x${actual}, not to the code hash they came with (0x${expected})`, { expected, actual });
    }
    if (expected === undefined) {
      const cached = this.touch(actual);
      if (cached) return cached;
    }
    this.misses++;
    // Verified once, when insert prepares it (prepareProgram verifies before anything is cached).
    const module = RwasmModule.decode(bytes, { verify: false });
    return this.insert(actual, module, prepare);
  }

  /**
   * Adds an already decoded module (Fluent's `warmup`). The hash is computed from its encoding;
   * when `expectedHash` is given and differs, the module is refused with `CodeHashMismatch`.
   */
  add(module: RwasmModule, expectedHash?: CodeHashInput, prepare: PrepareOptions = {}): CachedModule {
    // Hashing means encoding and hashing the whole module (tens of ms for a large runtime), so a
    // module object's hash is remembered: modules are treated as immutable once handed over.
    let hash = moduleHashes.get(module);
    if (hash === undefined) moduleHashes.set(module, (hash = normalizeCodeHash(module.codeHash())));
    const actual = hash;
    if (expectedHash !== undefined && normalizeCodeHash(expectedHash) !== actual) {
      throw new RwasmError('CodeHashMismatch', `the module hashes to 0x${actual}, not to 0x${normalizeCodeHash(expectedHash)}`);
    }
    const cached = this.touch(actual);
    if (cached) return cached;
    this.misses++;
    return this.insert(actual, module, prepare);
  }

  /** The cached module with this hash; `ModuleNotCached` when there is none. */
  get(codeHash: CodeHashInput): CachedModule {
    const hex = normalizeCodeHash(codeHash);
    const cached = this.touch(hex);
    if (cached) return cached;
    this.misses++;
    throw new RwasmError('ModuleNotCached', `no module with code hash 0x${hex} is cached; load its bytes first`, { codeHash: hex });
  }

  /** Looks without counting or refreshing. */
  peek(codeHash: CodeHashInput): CachedModule | undefined {
    return this.entries.get(normalizeCodeHash(codeHash));
  }

  has(codeHash: CodeHashInput): boolean {
    return this.entries.has(normalizeCodeHash(codeHash));
  }

  delete(codeHash: CodeHashInput): boolean {
    const hex = normalizeCodeHash(codeHash);
    const entry = this.entries.get(hex);
    if (!entry) return false;
    this.entries.delete(hex);
    this.bytes -= entry.size;
    return true;
  }

  /** Empties the cache and its instantiated runtimes (Fluent's `reset_cached_runtimes`). Counters stay. */
  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, bytes: this.bytes, entries: this.entries.size, maxBytes: this.maxBytes };
  }

  private touch(hex: string): CachedModule | undefined {
    const entry = this.entries.get(hex);
    if (!entry) return undefined;
    this.hits++;
    // Map order is insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(hex);
    this.entries.set(hex, entry);
    return entry;
  }

  private insert(hex: string, module: RwasmModule, prepare: PrepareOptions): CachedModule {
    const entry = new CachedModule(hex, module, (resized, delta) => {
      if (this.entries.get(resized.codeHash) !== resized) return;
      this.bytes += delta;
      this.evictFor(resized);
    });
    entry.program(prepare); // verified and prepared up front: a cached module is ready to run
    if (entry.size > this.maxBytes) return entry; // too big for the budget: served uncached
    this.entries.set(hex, entry);
    this.bytes += entry.size;
    this.evictFor(entry);
    return entry;
  }

  private evictFor(keep: CachedModule): void {
    for (const [hex, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      if (entry === keep) continue;
      this.entries.delete(hex);
      this.bytes -= entry.size;
      this.evictions++;
    }
    if (this.bytes > this.maxBytes && this.entries.get(keep.codeHash) === keep) {
      // Its own growth (a newly prepared variant) no longer fits: drop it as well.
      this.entries.delete(keep.codeHash);
      this.bytes -= keep.size;
      this.evictions++;
    }
  }
}

/** The process-wide cache the runtime uses unless given another. */
export const defaultModuleCache = new ModuleCache();
