import type { CompositeOp } from './composite-op.js';
import { dft } from './dft.js';
import { globalLpPool, lpPool } from './lp-pool.js';
import { reverseSequence } from './reverse-sequence.js';
import { stft } from './stft.js';

/** Signal and sequence ops of audio and older vision models: DFT, STFT, LpPool, GlobalLpPool, ReverseSequence. */
export const signalOps: readonly CompositeOp[] = [dft, stft, lpPool, globalLpPool, reverseSequence];
