import { functionBackend, type GradientBackend } from '../../src/index.js';
import { captumWeight } from '@ig/test-fixtures';

/**
 * The reference iris MLP, Linear(4,16)-ReLU-Linear(16,3), written out by hand with its
 * backward pass (relu'(0) = 0, as PyTorch), from the PyTorch weights ([out, in], y = x·Wᵀ + b).
 */
export function irisMlpBackend(): GradientBackend {
  const w1 = captumWeight('iris_mlp', 'net.0.weight').data;
  const b1 = captumWeight('iris_mlp', 'net.0.bias').data;
  const w2 = captumWeight('iris_mlp', 'net.2.weight').data;
  const b2 = captumWeight('iris_mlp', 'net.2.bias').data;
  const hidden = (x: Float32Array): Float32Array => {
    const h = new Float32Array(16);
    for (let j = 0; j < 16; j++) {
      let z = b1[j] as number;
      for (let i = 0; i < 4; i++) z += (w1[j * 4 + i] as number) * (x[i] as number);
      h[j] = z;
    }
    return h;
  };
  return functionBackend(
    {
      forward: ([x]) => {
        const h = hidden(x as Float32Array);
        const y = new Float32Array(3);
        for (let k = 0; k < 3; k++) {
          let z = b2[k] as number;
          for (let j = 0; j < 16; j++) z += (w2[k * 16 + j] as number) * Math.max(0, h[j] as number);
          y[k] = z;
        }
        return y;
      },
      gradient: ([x], seed) => {
        const h = hidden(x as Float32Array);
        const g = new Float32Array(4);
        for (let j = 0; j < 16; j++) {
          if ((h[j] as number) <= 0) continue;
          let dh = 0;
          for (let k = 0; k < 3; k++) dh += (seed[k] as number) * (w2[k * 16 + j] as number);
          for (let i = 0; i < 4; i++) g[i] = (g[i] as number) + dh * (w1[j * 4 + i] as number);
        }
        return [g];
      },
    },
    'iris-mlp',
  );
}
