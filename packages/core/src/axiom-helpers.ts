import type { AxiomCheck, FeatureRef } from './axiom-types.js';
import type { IntegratedGradientsResult } from './ig-result.js';
import type { Tensor } from './tensor.js';

export const maxAbs = (values: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i] as number));
  return m;
};

export function attributionAt(result: IntegratedGradientsResult, feature: FeatureRef, slot = 0, targets = 1): number {
  const t = result.attributions[feature.input] as Tensor;
  const size = t.data.length / targets;
  return t.data[slot * size + feature.index] as number;
}

export function check(axiom: AxiomCheck['axiom'], passed: boolean, values: Record<string, number>, message: string): AxiomCheck {
  return { axiom, passed, values, message };
}

export function replaceFeature(data: readonly Float32Array[], feature: FeatureRef, value: number): Tensor[] {
  return data.map((d, i) => {
    const copy = Float32Array.from(d);
    if (i === feature.input) copy[feature.index] = value;
    return { data: copy, shape: [] };
  });
}
