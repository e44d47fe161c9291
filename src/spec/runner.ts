/**
 * Runs WebAssembly spec-test scripts against our compiler and interpreter: each module is
 * compiled to rWasm (FPU on, configured like the reference's e2e harness), instantiated in a
 * Machine, and every assertion is checked as the spec says. Text modules are turned into
 * binaries by a caller-supplied `wat2wasm` (a text-format parser); nothing else comes from outside.
 */
import { RwasmError } from '../errors.js';
import { compileWasm } from '../compiler/compile.js';
import { validateWasm } from '../compiler/validate.js';
import { ExternalKind, parseModule, type WasmModule } from '../compiler/wasm/module.js';
import { F32, F64, FUNCREF, I32, I64, type FuncType, type ValueType } from '../compiler/wasm/types.js';
import { ImportLinker, type ImportEntry, type ValType } from '../format/import-linker.js';
import { ins } from '../format/instructions.js';
import { TrapCode, trapMessage } from '../format/trap-codes.js';
import { Machine, type RunOutcome } from '../interpreter/machine.js';
import type { HostFunction } from '../interpreter/host.js';
import { CaseKeys } from './case-key.js';
import { compareResults, wordsOfValue } from './results.js';
import { skipReason } from './skips.js';
import { parseWastEntries, WastSyntaxError, type WastAction, type WastCommand, type WastEntry, type WastModule } from './wast/index.js';

/** Text → binary; throws when the text is not a module it can encode. */
export type Wat2Wasm = (text: string) => Uint8Array;

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  readonly line: number;
  readonly kind: string;
  readonly status: CaseStatus;
  readonly detail?: string;
}

export interface FileResult {
  readonly file: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly cases: readonly CaseResult[];
}

// The spectest host module and the router's state syscall, at the e2e harness's indices.
const GET_STATE = 107;
const SPECTEST_FUNCS: ReadonlyArray<readonly [string, number, ValType[]]> = [
  ['print', 100, []],
  ['print_i32', 101, ['i32']],
  ['print_i64', 102, ['i64']],
  ['print_f32', 103, ['f32']],
  ['print_f64', 104, ['f64']],
  ['print_i32_f32', 105, ['i32', 'f32']],
  ['print_f64_f64', 106, ['f64', 'f64']],
];
const F32_6666 = 0x4426a666; // 666.6f32
const F64_6666 = 0x4084d4cccccccccdn; // 666.6
const SPECTEST_GLOBALS: Record<string, { type: ValueType; bits: bigint }> = {
  global_i32: { type: I32, bits: 666n },
  global_i64: { type: I64, bits: 666n },
  global_f32: { type: F32, bits: BigInt(F32_6666) },
  global_f64: { type: F64, bits: F64_6666 },
};
/** What every imported global is compiled with; the runner then stores the real value. */
const IMPORTED_GLOBAL_DEFAULT = 666;
const FIRST_LINKED_SYSCALL = 1000;

function linkerType(t: ValueType): ValType {
  switch (t) {
    case I32: return 'i32';
    case I64: return 'i64';
    case F32: return 'f32';
    case F64: return 'f64';
    case FUNCREF: return 'funcref';
    default: return 'externref';
  }
}

function wordsOf(t: ValueType): number {
  return t === I64 || t === F64 ? 2 : 1;
}

class Instance {
  readonly exports = new Map<string, { kind: ExternalKind; index: number }>();

  constructor(
    readonly wasm: WasmModule,
    readonly machine: Machine,
    readonly state: { value: number },
  ) {
    for (const e of wasm.exports) this.exports.set(e.name, { kind: e.kind, index: e.index });
  }

  funcType(name: string): { index: number; type: FuncType } | undefined {
    const e = this.exports.get(name);
    if (!e || e.kind !== ExternalKind.Func) return undefined;
    return { index: e.index, type: this.wasm.types[this.wasm.functions[e.index]!]! };
  }

  /** Calls an exported function through the state router; params/results as words. */
  call(index: number, type: FuncType, params: number[]): RunOutcome {
    this.state.value = 10_000 + index;
    let resultWords = 0;
    for (const t of type.results) resultWords += wordsOf(t);
    return this.machine.run({ params, resultWords });
  }

  globalBits(index: number): bigint {
    const type = this.wasm.globals[index]!.type;
    if (wordsOf(type) === 2) {
      return (BigInt(this.machine.global(2 * index)) << 32n) | BigInt(this.machine.global(2 * index + 1));
    }
    return BigInt(this.machine.global(2 * index));
  }
}

