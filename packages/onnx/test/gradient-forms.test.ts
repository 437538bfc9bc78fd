import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { buildGradientModel, createOnnxBackend, type OrtModuleLike, type OrtSessionOptionsLike } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';

/** Op types of the nodes the gradient rules added (the forward nodes are `n0`, `n1`, …). */
function gradientOps(bytes: Uint8Array, shapes: Record<string, readonly number[]>): string[] {
  const built = buildGradientModel(bytes, { facts: { shapes: new Map(Object.entries(shapes)) } });
  return (built.model.graph?.node ?? []).filter((n) => n.name?.startsWith('ig_grad')).map((n) => n.opType ?? '');
}

function convModel(strides: readonly number[], group = 1): Uint8Array {
  return makeModel({
    opset: 13,
    inputs: { x: [1, 4, 6, 6] },
    constants: { w: { dims: [4, 4 / group, 3, 3], values: Array.from({ length: 144 / group }, (_, i) => (i % 7) - 3) } },
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { pads: { ints: [1, 1, 1, 1] }, strides: { ints: strides }, group: { int: group } } },
    ],
    outputs: ['y'],
  });
}

// The per-op finite-difference cases (op-cases/linear-conv.ts) check the numbers of both forms.
describe('the forms the gradient rules emit', () => {
  it('Conv at stride 1 (any group count) takes its input gradient as a Conv', () => {
    for (const group of [1, 2, 4]) {
      const ops = gradientOps(convModel([1, 1], group), { x: [1, 4, 6, 6], w: [4, 4 / group, 3, 3], y: [1, 4, 6, 6] });
      expect(ops).toContain('Conv');
      expect(ops).not.toContain('ConvTranspose');
    }
  });

  it('Conv at equal 2-D strides with a large kernel takes its input gradient as one Conv over all output phases', () => {
    const model = (kernel: number, pads: number, group: number): Uint8Array =>
      makeModel({
        opset: 13,
        inputs: { x: [1, 4, 12, 12] },
        constants: { w: { dims: [4, 4 / group, kernel, kernel], values: Array.from({ length: (16 / group) * kernel * kernel }, (_, i) => (i % 7) - 3) } },
        nodes: [
          {
            op: 'Conv',
            inputs: ['x', 'w'],
            outputs: ['y'],
            attributes: { pads: { ints: [pads, pads, pads, pads] }, strides: { ints: [2, 2] }, group: { int: group } },
          },
        ],
        outputs: ['y'],
      });
    for (const group of [1, 2, 4]) {
      // 7×7 at stride 2: a Conv over the four phases, then a one-hot interleave.
      expect(gradientOps(model(7, 3, group), { x: [1, 4, 12, 12], w: [4, 4 / group, 7, 7], y: [1, 4, 6, 6] })).toContain('Conv');
      // 3×3 at stride 2 would waste 7 of 16 taps: the transposed convolution stays.
      const small = gradientOps(model(3, 1, group), { x: [1, 4, 12, 12], w: [4, 4 / group, 3, 3], y: [1, 4, 6, 6] });
      expect(small).toContain('ConvTranspose');
      expect(small).not.toContain('Conv');
    }
  });

  it('MaxPool needs neither the Indices output nor ops WebGPU has no kernel for', () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [1, 2, 7, 7] },
      nodes: [
        {
          op: 'MaxPool',
          inputs: ['x'],
          outputs: ['y'],
          attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } },
        },
      ],
      outputs: ['y'],
    });
    const built = buildGradientModel(bytes, {
      facts: {
        shapes: new Map([
          ['x', [1, 2, 7, 7]],
          ['y', [1, 2, 4, 4]],
        ]),
      },
    });
    const added = (built.model.graph?.node ?? []).filter((n) => n.name?.startsWith('ig_grad'));
    for (const op of ['And', 'Or', 'Max', 'Sum', 'Sign', 'ConvTranspose']) expect(added.map((n) => n.opType)).not.toContain(op);
    for (const n of added.filter((n) => n.opType === 'MaxPool')) expect(n.output).toHaveLength(1);
  });
});

describe('session options of the gradient graphs', () => {
  /** onnxruntime-node, recording the options of every session created. */
  function recording(): { ort: OrtModuleLike; options: OrtSessionOptionsLike[] } {
    const options: OrtSessionOptionsLike[] = [];
    const ort: OrtModuleLike = {
      Tensor: runtimes.node.Tensor,
      InferenceSession: {
        create: (model, opts) => {
          options.push(opts ?? {});
          return runtimes.node.InferenceSession.create(model, opts);
        },
      },
    };
    return { ort, options };
  }

  const model = convModel([1, 1]);
  const x = tensor(
    Float32Array.from({ length: 144 }, (_, i) => Math.sin(i)),
    [1, 4, 6, 6],
  );

  it('gradient and fused sessions run without the memory pattern; the forward session keeps the caller’s options', async () => {
    for (const fused of [true, false]) {
      const { ort, options } = recording();
      const backend = await createOnnxBackend(ort, 'onnxruntime-node', model, { fused, sessionOptions: { intraOpNumThreads: 1 } });
      await integratedGradients(backend, x, { target: 0, steps: 4 });
      await backend.dispose();
      const [forward, ...derived] = options;
      expect(forward?.enableMemPattern).toBeUndefined();
      // Shape probes (graphOptimizationLevel 'disabled') aside, every other session is a gradient graph.
      const gradient = derived.filter((o) => o.graphOptimizationLevel !== 'disabled');
      expect(gradient.length).toBeGreaterThan(0);
      for (const o of gradient) expect(o).toMatchObject({ enableMemPattern: false, intraOpNumThreads: 1 });
    }
  });

  it('an explicit enableMemPattern wins', async () => {
    const { ort, options } = recording();
    const backend = await createOnnxBackend(ort, 'onnxruntime-node', model, { sessionOptions: { enableMemPattern: true } });
    await integratedGradients(backend, x, { target: 0, steps: 4 });
    await backend.dispose();
    for (const o of options) expect(o.enableMemPattern).toBe(true);
  });
});
