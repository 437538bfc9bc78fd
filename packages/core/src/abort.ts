import { AbortedError } from './errors.js';

/** The part of the DOM/Node `AbortSignal` the core reads; any real AbortSignal fits. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new AbortedError(signal.reason);
}
