import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor, type Tensor } from '@ig/core';
import { ContextInputError, createOnnxBackend, createTokenLayerExplainer, cutAtTensor, type ContextInputs } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';
import { EMBEDDING_LAYER, spamBytes, spamExample, spamReference } from './helpers/text.js';

const ort = runtimes.node;

// y = Σᵢ (mᵢ·xᵢ)² with m a float input held fixed, one row per example: along the straight path
// from b the integrand is linear in α, so IGᵢ = mᵢ²·(xᵢ² − bᵢ²) exactly.
const masked = makeModel({
  opset: 17,
  inputs: { x: ['N', 3], m: ['N', 3] },
  nodes: [
    { op: 'Mul', inputs: ['x', 'm'], outputs: ['z'] },
    { op: 'ReduceSumSquare', inputs: ['z'], outputs: ['y'], attributes: { axes: { ints: [1] }, keepdims: { int: 1 } } },
  ],
  outputs: ['y'],
});
const m = [1, 0, 2, 0.5, -1, 0, 0, 3, -0.25];
const x = tensor([1, 2, -0.5, -1, 0.5, 2, 0.25, -2, 1.5], [3, 3]);
const b = [0.2, -0.1, 0.3];
const closedForm = x.data.map((v, k) => (m[k] as number) ** 2 * (v ** 2 - (b[k % 3] as number) ** 2));
const perExampleMask = (rows: number): ContextInputs => ({ m: { data: Float32Array.from(m.slice(0, rows * 3)), shape: [rows, 3] } });

const maxError = (actual: Float32Array, expected: ArrayLike<number>): number =>
  Math.max(...Array.from(actual, (v, k) => Math.abs(v - (expected[k] as number))));
/** The largest deviation relative to the largest expected value. */
const relativeError = (actual: Float32Array, expected: ArrayLike<number>): number =>
  maxError(actual, expected) / Math.max(...Array.from(expected as ArrayLike<number>, (v) => Math.abs(v)));

