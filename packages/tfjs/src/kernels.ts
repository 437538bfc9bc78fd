import * as tf from '@tensorflow/tfjs-core';
import { MissingKernelError } from './errors.js';

const KNOWN_BACKENDS = ['cpu', 'tensorflow', 'webgl', 'webgpu', 'wasm'];
const MISSING_KERNEL = /Kernel '([^']+)' not registered for backend '([^']+)'/;

/** Turns tfjs's "Kernel 'X' not registered for backend 'Y'" into a MissingKernelError; other errors pass. */
export function explainKernelError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const match = MISSING_KERNEL.exec(error.message);
  if (match === null) return error;
  const kernel = match[1] as string;
  const backend = match[2] as string;
  const registered = Object.keys(tf.engine().registryFactory);
  const candidates = [...new Set([...registered, ...KNOWN_BACKENDS])];
  const alternatives = candidates.filter((name) => name !== backend && tf.getKernel(kernel, name) !== undefined);
  return new MissingKernelError(kernel, backend, alternatives);
}
