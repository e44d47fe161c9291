/** Runs the start-up scenarios in fresh child processes and takes the median of each figure. */
import { spawnSync } from 'node:child_process';
import { STARTUP_SCENARIOS, type StartupFigures } from './startup.js';

export function startupFigures(script: string, flags: readonly string[], processes: number): Partial<StartupFigures> {
  const samples = new Map<keyof StartupFigures, number[]>();
  for (let i = 0; i < processes; i++) {
    for (const scenario of STARTUP_SCENARIOS) {
      const child = spawnSync(process.execPath, [...flags, script, '--startup-child', scenario], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`start-up scenario ${scenario} failed: ${child.stderr}`);
      for (const [key, value] of Object.entries(JSON.parse(child.stdout) as Partial<StartupFigures>)) {
        if (typeof value !== 'number' || Number.isNaN(value)) continue;
        const list = samples.get(key as keyof StartupFigures) ?? [];
        list.push(value);
        samples.set(key as keyof StartupFigures, list);
      }
    }
  }
  const figures: Partial<StartupFigures> = {};
  for (const [key, values] of samples) figures[key] = values.sort((a, b) => a - b)[values.length >> 1]!;
  return figures;
}

export function printStartup(rows: ReadonlyArray<{ mode: string; figures: Partial<StartupFigures> }>): void {
  console.table(
    rows.map(({ mode, figures }) => ({
      mode,
      ...Object.fromEntries(Object.entries(figures).map(([key, ms]) => [key, `${ms.toFixed(2)} ms`])),
    })),
  );
}
