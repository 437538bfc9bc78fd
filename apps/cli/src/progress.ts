import cliProgress from 'cli-progress';

export interface Progress {
  /** Points done and the total of the current library call (see onProgress in @ig/core). */
  update(done: number, total: number): void;
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/**
 * The arithmetic of one bar per run: its total is fixed by the first report (times `calls`, the
 * library calls the run makes, e.g. one per noisy sample), a call whose count starts again adds to
 * what is done, and the total grows only if the work outgrows it.
 */
export class RunProgress {
  private offset = 0;
  private lastDone = 0;
  private lastTotal = 0;
  total = 0;
  value = 0;

  constructor(private readonly calls = 1) {}

  update(done: number, total: number): void {
    if (this.total === 0) this.total = total * this.calls;
    if (done < this.lastDone) this.offset += this.lastTotal;
    this.lastDone = done;
    this.lastTotal = total;
    this.value = this.offset + done;
    this.total = Math.max(this.total, this.offset + total, this.value);
  }
}

/**
 * One progress bar on stderr for the whole run, with a fixed total and a time estimate; only when
 * stderr is a terminal and --quiet is off. With --steps auto the total is the cap (maxSteps per
 * path): a run that converges sooner ends early, at less than 100%, and the bar is cleared.
 */
export function progressBar(label: string, quiet: boolean, calls = 1): Progress {
  if (quiet || !process.stderr.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} points | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const run = new RunProgress(calls);
  let started = false;
  return {
    update(done, total) {
      const before = run.total;
      run.update(done, total);
      if (!started) {
        bar.start(run.total, run.value);
        started = true;
        return;
      }
      if (run.total !== before) bar.setTotal(run.total);
      bar.update(run.value);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
