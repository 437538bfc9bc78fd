/** Which discrete Fourier transform a DFT or STFT node computes along one axis. */
export interface TransformForm {
  /** Elements along the axis in the input. */
  readonly inLength: number;
  /** 1: real input, 2: complex input (real, imaginary last). */
  readonly inParts: 1 | 2;
  /** The DFT length n: the input is truncated to it or padded with zeros. */
  readonly length: number;
  readonly inverse: boolean;
  readonly onesided: boolean;
}

/** Output bins along the axis and parts per element (1 only for the inverse of a one-sided spectrum). */
export function transformOutput(form: TransformForm): { bins: number; parts: 1 | 2 } {
  if (form.inverse && form.onesided) return { bins: form.length, parts: 1 };
  return { bins: form.onesided ? Math.floor(form.length / 2) + 1 : form.length, parts: 2 };
}

/**
 * The transform as a matrix M of shape [inLength·inParts, bins·outParts] acting on the axis with
 * its parts flattened (element t, part p at row t·inParts + p), so that y = x·M:
 * - forward: y[k] = Σ_t x[t]·e^{−2πi·kt/n}, over the first min(inLength, n) elements (the rest of
 *   a zero-padded signal adds nothing), k < n, or k ≤ ⌊n/2⌋ when one-sided;
 * - inverse: y[t] = (1/n)·Σ_k x[k]·e^{2πi·kt/n};
 * - inverse one-sided (the real signal of a half spectrum, as numpy's irfft): y[t] =
 *   (1/n)·Σ_{k ≤ ⌊n/2⌋} w_k·Re(x[k]·e^{2πi·kt/n}), w_k = 2 but for k = 0 and k = n/2, which the
 *   conjugate half does not repeat.
 * Angles are taken of kt mod n in float64 and rounded once to float32.
 */
export function transformMatrix(form: TransformForm): Float32Array {
  const { inLength, inParts, length: n, inverse, onesided } = form;
  const { bins, parts } = transformOutput(form);
  const matrix = new Float32Array(inLength * inParts * bins * parts);
  const columns = bins * parts;
  const used = Math.min(inLength, inverse && onesided ? Math.floor(n / 2) + 1 : n);
  const sign = inverse ? 1 : -1;
  const scale = inverse ? 1 / n : 1;
  for (let t = 0; t < used; t++) {
    for (let k = 0; k < bins; k++) {
      const angle = (2 * Math.PI * ((t * k) % n)) / n;
      const cos = Math.cos(angle) * scale;
      const sin = sign * Math.sin(angle) * scale;
      const re = t * inParts * columns + k * parts;
      const im = re + columns;
      if (parts === 1) {
        // Row t is the spectrum bin, column k the signal sample.
        const weight = t === 0 || 2 * t === n ? 1 : 2;
        matrix[re] = weight * cos;
        matrix[im] = -weight * sin;
        continue;
      }
      // (a + ib)(cos + i·sin) = (a·cos − b·sin) + i(a·sin + b·cos)
      matrix[re] = cos;
      matrix[re + 1] = sin;
      if (inParts === 2) {
        matrix[im] = -sin;
        matrix[im + 1] = cos;
      }
    }
  }
  return matrix;
}