class LinkError extends Error {}
class InstantiationTrap extends Error {
  constructor(readonly trap: TrapCode) {
    super(trapMessage(trap));
  }
}

/** What a module (an instance) command leaves behind for the commands after it. */
function instanceName(command: WastCommand): string | undefined {
  return command.kind === 'module' ? command.module.id : command.kind === 'module_instance' ? command.instance : undefined;
}

class ScriptRunner {
  private readonly named = new Map<string, Instance>();
  private readonly registered = new Map<string, Instance>();
  private readonly definitions = new Map<string, WastModule>();
  private lastDefinition: WastModule | undefined;
  private last: Instance | undefined;
  private nextSyscall = FIRST_LINKED_SYSCALL;
  private readonly results: CaseResult[] = [];
  private lastSkipped: string | undefined;
  private readonly skippedNames = new Map<string, string>();
  private lastDefinitionSkipped: string | undefined;
  private readonly skippedDefinitions = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly wat2wasm: Wat2Wasm,
  ) {}

  run(source: string, entries: readonly WastEntry[]): FileResult {
    const keys = new CaseKeys();
    for (const entry of entries) {
      const key = keys.next(source, entry.start, entry.end);
      if (entry.kind === 'unparsed') {
        this.results.push({ line: entry.line, kind: 'unparsed', status: 'failed', detail: `not a command the runner reads: ${entry.error.reason}` });
        // A module that could not be read leaves no module to act on, rather than the one before it.
        if (/^\(\s*module\b/.test(source.slice(entry.start, entry.end))) {
          this.last = undefined;
          this.lastSkipped = undefined;
        }
        continue;
      }
      this.runCommand(entry.command, key);
    }
    const count = (status: CaseStatus) => this.results.filter((r) => r.status === status).length;
    return { file: this.file, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), cases: this.results };
  }

  private runCommand(command: WastCommand, key: string): void {
    const skip = skipReason(this.file, key, command, () => this.importsTableOrMemory(command)) ?? this.dependsOnSkipped(command);
    if (skip !== undefined) {
      this.record(command, 'skipped', skip);
      this.rememberSkipped(command);
      return;
    }
    // Until it succeeds, a module command replaces the module before it: the commands after a
    // module that fails have none to act on, rather than acting on an earlier one.
    if (command.kind === 'module' || command.kind === 'module_instance') {
      this.last = undefined;
      this.lastSkipped = undefined;
      const name = instanceName(command);
      if (name) {
        this.named.delete(name);
        this.skippedNames.delete(name);
      }
    } else if (command.kind === 'module_definition') {
      this.lastDefinition = undefined;
      this.lastDefinitionSkipped = undefined;
      if (command.module.id) {
        this.definitions.delete(command.module.id);
        this.skippedDefinitions.delete(command.module.id);
      }
    }
    try {
      const failure = this.execute(command);
      this.record(command, failure === undefined ? 'passed' : 'failed', failure);
    } catch (error) {
      this.record(command, 'failed', `unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
  }

  /** Later commands that act on a skipped module (or instantiate a skipped definition) are skipped too, naming it. */
  private rememberSkipped(command: WastCommand): void {
    const why = `acts on the module at line ${command.line}, which is skipped`;
    if (command.kind === 'module' || command.kind === 'module_instance') {
      this.last = undefined;
      this.lastSkipped = why;
      const name = instanceName(command);
      if (name) this.skippedNames.set(name, why);
    } else if (command.kind === 'module_definition') {
      this.lastDefinition = undefined;
      this.lastDefinitionSkipped = why;
      if (command.module.id) this.skippedDefinitions.set(command.module.id, why);
    }
  }

  /** Whether the module a command instantiates imports a table or a memory; a module that does not read is left to fail when run. */
  private importsTableOrMemory(command: WastCommand): boolean {
    const module =
      command.kind === 'module_instance' ? (command.definition === undefined ? this.lastDefinition : this.definitions.get(command.definition))
      : 'module' in command ? command.module
      : undefined;
    if (module === undefined || typeof module === 'string') return false; // a register names its module
    try {
      return parseModule(this.binaryOf(module)).imports.some((imp) => imp.kind === ExternalKind.Table || imp.kind === ExternalKind.Memory);
    } catch {
      return false;
    }
  }

  /** Why a command is skipped because the module it needs was skipped. */
  private dependsOnSkipped(command: WastCommand): string | undefined {
    if (command.kind === 'module_instance') {
      return command.definition === undefined ? this.lastDefinitionSkipped : this.skippedDefinitions.get(command.definition);
    }
    const target =
      command.kind === 'register' ? { module: command.module }
      : 'action' in command ? { module: command.action.module }
      : undefined;
    if (!target) return undefined;
    return target.module === undefined ? this.lastSkipped : this.skippedNames.get(target.module);
  }

  private record(command: WastCommand, status: CaseStatus, detail?: string): void {
    this.results.push(detail === undefined ? { line: command.line, kind: command.kind, status } : { line: command.line, kind: command.kind, status, detail });
  }

  /** Returns undefined when the command holds, else what went wrong. */
  private execute(command: WastCommand): string | undefined {
    switch (command.kind) {
      case 'module': {
        const instance = this.instantiate(command.module);
        this.last = instance;
        if (command.module.id) this.named.set(command.module.id, instance);
        return undefined;
      }
      case 'module_definition': {
        // Defined, not instantiated: it has to be a valid module; its imports are resolved per instance.
        validateWasm(this.binaryOf(command.module));
        this.lastDefinition = command.module;
        if (command.module.id) this.definitions.set(command.module.id, command.module);
        return undefined;
      }
      case 'module_instance': {
        const definition = command.definition === undefined ? this.lastDefinition : this.definitions.get(command.definition);
        if (!definition) return `no module definition ${command.definition ?? '(last)'} to instantiate`;
        const instance = this.instantiate(definition);
        this.last = instance;
        if (command.instance) this.named.set(command.instance, instance);
        return undefined;
      }
      case 'register': {
        const instance = command.module ? this.named.get(command.module) : this.last;
        if (!instance) return `register: no module ${command.module ?? '(last)'}`;
        this.registered.set(command.as, instance);
        return undefined;
      }
      case 'action': {
        const result = this.perform(command.action);
        return typeof result === 'string' ? result : undefined;
      }
      case 'assert_return': {
        const result = this.perform(command.action);
        if (typeof result === 'string') return result;
        if (result.status !== 'values') return `expected values, got trap: ${result.message}`;
        return compareResults(result.values, command.expected);
      }
      case 'assert_exception': {
        // rWasm has no exception handling: a module that throws does not compile, so this
        // holds only if the action could somehow end in an exception, which it cannot.
        const result = this.perform(command.action);
        if (typeof result === 'string') return result;
        return result.status === 'trap' ? `expected an exception, got trap "${result.message}"` : `expected an exception, got ${JSON.stringify(result.values.map(String))}`;
      }
      case 'assert_malformed_custom':
      case 'assert_invalid_custom': {
        // Custom-section annotations are checked by the text parser or not at all: rWasm, like
        // Wasm engines, ignores custom sections.
        try {
          this.binaryOf(command.module);
        } catch {
          return undefined;
        }
        return `the text parser accepted the module ("${command.message}" expected), and custom sections are not checked when compiling`;
      }
      case 'assert_trap':
      case 'assert_exhaustion': {
        const result = this.perform(command.action);
        if (typeof result === 'string') return result;
        if (result.status !== 'trap') return `expected a trap "${command.message}", got ${JSON.stringify(result.values.map(String))}`;
        return result.message.includes(command.message) ? undefined : `expected trap "${command.message}", got "${result.message}"`;
      }
      case 'assert_trap_module':
      case 'assert_uninstantiable': {
        try {
          this.instantiate(command.module);
        } catch (error) {
          if (error instanceof InstantiationTrap) {
            return error.message.includes(command.message) ? undefined : `expected trap "${command.message}", got "${error.message}"`;
          }
          return `expected an instantiation trap, got ${describe(error)}`;
        }
        return `expected the module to trap at instantiation ("${command.message}")`;
      }
      case 'assert_invalid':
      case 'assert_malformed': {
        let bytes: Uint8Array;
        try {
          bytes = this.binaryOf(command.module);
        } catch {
          // The text parser rejected it: for malformed text that is the expected outcome; an
          // invalid module that cannot even be encoded is likewise rejected before running.
          return undefined;
        }
        try {
          validateWasm(bytes);
        } catch (error) {
          if (error instanceof RwasmError && error.code === 'MalformedWasmBinary') return undefined;
          return `rejected, but not by validation: ${describe(error)}`;
        }
        return `the module was accepted ("${command.message}" expected)`;
      }
      case 'assert_unlinkable': {
        try {
          this.instantiate(command.module);
        } catch (error) {
          if (error instanceof LinkError || error instanceof RwasmError) return undefined;
          return `expected a link error, got ${describe(error)}`;
        }
        return `the module linked ("${command.message}" expected)`;
      }
    }
  }

  private binaryOf(module: WastModule): Uint8Array {
    if (module.kind === 'quote' && module.invalidUtf8) throw new RwasmError('MalformedWastScript', 'malformed UTF-8 encoding in the quoted module text');
    return module.kind === 'binary' ? module.bytes : this.wat2wasm(module.text);
  }

  private instance(name: string | undefined): Instance | undefined {
    return name === undefined ? this.last : this.named.get(name);
  }

  private linkOptions() {
    return { defaultImportedGlobalValue: IMPORTED_GLOBAL_DEFAULT, allowFuncRefFunctionTypes: true, allowStartSection: true };
  }

  /** Resolves imports, compiles, instantiates; throws LinkError, RwasmError or InstantiationTrap. */
  private instantiate(source: WastModule): Instance {
    const bytes = this.binaryOf(source);
    const wasm = parseModule(bytes);
    const linker = new ImportLinker();
    const hostFunctions: HostFunction[] = [];
    const state = { value: 0 };
    hostFunctions.push({ index: GET_STATE, params: [], results: ['i32'], handler: (call) => void (call.results[0] = state.value) });
    linker.define({ module: '__rwasm', name: 'get_state', index: GET_STATE, params: [], results: ['i32'] });
    const globalOverrides: Array<[number, bigint]> = [];
    let globalIndex = 0;
    for (const imp of wasm.imports) {
      if (imp.kind === ExternalKind.Global) {
        const bits = this.importedGlobal(imp.module, imp.name, imp.global.type, imp.global.mutable);
        globalOverrides.push([globalIndex++, bits]);
        continue;
      }
      if (imp.kind !== ExternalKind.Func) {
        this.checkImportExists(imp.module, imp.name, imp.kind);
        continue; // the compiler rejects imported tables and memories (NotSupportedImportType)
      }
      if (linker.resolve(imp.module, imp.name)) continue;
      const entry = this.importedFunction(imp.module, imp.name);
      linker.define(entry.entry);
      if (entry.host) hostFunctions.push(entry.host);
    }
    const states = wasm.exports
      .filter((e) => e.kind === ExternalKind.Func)
      .map((e) => [e.name, 10_000 + e.index] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    // Imported globals compile to constants of one configured value: use the first one's bits
    // (an f32/f64 default is taken as its bit pattern), and store the others after instantiation.
    const defaultGlobal = globalOverrides.length > 0 ? BigInt.asIntN(64, globalOverrides[0]![1]) : BigInt(IMPORTED_GLOBAL_DEFAULT);
    const { module } = compileWasm(bytes, {
      importLinker: linker,
      allowMalformedEntrypointFuncType: true,
      builtinsConsumeFuel: true,
      consumeFuel: true,
      consumeFuelForParamsAndLocals: false,
      consumeFuelForBulkOps: false,
      stateRouter: { states, opcode: ins.Call(GET_STATE) },
      fpu: true,
      ...this.linkOptions(),
      defaultImportedGlobalValue: defaultGlobal,
    });
    const machine = new Machine(module, { fpu: true, hostFunctions });
    const outcome = machine.instantiate();
    if (outcome.status === 'trapped') throw new InstantiationTrap(outcome.trap);
    if (outcome.status !== 'returned') throw new Error(`instantiation ended ${outcome.status}`);
    for (const [index, bits] of globalOverrides) {
      const type = wasm.globals[index]!.type;
      if (wordsOf(type) === 2) {
        machine.setGlobal(2 * index, Number(bits >> 32n));
        machine.setGlobal(2 * index + 1, Number(bits & 0xffffffffn));
      } else if (machine.program.slotOfGlobal.has(2 * index)) {
        machine.setGlobal(2 * index, Number(bits & 0xffffffffn));
      }
    }
    return new Instance(wasm, machine, state);
  }

  private checkImportExists(module: string, name: string, kind: ExternalKind): void {
    if (module === 'spectest') {
      const ok = (name === 'table' && kind === ExternalKind.Table) || (name === 'memory' && kind === ExternalKind.Memory);
      if (!ok) throw new LinkError(`unknown import ${module}.${name}`);
      return;
    }
    const exporter = this.registered.get(module);
    const e = exporter?.exports.get(name);
    if (!e || e.kind !== kind) throw new LinkError(`unknown import ${module}.${name}`);
  }

  private importedGlobal(module: string, name: string, type: ValueType, mutable: boolean): bigint {
    if (module === 'spectest') {
      const g = SPECTEST_GLOBALS[name];
      if (!g || g.type !== type || mutable) throw new LinkError(`incompatible import type ${module}.${name}`);
      return g.bits;
    }
    const exporter = this.registered.get(module);
    const e = exporter?.exports.get(name);
    if (!exporter || !e || e.kind !== ExternalKind.Global) throw new LinkError(`unknown import ${module}.${name}`);
    const exported = exporter.wasm.globals[e.index]!;
    if (exported.type !== type || exported.mutable !== mutable) throw new LinkError(`incompatible import type ${module}.${name}`);
    return exporter.globalBits(e.index);
  }

  /** A linker entry for an imported function: spectest's, or another module's export. */
  private importedFunction(module: string, name: string): { entry: ImportEntry; host?: HostFunction } {
    if (module === 'spectest') {
      const f = SPECTEST_FUNCS.find(([n]) => n === name);
      if (!f) throw new LinkError(`unknown import ${module}.${name}`);
      const [, index, params] = f;
      return {
        entry: { module, name, index, params, results: [] },
        host: { index, params, results: [], handler: () => undefined },
      };
    }
    const exporter = this.registered.get(module);
    const fn = exporter?.funcType(name);
    if (!exporter || !fn) throw new LinkError(`unknown import ${module}.${name}`);
    const index = this.nextSyscall++;
    const params = fn.type.params.map(linkerType);
    const results = fn.type.results.map(linkerType);
    return {
      entry: { module, name, index, params, results },
      host: {
        index,
        params,
        results,
        handler: (call) => {
          const outcome = exporter.call(fn.index, fn.type, Array.from(call.params));
          if (outcome.status === 'trapped') return outcome.trap;
          if (outcome.status !== 'returned') return TrapCode.UnreachableCodeReached;
          call.results.set(outcome.results);
        },
      },
    };
  }

  private perform(action: WastAction): { status: 'values'; values: bigint[] } | { status: 'trap'; message: string } | string {
    const instance = this.instance(action.module);
    if (!instance) return `no module ${action.module ?? '(last)'} to act on`;
    if (action.kind === 'get') {
      const e = instance.exports.get(action.name);
      if (!e || e.kind !== ExternalKind.Global) return `no exported global ${action.name}`;
      return { status: 'values', values: [instance.globalBits(e.index)] };
    }
    const fn = instance.funcType(action.name);
    if (!fn) return `no exported function ${action.name}`;
    const params: number[] = [];
    for (const arg of action.args) params.push(...wordsOfValue(arg));
    const outcome = instance.call(fn.index, fn.type, params);
    if (outcome.status === 'trapped') return { status: 'trap', message: trapMessage(outcome.trap) };
    if (outcome.status !== 'returned') return `the call ended ${outcome.status}`;
    const values: bigint[] = [];
    let at = 0;
    for (const t of fn.type.results) {
      if (wordsOf(t) === 2) {
        values.push((BigInt(outcome.results[at + 1]!) << 32n) | BigInt(outcome.results[at]!));
        at += 2;
      } else {
        values.push(BigInt(outcome.results[at++]!));
      }
    }
    return { status: 'values', values };
  }
}

function describe(error: unknown): string {
  if (error instanceof RwasmError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The result of a file that could not be split into commands at all (a bad token, unbalanced parentheses). */
export function unreadableFile(file: string, error: WastSyntaxError): FileResult {
  return { file, passed: 0, failed: 1, skipped: 0, cases: [{ line: error.line, kind: 'script', status: 'failed', detail: `the script does not parse: ${error.reason}` }] };
}

/**
 * Runs a script already split into entries (`parseWastEntries`); `file` is its name (the
 * f32/f64 skip rule reads its base name). A form that did not parse fails on its own.
 */
export function runWastEntries(file: string, source: string, entries: readonly WastEntry[], wat2wasm: Wat2Wasm): FileResult {
  return new ScriptRunner(file, wat2wasm).run(source, entries);
}

/** Runs one `.wast` script with a synchronous text parser; a script that does not parse is one failed case. */
export function runWast(file: string, source: string, wat2wasm: Wat2Wasm): FileResult {
  let entries: WastEntry[];
  try {
    entries = parseWastEntries(source);
  } catch (error) {
    if (error instanceof WastSyntaxError) return unreadableFile(file, error);
    throw error;
  }
  return runWastEntries(file, source, entries, wat2wasm);
}
