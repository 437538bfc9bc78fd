/** The worker's entry: every model load and computation happens here, off the page's thread. */
import { AbortedError } from '@ig/core';
import type { FromWorker, ToWorker } from '../protocol.js';
import { probeEngines } from './probe.js';
import { explain, releaseLoaded } from './run.js';
import { errorLabel } from '../error-label.js';

const post = (message: FromWorker, transfer: Transferable[] = []): void => self.postMessage(message, { transfer });
const runs = new Map<number, AbortController>();

async function run(request: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const controller = new AbortController();
  runs.set(request.id, controller);
  try {
    const { report, attributions } = await explain(request, {
      signal: controller.signal,
      stage: (stage) => post({ type: 'stage', id: request.id, stage }),
      progress: (done, total) => post({ type: 'progress', id: request.id, done, total }),
    });
    post({ type: 'done', id: request.id, report, attributions, shape: request.input.shape }, [attributions.buffer]);
  } catch (error) {
    if (controller.signal.aborted || error instanceof AbortedError) {
      // The backend call in flight was abandoned, not finished: drop the backend and its memory.
      releaseLoaded();
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
