/**
 * Decoded, verified and pre-decoded modules by code hash (keccak256 of the binary), so the
 * second run of the same bytes skips all of that. Bounded: least recently used entries go
 * first once the estimated bytes exceed the budget. Fluent keeps one such cache per process;
 * `defaultModuleCache` is ours.
 */
import { RwasmError } from '../errors.js';
import { codeHash as keccakCodeHash } from '../format/code-hash.js';
import { RwasmModule } from '../format/module.js';
import { prepareProgram, type PrepareOptions, type Program } from '../interpreter/program.js';

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
  private readonly moduleBytes: number;

  constructor(
    readonly codeHash: string,
    readonly module: RwasmModule,
    /** Called when what the entry holds grows (a new variant, or more of one prepared). */
    private readonly onGrow: (entry: CachedModule) => void = () => {},
  ) {
    this.moduleBytes = moduleSize(module);
  }

  /** Estimated bytes this entry holds: the module and what has been prepared of it so far. */
  get size(): number {
    let bytes = this.moduleBytes;
    for (const program of this.programs) bytes += program.bytes;
    return bytes;
  }

  /** The module prepared for the engines (memoised per options; preparation itself is lazy). */
  program(options: PrepareOptions = {}): Program {
    const program = prepareProgram(this.module, options);
    if (!this.programs.has(program)) {
      this.programs.add(program);
      program.onGrow(() => this.onGrow(this));
      this.onGrow(this);
    }
    return program;
  }
}

function moduleSize(module: RwasmModule): number {
  const length = module.code.length;
  return length * 6 + module.data.length + module.elem.length * 4 + module.hint.length;
}

export interface LoadOptions {
  /**
   * Hash the bytes and refuse them (`CodeHashMismatch`) when they do not hash to the code hash
   * given with them. Off by default: like Fluent, which takes a code hash and its bytecode
   * together from the chain's state, the cache trusts a hash that comes with its bytes. Turn it
   * on when the two come from different places.
   */
  verifyCodeHash?: boolean;
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

  constructor(options: { maxBytes?: number } = {}) {
    const maxBytes = options.maxBytes ?? ModuleCache.DEFAULT_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RwasmError('InvalidArgument', `maxBytes ${maxBytes} is not a byte count`);
    this.maxBytes = maxBytes;
  }

  /**
   * The module with these bytes. With `expectedHash`, a cached module is returned without
   * looking at the bytes, and a miss caches the bytes under that hash (hashing them first only
   * with `verifyCodeHash`); without it the bytes are hashed (keccak256 of all of them). A miss
   * decodes (exactly) and verifies the module; the engines prepare it as it runs.
   */
  load(bytes: Uint8Array, expectedHash?: CodeHashInput, options: LoadOptions = {}): CachedModule {
    const expected = expectedHash === undefined ? undefined : normalizeCodeHash(expectedHash);
    if (expected !== undefined) {
      const cached = this.touch(expected);
      if (cached) return cached;
    }
    let actual = expected;
    if (expected === undefined || options.verifyCodeHash) {
      actual = normalizeCodeHash(keccakCodeHash(bytes));
      if (expected !== undefined && actual !== expected) {
        throw new RwasmError('CodeHashMismatch', `the bytes hash to 0x${actual}, not to the code hash they came with (0x${expected})`, { expected, actual });
      }
      if (expected === undefined) {
        const cached = this.touch(actual);
        if (cached) return cached;
      }
    }
    this.misses++;
    // Verified once, when insert makes its program (prepareProgram verifies a module first).
    const module = RwasmModule.decode(bytes, { verify: false });
    return this.insert(actual!, module);
  }

  /**
   * Adds an already decoded module (Fluent's `warmup`). Without `expectedHash` (or with
   * `verifyCodeHash`) its hash is computed from its encoding, and a differing `expectedHash`
   * is refused with `CodeHashMismatch`.
   */
  add(module: RwasmModule, expectedHash?: CodeHashInput, options: LoadOptions = {}): CachedModule {
    // Hashing means encoding and hashing the whole module (tens of ms for a large runtime), so a
    // module object's hash is remembered: modules are treated as immutable once handed over.
    let hash = moduleHashes.get(module);
    const expected = expectedHash === undefined ? undefined : normalizeCodeHash(expectedHash);
    if (hash === undefined && (expected === undefined || options.verifyCodeHash)) moduleHashes.set(module, (hash = normalizeCodeHash(module.codeHash())));
    if (hash !== undefined && expected !== undefined && expected !== hash) {
      throw new RwasmError('CodeHashMismatch', `the module hashes to 0x${hash}, not to 0x${expected}`);
    }
    const actual = hash ?? expected!;
    const cached = this.touch(actual);
    if (cached) return cached;
    this.misses++;
    return this.insert(actual, module);
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
    return this.entries.delete(normalizeCodeHash(codeHash));
  }

  /** Empties the cache and its instantiated runtimes. Counters stay. */
  clear(): void {
    this.entries.clear();
  }

  /**
   * Drops every instantiated runtime but keeps the modules and what has been prepared of them,
   * as Fluent's node does before each block (`SystemRuntime::reset_cached_runtimes`, fluentbase
   * crates/node/src/evm.rs): the next frame starts on fresh memory. Frames already running keep
   * the instance they have.
   */
  resetInstances(): void {
    for (const entry of this.entries.values()) entry.instances.clear();
  }

  get stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, bytes: this.totalBytes(), entries: this.entries.size, maxBytes: this.maxBytes };
  }

  /** Estimated bytes of every entry (prepared code grows as modules run, so it is counted afresh). */
  private totalBytes(): number {
    let bytes = 0;
    for (const entry of this.entries.values()) bytes += entry.size;
    return bytes;
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

  private insert(hex: string, module: RwasmModule): CachedModule {
    const entry = new CachedModule(hex, module, (grown) => {
      if (this.entries.get(grown.codeHash) === grown) this.evictFor(grown);
    });
    entry.program(); // verifies the module: a cached module is ready to run
    if (entry.size > this.maxBytes) return entry; // too big for the budget: served uncached
    this.entries.set(hex, entry);
    this.evictFor(entry);
    return entry;
  }

  /** Least recently used entries go until the rest fits (checked whenever an entry is added or grows). */
  private evictFor(keep: CachedModule): void {
    let bytes = this.totalBytes();
    for (const [hex, entry] of this.entries) {
      if (bytes <= this.maxBytes) break;
      if (entry === keep) continue;
      this.entries.delete(hex);
      bytes -= entry.size;
      this.evictions++;
    }
    if (bytes > this.maxBytes && this.entries.get(keep.codeHash) === keep) {
      // Its own growth no longer fits: it goes too (its users keep what they hold).
      this.entries.delete(keep.codeHash);
      this.evictions++;
    }
  }
}

/** The process-wide cache the runtime uses unless given another. */
export const defaultModuleCache = new ModuleCache();
