import { type AbortSignalLike, throwIfAborted } from './abort.js';
import { AbortedError } from './errors.js';

/** How long the core may run without letting timers and I/O (an abort, a progress bar) run. */
const YIELD_INTERVAL_MS = 8;

/** The scheduling functions of Node and browsers that the core uses when present (it declares no DOM or Node types). */
interface Scheduling {
  readonly performance?: { now(): number };
  readonly setImmediate?: (callback: () => void) => unknown;
  readonly MessageChannel?: new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(message: null): void } };
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
}
const host = globalThis as Scheduling;
const now = (): number => host.performance?.now() ?? Date.now();
let lastYield = now();

function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (host.setImmediate !== undefined) host.setImmediate(resolve);
    else if (host.MessageChannel !== undefined) {
      const channel = new host.MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    } else if (host.setTimeout !== undefined) host.setTimeout(resolve, 0);
    else resolve();
  });
}

/**
 * Lets the event loop turn (a macrotask, not a microtask) when the core has held it for a few
 * milliseconds, then checks the signal. A backend whose promises are already resolved (a
 * synchronous functionBackend) would otherwise keep the loop busy until the run ends, and an
 * AbortSignal fired by a timer could never fire.
 */
export async function yieldToEventLoop(signal: AbortSignalLike | undefined): Promise<void> {
  if (now() - lastYield >= YIELD_INTERVAL_MS) {
    await macrotask();
    lastYield = now();
  }
  throwIfAborted(signal);
}

interface EventSignal extends AbortSignalLike {
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

const hasEvents = (signal: AbortSignalLike | undefined): signal is EventSignal =>
  typeof (signal as Partial<EventSignal> | undefined)?.addEventListener === 'function' &&
  typeof (signal as Partial<EventSignal>).removeEventListener === 'function';

/**
 * A backend call that rejects with AbortedError as soon as the signal fires, even if the call
 * itself never settles. The call is then abandoned, not cancelled: the backend may still be
 * working on it and must not be used again until it settles (or must be disposed).
 */
export function abortable<T>(call: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (!hasEvents(signal)) return call;
  if (signal.aborted) {
    call.catch(() => undefined);
    return Promise.reject(new AbortedError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      call.catch(() => undefined);
      reject(new AbortedError(signal.reason));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
