/** The progress bar, the stage and an estimate of the time left (from the pace so far). */
import { byId } from './controls.js';

export interface ProgressView {
  readonly stage: (stage: string) => void;
  readonly progress: (done: number, total: number) => void;
  readonly finish: () => void;
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
    finish: () => {
      bar.value = 1;
      stageText.textContent = '';
    },
  };
}
