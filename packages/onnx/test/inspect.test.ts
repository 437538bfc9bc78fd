import { describe, expect, it } from 'vitest';
import { captumModelBytes } from '@ig/test-fixtures';
import { inspect } from '../src/index.js';
import { makeModel } from './helpers/model.js';

describe('inspect', () => {
  it('summarizes the small CNN', () => {
    const s = inspect(captumModelBytes('small_cnn'));
    expect(s.opsets).toEqual({ 'ai.onnx': 13 });
    expect(s.inputs).toEqual([{ name: 'input', type: 'float', shape: ['batch', 1, 28, 28] }]);
    expect(s.outputs).toEqual([{ name: 'logits', type: 'float', shape: ['batch', 10] }]);
    expect(s.ops).toEqual({ Conv: 2, Relu: 2, MaxPool: 1, GlobalAveragePool: 1, Flatten: 1, Gemm: 1 });
    expect(s.initializerCount).toBe(6);
    expect(s.gradientCoverage).toEqual({
      opsetSupported: true,
      differentiable: ['Conv', 'Flatten', 'Gemm', 'GlobalAveragePool', 'MaxPool', 'Relu'],
      nonDifferentiable: [],
      unsupported: [],
    });
  });

  it('lists ops without rules and ops without gradients', () => {
    const s = inspect(
      makeModel({
        opset: 21,
        inputs: { x: [2, 3] },
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Det', inputs: ['x'], outputs: ['h'] },
          { op: 'Custom', inputs: ['h'], outputs: ['y'], domain: 'com.example' },
        ],
        outputs: ['y'],
        extraOpsets: [{ domain: 'com.example', version: 2 }],
      }),
    );
    expect(s.opsets).toEqual({ 'ai.onnx': 21, 'com.example': 2 });
    expect(s.ops).toEqual({ Shape: 1, Det: 1, 'com.example.Custom': 1 });
    expect(s.gradientCoverage.unsupported).toEqual(['Det', 'com.example.Custom']);
    expect(s.gradientCoverage.nonDifferentiable).toEqual(['Shape']);
  });

  it('counts a composite op as differentiable from the opset that defines it', () => {
    const at = (opset: number): readonly string[] =>
      inspect(makeModel({ opset, inputs: { x: [2, 4], s: [4] }, nodes: [{ op: 'RMSNormalization', inputs: ['x', 's'], outputs: ['y'] }], outputs: ['y'] }))
        .gradientCoverage.differentiable;
    expect(at(23)).toEqual(['RMSNormalization']);
    expect(at(22)).toEqual([]);
  });
});