describe('context inputs with a row per example', () => {
  for (const fused of [true, false]) {
    it(`${fused ? 'fused runs' : 'point batches mixing examples, padded runs'}: each example's attributions equal its closed form`, async () => {
      const backend = await createOnnxBackend(ort, 'onnxruntime-node', masked, { inputs: ['x'], context: perExampleMask(3), fused, pointsPerRun: 4 });
      // 7 points per path in calls of 4 points: most calls hold points of two examples, the last is padded.
      const result = await integratedGradients(backend, x, { baselines: tensor(b, [1, 3]), steps: 7, batchSize: 4 });
      // float32 sums of an exact quadrature: measured 1.1e-7 (fused) and 1.7e-9 relative to the
      // largest attribution, completeness 7.6e-8
      expect(relativeError(result.attributions[0]?.data as Float32Array, closedForm)).toBeLessThan(5e-7);
      result.reports.forEach((report) => expect(report.relativeError).toBeLessThan(5e-7));
      expect(fused ? backend.stats.sessions.fused : backend.stats.sessions.gradient).toBe(1);
      await backend.dispose();
    });
  }

  it('one row is fed with every example; a float input given as context is not attributed', async () => {
    const backend = await createOnnxBackend(ort, 'onnxruntime-node', masked, { context: perExampleMask(1) });
    expect(backend.inputNames).toEqual(['x']);
    const result = await integratedGradients(backend, x, { baselines: tensor(b, [1, 3]), steps: 7 });
    const expected = x.data.map((v, k) => (m[k % 3] as number) ** 2 * (v ** 2 - (b[k % 3] as number) ** 2));
    // measured 6.1e-8
    expect(relativeError(result.attributions[0]?.data as Float32Array, expected)).toBeLessThan(5e-7);
    await backend.dispose();
  });

  it('withContext: other values on the same sessions, the original unchanged, a rank it was not built for refused', async () => {
    const first = perExampleMask(1);
    const backend = await createOnnxBackend(ort, 'onnxruntime-node', masked, { context: first, fused: false });
    const row = (k: number): ContextInputs => ({ m: { data: Float32Array.from(m.slice(3 * k, 3 * k + 3)), shape: [1, 3] } });
    const one = (k: number): Tensor => ({ data: x.data.slice(3 * k, 3 * k + 3), shape: [1, 3] });
    for (const k of [1, 2]) {
      const result = await integratedGradients(backend.withContext(row(k)), one(k), { baselines: tensor(b, [1, 3]), steps: 7 });
      expect(relativeError(result.attributions[0]?.data as Float32Array, closedForm.slice(3 * k, 3 * k + 3))).toBeLessThan(5e-7);
    }
    const again = await integratedGradients(backend, one(0), { baselines: tensor(b, [1, 3]), steps: 7 });
    expect(relativeError(again.attributions[0]?.data as Float32Array, closedForm.slice(0, 3))).toBeLessThan(5e-7);
    expect(backend.stats.sessions.gradient).toBe(1);
    expect(() => backend.withContext({ m: { data: new Float32Array(3), shape: [1, 1, 3] } })).toThrow(
      /input "m": has 2 axes, the given value has shape \[1, 1, 3\]/,
    );
    await backend.dispose();
  });

  it('too few rows, a call that names no example, or rows that disagree are typed errors naming the input', async () => {
    const two = await createOnnxBackend(ort, 'onnxruntime-node', masked, { inputs: ['x'], context: perExampleMask(2) });
    await expect(integratedGradients(two, x, { steps: 4 })).rejects.toThrow(ContextInputError);
    await expect(integratedGradients(two, x, { steps: 4 })).rejects.toThrow(
      /input "m": holds values for 2 examples, but a point of example 2 was given: give one row per example of the input/,
    );
    await expect(two.predict({ points: [new Float32Array(3)], pointShapes: [[3]], count: 1 })).rejects.toThrow(
      /input "m": holds values for 2 examples, but the call does not say which example each point belongs to/,
    );
    await two.dispose();
    const twoInputs = makeModel({
      opset: 17,
      inputs: { x: ['N', 3], m: ['N', 3], n: ['N', 3] },
      nodes: [
        { op: 'Mul', inputs: ['x', 'm'], outputs: ['z'] },
        { op: 'Mul', inputs: ['z', 'n'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const context = { ...perExampleMask(3), n: { data: new Float32Array(6), shape: [2, 3] } };
    await expect(createOnnxBackend(ort, 'onnxruntime-node', twoInputs, { inputs: ['x'], context })).rejects.toThrow(
      /input "n": has 2 rows \(examples\), but "m" has 3/,
    );
  });

  it("two texts in one batch, each with its own attention mask, match Captum's LayerIntegratedGradients of each", async () => {
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
    const activations: Tensor[] = [];
    const baselines: Tensor[] = [];
    for (const example of [0, 1]) {
      activations.push(await explainer.activation(spamExample(example).inputs));
      baselines.push(await explainer.activation({ ...spamExample(example).inputs, ...spamExample(example).baselines }));
    }
    await explainer.dispose();
    const stack = (parts: readonly Tensor[]): Tensor => ({
      data: Float32Array.from(parts.flatMap((p) => Array.from(p.data))),
      shape: [parts.length, ...(parts[0] as Tensor).shape.slice(1)],
    });
    const masks = spamReference.attentionMask;
    expect(masks[0]).not.toEqual(masks[1]);
    const attention_mask = { data: BigInt64Array.from(masks.flat().map(BigInt)), shape: [2, (masks[0] as readonly number[]).length] };
    const cut = cutAtTensor(spamBytes, EMBEDDING_LAYER);
    for (const fused of [true, false]) {
      const backend = await createOnnxBackend(ort, 'onnxruntime-node', cut.suffix, { inputs: [EMBEDDING_LAYER], context: { attention_mask }, fused });
      for (const target of [0, 1]) {
        const result = await integratedGradients(backend, stack(activations), {
          baselines: stack(baselines),
          target,
          steps: spamReference.steps,
          method: 'gauss-legendre',
          batchSize: 16,
        });
        const ours = result.attributions[0]?.data as Float32Array;
        const size = ours.length / 2;
        for (const { example, attributions } of spamReference.cases.filter((c) => c.target === target)) {
          // Measured: at most 2.9e-8 on attributions up to 0.10, as one example at a time.
          expect(maxError(ours.subarray(example * size, (example + 1) * size), attributions)).toBeLessThan(2.5e-7);
        }
      }
      await backend.dispose();
    }
  });
});
