import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients } from '@ig/core';
import { measure } from '@ig/browser-harness/measure';
import { NoGradientError, tfjsBackend, type OutputSelector } from '../../src/index.js';
import { NODE_BACKENDS, useBackend, type NodeBackend } from './backends.js';
import { gradientDeviation } from './coverage-checks.js';
import { evaluateModel } from './float64-graph.js';
import type { Array64 } from './float64-math.js';
import { pointOf, type CoverageModel } from './unseen-models.js';

export interface SweepCase {
  readonly name: string;
  readonly build: () => CoverageModel;
  readonly target: number;
  /** For a model with several outputs: the one to explain, by name, and its position. */
  readonly output?: { readonly name: string; readonly index: number };
  /** Gauss–Legendre nodes for the completeness check (64 unless said). */
  readonly steps?: number;
  /** Backends whose gradient kernel for an op of the model tfjs gets wrong, so we refuse it: that op. */
  readonly refused?: Partial<Record<NodeBackend, string>>;
  /**
   * Bounds on (|Σ attr − (F(x) − F(0))| / Σ|attr|, gradient deviation / max |gradient|) per
   * backend, each within 10× of the value measured with these seeds (in the comment beside the case).
   */
  readonly bounds: Partial<Record<NodeBackend, readonly [number, number]>>;
}

/** F of one example in float64: the model's own layers and weights through float64-graph.ts. */
function reference(model: tf.LayersModel, c: SweepCase): (inputs: readonly Array64[]) => number {
  return (inputs) => evaluateModel(model, inputs)[c.output?.index ?? 0]?.data[c.target] as number;
}

/** Completeness and the float64 gradient of every case, on each Node backend (or its refusal there). */
export function describeSweep(title: string, cases: readonly SweepCase[]): void {
  describe.each(NODE_BACKENDS)(`${title}, tfjs %s`, (backendName) => {
    const built = new Map<string, CoverageModel>();
    beforeAll(async () => {
      await useBackend(backendName);
      for (const c of cases) built.set(c.name, c.build());
    });
    afterAll(() => built.forEach(({ model }) => model.dispose()));

    describe.each(cases)('$name', (c) => {
      const options = c.output === undefined ? {} : { output: c.output.name as OutputSelector };
      const refused = c.refused?.[backendName];
      if (refused !== undefined) {
        test(`a NoGradientError naming ${refused}: tfjs's ${backendName} gradient kernel for it is wrong`, async () => {
          const { model, shapes } = built.get(c.name) as CoverageModel;
          const inputs = shapes.map((shape, k) => ({ data: pointOf(shape, k), shape: [1, ...shape] }));
          const error: unknown = await integratedGradients(tfjsBackend(model, options), inputs, { target: c.target, steps: 4 }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(NoGradientError);
          expect((error as NoGradientError).op).toBe(refused);
        });
        return;
      }
      const [completenessBound, gradientBound] = c.bounds[backendName] as readonly [number, number];

      test('completeness: Σ attributions = F(x) − F(0)', async () => {
        const { model, shapes } = built.get(c.name) as CoverageModel;
        const inputs = shapes.map((shape, k) => ({ data: pointOf(shape, k), shape: [1, ...shape] }));
        const result = await integratedGradients(tfjsBackend(model, options), inputs, { target: c.target, steps: c.steps ?? 64 });
        expect(result.attributions.map((a) => a.shape)).toEqual(inputs.map((x) => x.shape));
        const scale = result.attributions.reduce((s, a) => a.data.reduce((t, v) => t + Math.abs(v), s), 0);
        const relative = Math.abs(result.reports[0]?.delta ?? NaN) / scale;
        measure(`${backendName} ${c.name} completeness`, { relative });
        expect(relative).toBeLessThan(completenessBound);
      });

      test('the input gradient equals central differences of a float64 evaluation of the same weights', async () => {
        const { model, shapes } = built.get(c.name) as CoverageModel;
        const deviation = await gradientDeviation(tfjsBackend(model, options), shapes, c.target, reference(model, c));
        measure(`${backendName} ${c.name} gradient`, { deviation });
        expect(deviation).toBeLessThan(gradientBound);
      });
    });
  });
}
