import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients } from '@ig/core';
import { measure } from '@ig/browser-harness/measure';
import { MissingKernelError, tfjsBackend } from '../src/index.js';
import { NODE_BACKENDS, useBackend, type NodeBackend } from './helpers/backends.js';
import { evaluateLayer, evaluateLayers, type Array64 } from './helpers/float64-layers.js';
import { gradientDeviation, completenessGap } from './helpers/coverage-checks.js';
import {
  batchNormSoftmax,
  conv1dClassifier,
  flattenRank3,
  nonSquareImage,
  pointOf,
  separableStack,
  twoInputModel,
  type CoverageModel,
} from './helpers/unseen-models.js';
import { gruDefaults, gruSequences, lstmDefaults, simpleRnnDefaults, simpleRnnSequences } from './helpers/recurrent-models.js';

interface Case {
  readonly name: string;
  readonly build: () => CoverageModel;
  readonly target: number;
  /** Backends without a kernel the input gradient needs, and that kernel. */
  readonly missing?: Partial<Record<NodeBackend, string>>;
  /**
   * Bounds on (completeness gap / Σ|attr|, gradient deviation / max |gradient|) per backend, each
   * within 10× of the value measured with these seeds (in the comment beside the case).
   */
  readonly bounds: Partial<Record<NodeBackend, readonly [number, number]>>;
}

/** F of one example in float64 through the model's own layers (Sequential models only). */
function sequentialReference(model: tf.LayersModel, target: number): (inputs: readonly Array64[]) => number {
  return ([x]) => evaluateLayers(model.layers, x as Array64).data[target] as number;
}

/** F of the two-input model in float64: Add of the two tanh branches, Concatenate with b's branch. */
function twoInputReference(layers: ReturnType<typeof twoInputModel>['layers'], target: number): (inputs: readonly Array64[]) => number {
  return ([a, b]) => {
    const left = evaluateLayer(layers.left, a as Array64).data;
    const right = evaluateLayer(layers.right, b as Array64).data;
    const joined = Float64Array.from([...left.map((v, i) => v + (right[i] as number)), ...right]);
    return evaluateLayer(layers.head, { data: joined, shape: [joined.length] }).data[target] as number;
  };
}

const CASES: readonly Case[] = [
  // measured cpu 1.4e-8, 1.3e-7; wasm has no DepthwiseConv2dNativeBackpropInput
  {
    name: 'SeparableConv2D + DepthwiseConv2D stack',
    build: separableStack,
    target: 1,
    missing: { wasm: 'DepthwiseConv2dNativeBackpropInput' },
    bounds: { cpu: [1e-7, 6e-7] },
  },
  // measured cpu 8.3e-8, 1.3e-7; wasm 9.4e-8, 1.6e-7
  { name: 'Conv1D + GlobalAveragePooling1D', build: conv1dClassifier, target: 0, bounds: { cpu: [5e-7, 8e-7], wasm: [5e-7, 8e-7] } },
  // measured cpu 1.4e-8, 3.6e-8; wasm 2.5e-8, 6.4e-8
  { name: 'two inputs joined by Add and Concatenate', build: twoInputModel, target: 2, bounds: { cpu: [1e-7, 3e-7], wasm: [1.5e-7, 5e-7] } },
  // measured cpu 1.5e-8, 1.3e-7; wasm 2.7e-7, 1.3e-7
  {
    name: 'BatchNormalization (inference) + Dropout + softmax probabilities',
    build: batchNormSoftmax,
    target: 2,
    bounds: { cpu: [1e-7, 6e-7], wasm: [1.5e-6, 6e-7] },
  },
  // measured cpu 1.4e-9, 9.2e-8; wasm 7.6e-9, 2.3e-7
  { name: 'non-square 20×32×3 NHWC image, softmax output', build: nonSquareImage, target: 0, bounds: { cpu: [1e-8, 6e-7], wasm: [5e-8, 1e-6] } },
  // measured cpu 2.0e-9, 4.9e-8; wasm 1.0e-8, 1.1e-7
  { name: 'Flatten + Dense on a rank-3 input', build: flattenRank3, target: 1, bounds: { cpu: [1.5e-8, 3e-7], wasm: [8e-8, 6e-7] } },
  // measured cpu 1.2e-3, 3.9e-7; wasm 1.2e-3, 3.5e-7 (completeness: 64 nodes across hardSigmoid's clip kinks)
  { name: 'GRU with tfjs defaults (hardSigmoid gates)', build: gruDefaults, target: 1, bounds: { cpu: [3e-3, 2e-6], wasm: [3e-3, 2e-6] } },
  // measured cpu 3.1e-8, 9.6e-8; wasm 1.2e-8, 5.3e-8
  {
    name: 'GRU, sigmoid gates, no bias, goBackwards, returnSequences',
    build: gruSequences,
    target: 2,
    bounds: { cpu: [3e-7, 6e-7], wasm: [1.2e-7, 5e-7] },
  },
  // measured cpu 4.3e-8, 8.7e-8; wasm 5.9e-9, 1.2e-7
  { name: 'SimpleRNN', build: simpleRnnDefaults, target: 0, bounds: { cpu: [4e-7, 6e-7], wasm: [6e-8, 1e-6] } },
  // measured cpu 1.9e-8, 7.0e-8; wasm 2.7e-7, 1.0e-7
  { name: 'SimpleRNN, goBackwards, returnSequences', build: simpleRnnSequences, target: 1, bounds: { cpu: [1.5e-7, 5e-7], wasm: [2e-6, 8e-7] } },
  // measured cpu 1.9e-6, 5.8e-8; wasm 1.2e-6, 5.8e-8 (completeness: across hardSigmoid's clip kinks)
  {
    name: 'LSTM with tfjs defaults (hardSigmoid gates), goBackwards',
    build: lstmDefaults,
    target: 0,
    bounds: { cpu: [1e-5, 5e-7], wasm: [8e-6, 5e-7] },
  },
];

