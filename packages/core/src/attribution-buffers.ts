import { InvalidOptionError, ShapeMismatchError } from './errors.js';
import type { ModelInputs } from './validate.js';

/** True when the two arrays share bytes of the same buffer. */
export function sharesMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.buffer === b.buffer && a.byteLength > 0 && b.byteLength > 0 && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength
  );
}

/** Throws when any supplied attribution array shares memory with `data` (described by `what`). */
export function checkNotAliased(buffers: readonly Float32Array[], data: Float32Array, what: string): void {
  buffers.forEach((buffer, i) => {
    if (sharesMemory(buffer, data)) {
      throw new InvalidOptionError(
        `attributionsInto[${i}] shares memory with ${what}; attributions must go into arrays of their own, not into data the call reads`,
      );
    }
  });
}

/**
 * Checks caller-supplied attribution arrays against the model: one Float32Array per input, each
 * as long as that input's attributions (examples × targets per example × point size), none
 * sharing memory with another or with an input's data. Baselines are checked as they resolve.
 */
export function checkAttributionBuffers(value: unknown, model: ModelInputs, targetsPerExample: number): readonly Float32Array[] {
  const count = model.tensors.length;
  if (!Array.isArray(value)) {
    throw new InvalidOptionError(`attributionsInto must be an array of ${count} Float32Array(s), one per model input`);
  }
  const buffers = value as readonly unknown[];
  if (buffers.length !== count) {
    throw new ShapeMismatchError(`attributionsInto has ${buffers.length} array(s) for a model with ${count} input(s); give one per input`);
  }
  buffers.forEach((buffer, i) => {
    if (!(buffer instanceof Float32Array)) throw new InvalidOptionError(`attributionsInto[${i}] must be a Float32Array`);
    const size = model.pointSizes[i] as number;
    const expected = model.examples * targetsPerExample * size;
    if (buffer.length !== expected) {
      const targets = targetsPerExample > 1 ? ` × ${targetsPerExample} targets` : '';
      throw new ShapeMismatchError(
        `attributionsInto[${i}] has ${buffer.length} values; input ${i}'s attributions need ${expected} (${model.examples} example(s)${targets} × ${size})`,
      );
    }
  });
  const arrays = buffers as readonly Float32Array[];
  arrays.forEach((buffer, i) => checkNotAliased(arrays.slice(0, i), buffer, `attributionsInto[${i}]`));
  model.tensors.forEach((t, i) => checkNotAliased(arrays, t.data, `input ${i}'s data`));
  return arrays;
}
