/**
 * A machine's suspended execution and store, copied onto another machine (e.g. of another tier,
 * over a fresh decode of the module): how tests continue a stopped run somewhere else.
 */
import { Machine, RwasmModule, Table } from '../../src/index.js';

/** `from`'s suspended execution on the machine `make` builds over a fresh decode of its module. */
export function transplant(from: Machine, make: (module: RwasmModule) => Machine): Machine {
  const to = make(RwasmModule.decode(from.program.module.encode()));
  to.store.memory.restore(from.memoryPages, from.memory.slice());
  to.store.globals.set(from.store.globals);
  from.store.tables.forEach((table, i) => {
    if (!table) return;
    const copy = new Table();
    copy.grow(table.size, 0);
    copy.elements.set(table.elements.subarray(0, table.size));
    to.store.tables[i] = copy;
  });
  const { consumed, limit } = from.store.fuel.state();
  to.store.fuel.restore(consumed, limit);
  to.restoreExecution(from.captureExecution());
  return to;
}
