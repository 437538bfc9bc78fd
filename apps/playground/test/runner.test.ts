/** WorkerRunner's Cancel against a stand-in worker: it ends the run as cancelled once, at any stage, and frees the worker. */
import { describe, expect, test } from 'vitest';
import { abortable } from '../src/abortable.js';
import type { FromWorker, ToWorker } from '../src/protocol.js';
import { WorkerRunner, type RunCallbacks, type RunWorker } from '../src/runner.js';

const request = { type: 'run-text', model: { format: 'onnx', key: 'k', name: 'm.onnx', bytes: new ArrayBuffer(0) } } as const;
const callbacks: RunCallbacks = { stage: () => undefined, progress: () => undefined };

/** A worker that answers a cancel with `cancelled` (or not at all, when `answers` is false). */
function standIn(answers: boolean) {
  const sent: ToWorker[] = [];
  let terminated = 0;
  const worker: RunWorker = {
    onmessage: null,
    onerror: null,
    postMessage(message: ToWorker) {
      sent.push(message);
      if (message.type === 'cancel' && answers)
        queueMicrotask(() => worker.onmessage?.call(worker as Worker, { data: { type: 'cancelled', id: message.id } satisfies FromWorker } as MessageEvent));
    },
    terminate() {
      terminated++;
    },
  } as RunWorker;
  return { worker, sent, terminated: () => terminated };
}

const message = request as unknown as Parameters<WorkerRunner['run']>[0];

describe('WorkerRunner', () => {
  test('Cancel of a run whose worker answers ends it cancelled, terminates the worker, and throws nothing', async () => {
    const fake = standIn(true);
    const runner = new WorkerRunner(() => fake.worker);
    const controller = new AbortController();
    const outcome = runner.run(message, callbacks, controller.signal);
    controller.abort();
    await expect(outcome).resolves.toEqual({ kind: 'cancelled' });
    expect(fake.sent.map((m) => m.type)).toEqual(['run-text', 'cancel']);
    expect(fake.terminated()).toBe(1);
    expect(runner.running).toBe(false);
  });

  test('Cancel of a run whose worker does not answer ends it after the grace period', async () => {
    const fake = standIn(false);
    const runner = new WorkerRunner(() => fake.worker);
    const outcome = runner.run(message, callbacks);
    runner.cancel();
    runner.cancel();
    await expect(outcome).resolves.toEqual({ kind: 'cancelled' });
    expect(fake.terminated()).toBeGreaterThanOrEqual(1);
    expect(runner.running).toBe(false);
  });

  test('a run whose signal is aborted before it starts is cancelled without reaching the worker', async () => {
    const fake = standIn(true);
    const runner = new WorkerRunner(() => fake.worker);
    await expect(runner.run(message, callbacks, AbortSignal.abort())).resolves.toEqual({ kind: 'cancelled' });
    expect(fake.sent).toEqual([]);
  });

  test('a result that comes after Cancel is not taken for the run', async () => {
    const fake = standIn(false);
    const runner = new WorkerRunner(() => fake.worker);
    const outcome = runner.run(message, callbacks);
    runner.cancel();
    const done = { type: 'done', id: 1, report: {}, attributions: new Float32Array(1), shape: [1] } as unknown as FromWorker;
    fake.worker.onmessage?.call(fake.worker as Worker, { data: done } as MessageEvent);
    await expect(outcome).resolves.toEqual({ kind: 'cancelled' });
  });
});

describe('abortable', () => {
  test('preparation work that cannot stop is left behind as soon as the run is cancelled', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    const waiting = abortable(never, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await expect(abortable(Promise.resolve(3), new AbortController().signal)).resolves.toBe(3);
  });
});
