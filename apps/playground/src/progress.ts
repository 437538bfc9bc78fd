/** The progress bar, the stage and an estimate of the time left (from the pace so far). */
import { byId } from './controls.js';

export interface ProgressView {
  readonly stage: (stage: string) => void;
  readonly progress: (done: number, total: number) => void;
  /** The run's end: a finished bar, or for a cancelled run the bar where it stopped, 'cancelled' and no time left. */
  readonly finish: (end: 'done' | 'cancelled' | 'error') => void;
}

function duration(seconds: number): string {
  return seconds < 60 ? `${Math.ceil(seconds)} s` : `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

export function createProgress(): ProgressView {
  const bar = byId<HTMLProgressElement>('progress');
  const eta = byId('eta');
  const stageText = byId('stage');
  let integrationStart: number | undefined;
  bar.removeAttribute('value');
  eta.textContent = '';
  return {
    stage: (stage) => {
      stageText.textContent = stage;
      if (stage === 'integrating') integrationStart = performance.now();
    },
    progress: (done, total) => {
      bar.value = total > 0 ? done / total : 0;
      const elapsed = (performance.now() - (integrationStart ?? performance.now())) / 1000;
      eta.textContent =
        done > 0 && done < total ? `${done} / ${total} points, about ${duration((elapsed / done) * (total - done))} left` : `${done} / ${total} points`;
    },
    finish: (end) => {
      if (end === 'done') bar.value = 1;
      else if (!bar.hasAttribute('value')) bar.value = 0;
      stageText.textContent = end === 'cancelled' ? 'cancelled' : '';
      if (end !== 'done') eta.textContent = '';
    },
  };
}
