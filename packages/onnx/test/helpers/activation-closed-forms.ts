import { expect } from 'vitest';
import { createContextualDecomposition } from '../../src/index.js';
import { makeModel, type NodeSpec } from './model.js';
import { runModel, runtimes } from './ort.js';
import { rng, uniform } from './random.js';

const ort = runtimes.node;
const SIZE = 12;

/** erf by its Maclaurin series (float64; |x| ≤ 3 here, where 60 terms converge to 1e-15). */
export function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** The CD paper's two-part Shapley split of f at r, i: the relevant part. */
export const shapleyRel = (f: (v: number) => number, r: number, i: number): number => 0.5 * (f(r) - f(0) + (f(r + i) - f(i)));

/** x·g(x) with the gate split by shapleyRel and its value at 0 given to the relevant side. */
export const gatedRel = (g: (v: number) => number, r: number, i: number): number => (shapleyRel(g, r, i) + g(0)) * r;

export interface ActivationCase {
  readonly name: string;
  readonly opset: number;
  readonly nodes: readonly NodeSpec[];
  readonly constants?: Parameters<typeof makeModel>[0]['constants'];
  /** The closed form of each decomposed output: its relevant part at one element (r, i) of feature `feature` (0–11). */
  readonly outputs: Readonly<Record<string, (r: number, i: number, feature: number) => number>>;
}

/**
 * Decomposes the case's model of one [N, 12] input under four masks (all relevant, none, two
 * random) and checks each output's relevant part against its closed form in float64, and
 * relevant + irrelevant against the model's own output.
 */
export async function expectClosedForms(c: ActivationCase): Promise<void> {
  const bytes = makeModel({ opset: c.opset, inputs: { x: ['N', SIZE] }, constants: c.constants, nodes: c.nodes, outputs: Object.keys(c.outputs) });
  const x = uniform(rng(c.name.length), SIZE, -3, 3);
  const random = rng(5);
  const count = 4;
  const masks = Float32Array.from({ length: count * SIZE }, (_, k) => (k < SIZE ? 1 : k < 2 * SIZE ? 0 : random() < 0.5 ? 1 : 0));
  const whole = await runModel(ort, bytes, { x: new ort.Tensor('float32', x, [1, SIZE]) });
  for (const [output, closedForm] of Object.entries(c.outputs)) {
    const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes, { output });
    const { relevant, irrelevant } = await cd.decompose(x, [SIZE], masks, count);
    await cd.dispose();
    const y = whole[output]?.data as Float32Array;
    for (let k = 0; k < count * SIZE; k++) {
      const m = masks[k] as number;
      const v = x[k % SIZE] as number;
      // float32 evaluation of a few ops on values up to ~3: measured deviations up to 1.7e-7, and
      // 5.9e-7 for the product softplus(x)·x, whose values reach ~9
      expect(Math.abs((relevant[k] as number) - closedForm(m * v, (1 - m) * v, k % SIZE))).toBeLessThan(1e-6);
      // the identity at the node's output: measured 0 (irrel is formed as the whole minus rel;
      // the bound allows the rounding of that one subtraction on values up to ~3)
      expect(Math.abs((relevant[k] as number) + (irrelevant[k] as number) - (y[k % SIZE] as number))).toBeLessThan(1e-6);
    }
  }
}