describe.each(NODE_BACKENDS)('IG on layer types not covered elsewhere, tfjs %s', (backendName) => {
  const built = new Map<string, CoverageModel>();
  beforeAll(async () => {
    await useBackend(backendName);
    for (const c of CASES) built.set(c.name, c.build());
  });
  afterAll(() => built.forEach(({ model }) => model.dispose()));

  describe.each(CASES)('$name', (c) => {
    const missing = c.missing?.[backendName];
    const bounds = c.bounds[backendName];

    if (missing !== undefined) {
      test(`no ${missing} kernel: a MissingKernelError naming it and the cpu backend`, async () => {
        const { model, shapes } = built.get(c.name) as CoverageModel;
        const inputs = shapes.map((shape, k) => ({ data: pointOf(shape, k), shape: [1, ...shape] }));
        const error: unknown = await integratedGradients(tfjsBackend(model), inputs, { target: c.target, steps: 4 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MissingKernelError);
        expect((error as MissingKernelError).kernel).toBe(missing);
        expect((error as MissingKernelError).alternatives).toContain('cpu');
      });
      return;
    }

    test('completeness: Σ attributions = F(x) − F(0), F read from model.predict', async () => {
      const { model, shapes } = built.get(c.name) as CoverageModel;
      const inputs = shapes.map((shape, k) => ({ data: pointOf(shape, k), shape: [1, ...shape] }));
      const result = await integratedGradients(tfjsBackend(model), inputs, { target: c.target, steps: 64 });
      expect(result.attributions.map((a) => a.shape)).toEqual(inputs.map((x) => x.shape));
      const gap = completenessGap(model, inputs, result.attributions, c.target);
      measure(`${backendName} ${c.name} completeness`, gap);
      expect(gap.relative).toBeLessThan((bounds as readonly [number, number])[0]);
    });

    test('the input gradient equals central differences of a float64 evaluation of the same weights', async () => {
      const built64 = built.get(c.name) as CoverageModel & { layers?: ReturnType<typeof twoInputModel>['layers'] };
      const reference = built64.layers !== undefined ? twoInputReference(built64.layers, c.target) : sequentialReference(built64.model, c.target);
      const deviation = await gradientDeviation(tfjsBackend(built64.model), built64.shapes, c.target, reference);
      measure(`${backendName} ${c.name} gradient`, { deviation });
      expect(deviation).toBeLessThan((bounds as readonly [number, number])[1]);
    });
  });
});
