/** Explain: one run from the button (or autorun) to its end, done, cancelled at any stage, or failed. */
import { abortable } from './abortable.js';
import { readRunOptions } from './controls.js';
import { runImage, type PageRun } from './image-run.js';
import { publishReport, showError } from './output.js';
import { currentModel, fail, page, runner, setStatus } from './page-state.js';
import { createProgress } from './progress.js';
import { clearTextView, showTextExplanation } from './text-output.js';
import { textRunMessage } from './text-page.js';
import type { TextModel } from './models.js';
import type { ProgressView } from './progress.js';

declare global {
  interface Window {
    /** The last result's numbers, for tests and pages that embed the playground. */
    /** For a text model: one attribution per token, and `input` empty (the tokens are in the report). */
    igResult?: { readonly attributions: number[]; readonly input: number[]; readonly shape: readonly number[] };
  }
}

async function runText(model: TextModel, signal: AbortSignal, progress: ProgressView): Promise<PageRun> {
  const options = readRunOptions();
  clearTextView();
  progress.stage('preparing the input');
  const outcome = await runner.run(await abortable(textRunMessage(model, options), signal), progress, signal);
  return {
    outcome,
    show: (done) => {
      showTextExplanation(done.report, model.labels);
      window.igResult = { attributions: Array.from(done.attributions), input: [], shape: done.shape };
    },
  };
}

export async function explain(): Promise<void> {
  if (page.run !== undefined) return;
  const run = new AbortController();
  page.run = run;
  setStatus('running');
  showError(null);
  publishReport(null);
  const progress = createProgress();
  // A drop made before Explain, its picture still decoding, is part of this run.
  if (page.dropping !== undefined) await page.dropping;
  const model = currentModel();
  try {
    const { outcome, show } =
      model.kind === 'text' ? await runText(model, run.signal, progress) : await runImage(model, readRunOptions(), run.signal, progress);
    progress.finish(outcome.kind);
    if (outcome.kind === 'cancelled') return setStatus('cancelled');
    if (outcome.kind === 'error') throw Object.assign(new Error(outcome.message), { name: outcome.name });
    show(outcome);
    publishReport(outcome.report);
    setStatus('done');
  } catch (error) {
    if (run.signal.aborted) {
      progress.finish('cancelled');
      setStatus('cancelled');
    } else {
      progress.finish('error');
      fail(error);
    }
  } finally {
    page.run = undefined;
  }
}

/** Cancel: ends the run at whatever stage it is (preparing its input, loading the model, integrating). */
export function cancel(): void {
  page.run?.abort();
}
