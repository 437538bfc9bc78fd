import type { QuadratureRule } from '../quadrature.js';
import type { GradientPath } from './path.js';

/**
 * Straight lines x'ₛ + αₖ·(x − x'ₛ) from each baseline sample s to the input, one after the
 * other; the displacement is wₖ·(x − x'ₛ)/S, or wₖ/S without the (x − x') factor
 * (`multiplyByInputs: false`, Captum's option: the path-averaged gradient).
 */
export function straightPath(
  input: readonly Float32Array[],
  baselines: readonly (readonly Float32Array[])[],
  rule: QuadratureRule,
  multiplyByInputs: boolean,
): GradientPath {
  const n = rule.alphas.length;
  const total = n * baselines.length;
  const scale = 1 / baselines.length;
  const differences = baselines.map((baseline) =>
    input.map((x, i) => {
      const b = baseline[i] as Float32Array;
      return x.map((v, j) => v - (b[j] as number));
    }),
  );
  let handedOut = 0;
  let finished = 0;
  return {
    starts: multiplyByInputs ? baselines : [],
    lookahead: Infinity,
    next(out) {
      if (handedOut === total) return false;
      const s = Math.floor(handedOut / n);
      const baseline = baselines[s] as readonly Float32Array[];
      const difference = differences[s] as Float32Array[];
      // float32 arithmetic, as the straight fast path (and PyTorch) build the point
      const alpha = Math.fround(rule.alphas[handedOut % n] as number);
      for (let i = 0; i < out.length; i++) {
        const point = out[i] as Float32Array;
        const b = baseline[i] as Float32Array;
        const d = difference[i] as Float32Array;
        for (let j = 0; j < point.length; j++) point[j] = (b[j] as number) + Math.fround(alpha * (d[j] as number));
      }
      handedOut++;
      return true;
    },
    displacement(_gradients, out) {
      const difference = differences[Math.floor(finished / n)] as Float32Array[];
      const w = (rule.weights[finished % n] as number) * scale;
      for (let i = 0; i < out.length; i++) {
        const d = out[i] as Float32Array;
        if (!multiplyByInputs) {
          d.fill(w);
          continue;
        }
        const diff = difference[i] as Float32Array;
        for (let j = 0; j < d.length; j++) d[j] = w * (diff[j] as number);
      }
      finished++;
    },
  };
}

/** A path of one point, the input itself, with a displacement per feature (saliency, input × gradient). */
export function pointAtInput(input: readonly Float32Array[], displacement: (i: number, j: number, x: number) => number): GradientPath {
  let handedOut = false;
  return {
    starts: [],
    lookahead: 1,
    next(out) {
      if (handedOut) return false;
      out.forEach((point, i) => point.set(input[i] as Float32Array));
      handedOut = true;
      return true;
    },
    displacement(_gradients, out) {
      out.forEach((d, i) => {
        const x = input[i] as Float32Array;
        for (let j = 0; j < d.length; j++) d[j] = displacement(i, j, x[j] as number);
      });
    },
  };
}
