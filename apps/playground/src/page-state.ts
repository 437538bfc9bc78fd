/** What the page holds between events: the model list, the dropped picture, the run in progress, and the status shown. */
import { byId } from './controls.js';
import { errorLabel } from './error-label.js';
import { BUNDLED_MODELS, type PlaygroundModel } from './models.js';
import { showError, type Explanation } from './output.js';
import type { EngineAvailability } from './protocol.js';
import { WorkerRunner } from './runner.js';

export type Status = 'loading' | 'idle' | 'running' | 'done' | 'error' | 'cancelled';

export const runner = new WorkerRunner();

export const page: {
  models: readonly PlaygroundModel[];
  engines: readonly EngineAvailability[];
  /** The picture dropped or pasted for the selected image model, decoded once to check it. */
  droppedImage: Blob | undefined;
  last: Explanation | undefined;
  /** The run in progress, from Explain to its end (preparing its input included); Cancel aborts it. */
  run: AbortController | undefined;
  /** The drop being handled (its picture decoding), which a run started meanwhile waits for. */
  dropping: Promise<void> | undefined;
} = { models: [...BUNDLED_MODELS], engines: [], droppedImage: undefined, last: undefined, run: undefined, dropping: undefined };

export function setStatus(status: Status): void {
  document.body.dataset.igStatus = status;
  byId<HTMLButtonElement>('run').disabled = status === 'running';
  byId<HTMLButtonElement>('cancel').disabled = status !== 'running';
}

export function currentModel(): PlaygroundModel {
  const id = byId<HTMLSelectElement>('model').value;
  return page.models.find((m) => m.id === id) ?? (page.models[0] as PlaygroundModel);
}

export function errorText(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return `${errorLabel(e)}: ${e.message}`;
}

export function fail(error: unknown): void {
  showError(errorText(error));
  setStatus('error');
}

/** A note on what a drop did with its files (a picture not used, which of two is), or null to hide it. */
export function showNotice(message: string | null): void {
  const box = byId('notice');
  box.hidden = message === null;
  box.textContent = message ?? '';
}
