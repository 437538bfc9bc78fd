/** The worker's entry: every model load and computation happens here, off the page's thread. */
import { AbortedError } from '@ig/core';
import type { FromWorker, ToWorker } from '../protocol.js';
import { probeEngines } from './probe.js';
import { explain, releaseLoaded } from './run.js';
import { explainText, releaseTextModel } from './text-run.js';
import { errorLabel } from '../error-label.js';

const post = (message: FromWorker, transfer: Transferable[] = []): void => self.postMessage(message, { transfer });
const runs = new Map<number, AbortController>();

async function run(request: Extract<ToWorker, { type: 'run' | 'run-text' }>): Promise<void> {
  const controller = new AbortController();
  runs.set(request.id, controller);
  const hooks = {
    signal: controller.signal,
    stage: (stage: string) => post({ type: 'stage', id: request.id, stage }),
    progress: (done: number, total: number) => post({ type: 'progress', id: request.id, done, total }),
  };
  try {
    // One model in memory at a time: an image model's backend or a text model's sessions.
    if (request.type === 'run-text') releaseLoaded();
    else releaseTextModel();
    const { report, attributions, shape } = request.type === 'run-text' ? await explainText(request, hooks) : await explain(request, hooks);
    post({ type: 'done', id: request.id, report, attributions, shape }, [attributions.buffer]);
  } catch (error) {
    if (controller.signal.aborted || error instanceof AbortedError) {
      // The backend call in flight was abandoned, not finished: drop the backend and its memory.
      releaseLoaded();
      releaseTextModel();
      post({ type: 'cancelled', id: request.id });
    } else {
      const e = error instanceof Error ? error : new Error(String(error));
      post({ type: 'error', id: request.id, name: errorLabel(e), message: e.message });
    }
  } finally {
    runs.delete(request.id);
  }
}

self.onmessage = (event: MessageEvent<ToWorker>): void => {
  const message = event.data;
  if (message.type === 'probe') void probeEngines().then((engines) => post({ type: 'engines', engines }));
  else if (message.type === 'cancel') runs.get(message.id)?.abort();
  else void run(message);
};
