/**
 * One worker of `npm run fuzz`: takes ranges of case indices from the main thread and answers one
 * message per case (the hostile input only with a case that broke a rule or differed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TtfGenerator, fuzzInput } from './binaryen-ttf.js';
import { judgeModule } from './differential-campaign.js';
import { MUTATION_CAMPAIGNS } from './mutation-campaigns.js';

export interface CaseReport {
  readonly type: 'case';
  readonly index: number;
  /** 'agree', 'known:<id>', 'no-module' for binaryen; the outcome for a mutation case. */
  readonly outcome: string;
  readonly failure?: string;
  readonly input?: Uint8Array;
}
export type WorkerMessage = CaseReport | { readonly type: 'ready' } | { readonly type: 'chunk-done' };
export type MainMessage = { readonly type: 'chunk'; readonly from: number; readonly to: number } | { readonly type: 'stop' };

const { campaign, seed } = workerData as { campaign: string; seed: number };
const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);

async function caseRunner(): Promise<(index: number) => Promise<CaseReport>> {
  if (campaign === 'binaryen') {
    const generator = await TtfGenerator.create();
    process.on('exit', () => generator.dispose());
    return async (index) => {
      const bytes = await generator.generate(fuzzInput(seed, index));
      if (bytes === undefined) return { type: 'case', index, outcome: 'no-module' };
      const verdict = await judgeModule(bytes, generator);
      if (verdict.kind === 'agree') return { type: 'case', index, outcome: 'agree' };
      if (verdict.kind === 'known') return { type: 'case', index, outcome: `known:${verdict.id}` };
      if (verdict.kind === 'no-module') return { type: 'case', index, outcome: 'no-module' };
      const d = verdict.difference;
      return { type: 'case', index, outcome: 'differ', failure: `${verdict.tier}: line ${d.line}: V8 "${d.v8}", ours "${d.ours}"`, input: bytes };
    };
  }
  const run = MUTATION_CAMPAIGNS[campaign];
  if (!run) throw new Error(`unknown campaign ${campaign}`);
  return async (index) => {
    const result = run(seed, index);
    return { type: 'case', index, outcome: result.outcome, ...(result.failure ? { failure: result.failure, input: result.input } : {}) };
  };
}

const runCase = await caseRunner();
port.on('message', (message: MainMessage) => {
  if (message.type === 'stop') {
    port.close();
    return;
  }
  void (async () => {
    for (let index = message.from; index < message.to; index++) {
      let report: CaseReport;
      try {
        report = await runCase(index);
      } catch (error) {
        report = { type: 'case', index, outcome: 'harness-error', failure: `the harness threw: ${error instanceof Error ? error.stack : String(error)}` };
      }
      post(report);
    }
    post({ type: 'chunk-done' });
  })();
});
post({ type: 'ready' });
