/** The page's side of the worker: one run at a time, progress, and Cancel that frees the worker. */
import type { EngineAvailability, FromWorker, RunMessage, RunReport } from './protocol.js';

export type Outcome =
  | { readonly kind: 'done'; readonly report: RunReport; readonly attributions: Float32Array; readonly shape: readonly number[] }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'error'; readonly name: string; readonly message: string };

export interface RunCallbacks {
  readonly stage: (stage: string) => void;
  readonly progress: (done: number, total: number) => void;
}

/** How long a cancelled run may take to answer before its worker is terminated outright. */
const CANCEL_GRACE_MS = 300;

/** The worker's side as the runner uses it (a Worker; a stand-in in the unit tests). */
export type RunWorker = Pick<Worker, 'postMessage' | 'terminate' | 'onmessage' | 'onerror'>;

const startWorker = (): RunWorker => new Worker(new URL('./worker/index.ts', import.meta.url), { type: 'module', name: 'ig-worker' });

export class WorkerRunner {
  constructor(private readonly createWorker: () => RunWorker = startWorker) {}

  private worker: RunWorker | undefined;
  private nextId = 1;
  private current: { id: number; finish: (outcome: Outcome) => void; callbacks: RunCallbacks } | undefined;
  private engines: Promise<EngineAvailability[]> | undefined;

  private ensureWorker(): RunWorker {
    if (this.worker !== undefined) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.current?.finish({ kind: 'error', name: 'WorkerError', message: event.message || 'the worker failed to start' });
    };
    this.worker = worker;
    return worker;
  }

  /** Which engines the browser can run (asked of the worker, which is where they run). */
  probe(): Promise<EngineAvailability[]> {
    this.engines ??= new Promise((resolve) => {
      this.pendingProbe = resolve;
      this.ensureWorker().postMessage({ type: 'probe' });
    });
    return this.engines;
  }

  private pendingProbe: ((engines: EngineAvailability[]) => void) | undefined;

  private receive(message: FromWorker): void {
    if (message.type === 'engines') {
      this.pendingProbe?.([...message.engines]);
      this.pendingProbe = undefined;
      return;
    }
    const current = this.current;
    if (current === undefined || message.id !== current.id) return;
    if (message.type === 'stage') current.callbacks.stage(message.stage);
    else if (message.type === 'progress') current.callbacks.progress(message.done, message.total);
    else if (message.type === 'done') current.finish({ kind: 'done', report: message.report, attributions: message.attributions, shape: message.shape });
    else if (message.type === 'cancelled') current.finish({ kind: 'cancelled' });
    else current.finish({ kind: 'error', name: message.name, message: message.message });
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /**
   * Runs `request` in the worker. Aborting `signal` cancels the run (see cancel): one that has not
   * started yet is not sent, and the outcome is `cancelled` whatever the worker answers after it.
   */
  run(request: RunMessage, callbacks: RunCallbacks, signal?: AbortSignal): Promise<Outcome> {
    if (signal?.aborted === true) return Promise.resolve({ kind: 'cancelled' });
    if (this.current !== undefined) return Promise.resolve({ kind: 'error', name: 'Busy', message: 'a run is in progress; cancel it first' });
    const id = this.nextId++;
    const worker = this.ensureWorker();
    return new Promise<Outcome>((resolve) => {
      const onAbort = (): void => this.cancel();
      this.current = {
        id,
        callbacks,
        finish: (outcome) => {
          if (this.current?.id !== id) return;
          this.current = undefined;
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ ...request, id });
    });
  }

  /**
   * Aborts the run (its AbortSignal), then terminates the worker, which frees everything it held
   * (models, tensors, wasm heaps); the next run starts a fresh one. The run ends `cancelled` when
   * the worker answers, or after CANCEL_GRACE_MS when it does not.
   */
  cancel(): void {
    const current = this.current;
    const worker = this.worker;
    if (current === undefined || worker === undefined) return;
    worker.postMessage({ type: 'cancel', id: current.id });
    const end = current.finish;
    const stop = (): void => {
      clearTimeout(timer);
      worker.terminate();
      if (this.worker === worker) this.worker = undefined;
      end({ kind: 'cancelled' });
    };
    const timer = setTimeout(stop, CANCEL_GRACE_MS);
    current.finish = stop;
  }
}
