import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextualDecompositionScorer, tensor } from '@ig/core';
import { captumModelBytes } from '@ig/test-fixtures';
import { createContextualDecomposition, inspect } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { makeModel } from './helpers/model.js';
import { runModel, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';
import { linearModel, supportedModels } from './contextual-decomposition/models.js';
import { decompositionError } from './helpers/decomposition-error.js';

const ort = runtimes.node;

interface Reference {
  readonly versions: Record<string, string>;
  readonly inputShape: number[];
  readonly input: number[];
  readonly output: number[];
  readonly cases: { mask: number[]; relevant: number[]; irrelevant: number[] }[];
}
const reference = JSON.parse(readFileSync(join(fixturesDir, 'cd', 'reference.json'), 'utf8')) as Reference;
const acdModel = fixtureBytes('cd', 'model.onnx');

async function forward(bytes: Uint8Array, data: Float32Array, shape: readonly number[], input = 'x'): Promise<Float32Array> {
  const out = await runModel(ort, bytes, { [input]: new ort.Tensor('float32', data, shape) });
  return Object.values(out)[0]?.data as Float32Array;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe('contextual decomposition of ONNX graphs', () => {
  it("matches the acd package's CD on the same PyTorch CNN (Conv, ReLU, BatchNorm, MaxPool, AvgPool, Dropout, Linear)", async () => {
    const cd = await createContextualDecomposition(ort, 'onnxruntime-node', acdModel);
    const masks = Float32Array.from(reference.cases.flatMap((c) => c.mask));
    const { relevant, irrelevant } = await cd.decompose(Float32Array.from(reference.input), reference.inputShape.slice(1), masks, reference.cases.length);
    reference.cases.forEach((c, k) => {
      // float32 on both sides; the largest deviation measured is 7.5e-8 on outputs of magnitude ~0.3
      expect(maxDiff(relevant.subarray(k * 5, k * 5 + 5), c.relevant)).toBeLessThan(5e-7);
      expect(maxDiff(irrelevant.subarray(k * 5, k * 5 + 5), c.irrelevant)).toBeLessThan(5e-7);
    });
    await cd.dispose();
  });

  it('all relevant leaves only the bias-only part irrelevant; none relevant makes F(x) irrelevant', async () => {
    // In the Conv + BN + ReLU model every unit before a bias gets relevant input from the full
    // mask, so the bias-only part (bias shares of units with no relevant input) is empty; the
    // acd reference's full mask (case 0 above) checks a model where it is not.
    const model = supportedModels[0] as (typeof supportedModels)[number];
    const size = model.pointShape.reduce((a, b) => a * b, 1);
    const input = uniform(rng(4), size, -2, 2);
    const cd = await createContextualDecomposition(ort, 'onnxruntime-node', model.bytes);
    const { relevant, irrelevant } = await cd.decompose(input, model.pointShape, new Float32Array(2 * size).fill(1, 0, size), 2);
    const y = await forward(model.bytes, input, [1, ...model.pointShape]);
    expect(maxDiff(relevant.subarray(0, 4), y)).toBeLessThan(2e-6);
    expect(maxDiff(irrelevant.subarray(0, 4), [0, 0, 0, 0])).toBeLessThan(1e-12);
    expect(maxDiff(relevant.subarray(4), [0, 0, 0, 0])).toBeLessThan(1e-12);
    expect(maxDiff(irrelevant.subarray(4), y)).toBeLessThan(2e-6);
    await cd.dispose();
  });

  const allModels = [
    ...supportedModels,
    { name: 'the acd reference CNN (PyTorch export)', bytes: acdModel, pointShape: [1, 12, 12] },
    { name: 'the Captum small CNN (PyTorch export)', bytes: captumModelBytes('small_cnn'), pointShape: [1, 28, 28] },
  ];
  for (const model of allModels) {
    it(`relevant + irrelevant equals the model's output: ${model.name}`, async () => {
      const random = rng(3);
      const size = model.pointShape.reduce((a, b) => a * b, 1);
      const input = uniform(random, size, -2, 2);
      const count = 6;
      const masks = Float32Array.from({ length: count * size }, (_, i) => (i < size ? 1 : i < 2 * size ? 0 : random() < 0.5 ? 1 : 0));
      const cd = await createContextualDecomposition(ort, 'onnxruntime-node', model.bytes);
      const { relevant, irrelevant } = await cd.decompose(input, model.pointShape, masks, count);
      const y = await forward(model.bytes, input, [1, ...model.pointShape], model.name.includes('PyTorch') ? 'input' : undefined);
      const outputSize = y.length;
      expect(relevant.length).toBe(count * outputSize);
      for (let k = 0; k < count; k++) {
        const sum = Array.from(y, (_, j) => (relevant[k * outputSize + j] as number) + (irrelevant[k * outputSize + j] as number));
        // the parts are each rounded through every layer: up to 2e-6 measured on outputs of ~4
        expect(maxDiff(sum, y)).toBeLessThan(1e-5);
      }
      // a mask that matters moves the split: the random masks do not all give the full-mask parts
      expect(maxDiff(relevant.subarray(0, outputSize), relevant.subarray(2 * outputSize, 3 * outputSize))).toBeGreaterThan(1e-3);
      await cd.dispose();
    });
  }

  it('on a linear model the relevant part is the exact linear contribution of the group, plus its bias share', async () => {
    const random = rng(9);
    const w = Array.from(uniform(random, 12, -1, 1));
    const b = [0.7, -1.3, 0.2];
    const x = uniform(random, 4, -2, 2);
    const masks = Float32Array.from([1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0]);
    for (const bias of [null, b]) {
      const cd = await createContextualDecomposition(ort, 'onnxruntime-node', linearModel(w, bias, 4, 3));
      const { relevant } = await cd.decompose(x, [4], masks, 3);
      for (let k = 0; k < 3; k++) {
        for (let j = 0; j < 3; j++) {
          let rel = 0;
          let irrel = 0;
          for (let i = 0; i < 4; i++) {
            const part = (w[i * 3 + j] as number) * (x[i] as number);
            if (masks[k * 4 + i] === 1) rel += part;
            else irrel += part;
          }
          const share = bias ? ((b[j] as number) * Math.abs(rel)) / (Math.abs(rel) + Math.abs(irrel)) : 0;
          expect(relevant[k * 3 + j]).toBeCloseTo(rel + share, 6);
        }
      }
      await cd.dispose();
    }
  });

  it('a model with a fixed batch of 1 takes the masks one run at a time', async () => {
    const w = [0.5, -1, 2, 0.25, 1.5, -0.75];
    const fixed = makeModel({
      opset: 13,
      inputs: { x: [1, 3] },
      constants: { w: { dims: [3, 2], values: w }, b: { dims: [2], values: [0.3, -0.2] } },
      nodes: [{ op: 'Gemm', inputs: ['x', 'w', 'b'], outputs: ['y'] }],
      outputs: ['y'],
    });
    const cd = await createContextualDecomposition(ort, 'onnxruntime-node', fixed);
    const x = Float32Array.from([1, -2, 3]);
    const masks = Float32Array.from([1, 0, 0, 0, 1, 1, 1, 1, 1]);
    const { relevant, irrelevant } = await cd.decompose(x, [3], masks, 3);
    expect(relevant).toHaveLength(6);
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < 2; j++) {
        let rel = 0;
        for (let i = 0; i < 3; i++) rel += masks[k * 3 + i] === 1 ? (w[i * 2 + j] as number) * (x[i] as number) : 0;
        const full = [0, 1, 2].reduce((sum, i) => sum + (w[i * 2 + j] as number) * (x[i] as number), 0) + [0.3, -0.2][j]!;
        const share = ([0.3, -0.2][j]! * Math.abs(rel)) / (Math.abs(rel) + Math.abs(full - [0.3, -0.2][j]! - rel));
        expect(relevant[k * 2 + j]).toBeCloseTo(rel + share, 5);
        expect((relevant[k * 2 + j] as number) + (irrelevant[k * 2 + j] as number)).toBeCloseTo(full, 5);
      }
    }
    await cd.dispose();
  });

  it('scores groups through the core: the CD score is the relevant part of the target output', async () => {
    const cd = await createContextualDecomposition(ort, 'onnxruntime-node', acdModel);
    const { createOnnxBackend } = await import('../src/index.js');
    const backend = await createOnnxBackend(ort, 'onnxruntime-node', acdModel);
    const scorer = await contextualDecompositionScorer({
      backend,
      decomposition: cd,
      input: tensor(Float32Array.from(reference.input), reference.inputShape),
      target: 3,
    });
    const groups = reference.cases.map((c) => c.mask.flatMap((m, i) => (m === 1 ? [i] : [])));
    const scores = await scorer.score(groups);
    reference.cases.forEach((c, k) => expect(Math.abs((scores[k] as number) - (c.relevant[3] as number))).toBeLessThan(5e-7));
    await cd.dispose();
    await backend.dispose();
  });

  it("names an onnxruntime contrib node without a rule with its domain's opset, and the optimization level that may write none", () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 3] },
      nodes: [{ op: 'BiasSoftmax', inputs: ['x', 'x'], outputs: ['y'], domain: 'com.microsoft' }],
      outputs: ['y'],
      extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
    });
    expect(decompositionError(bytes).message).toMatch(
      /^no contextual decomposition for com\.microsoft\.BiasSoftmax: com\.microsoft\.BiasSoftmax \(opset 1\) node "BiasSoftmax_0": no contextual-decomposition rule: .*graphOptimizationLevel .basic./,
    );
  });

  it('names each unsupported node: a power by a decomposed exponent and two ops without a rule', () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 3] },
      nodes: [
        { op: 'Pow', inputs: ['x', 'x'], outputs: ['power'] },
        { op: 'Abs', inputs: ['power'], outputs: ['e'] },
        { op: 'Sin', inputs: ['e'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const failure = decompositionError(bytes);
    expect(failure.opTypes).toEqual(['Abs', 'Pow', 'Sin']);
    expect(failure.message).toMatch(/Pow \(opset 13\) node "Pow_0": unsupported form: input 1 \("x"\) depends on the model input/);
    // The first line alone (all a CLI error shows) names the first node and why.
    expect(failure.message.split('\n')[0]).toMatch(
      /^no contextual decomposition for Abs, Pow, Sin: Pow \(opset 13\) node "Pow_0": unsupported form: .*; 3 nodes in all:$/,
    );
    expect(failure.message).toMatch(/Abs \(opset 13\) node "Abs_1": no contextual-decomposition rule/);
    expect(failure.message).toMatch(/Sin \(opset 13\) node "Sin_2": no contextual-decomposition rule/);
    expect(inspect(bytes).contextualDecompositionCoverage).toEqual({ supported: ['Pow'], unsupported: ['Abs', 'Sin'] });
    expect(inspect(acdModel).contextualDecompositionCoverage).toEqual({
      supported: ['AveragePool', 'BatchNormalization', 'Conv', 'Flatten', 'Gemm', 'MaxPool', 'Pad', 'Relu'],
      unsupported: [],
    });
  });
});
