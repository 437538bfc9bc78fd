import { describe, expect, it } from 'vitest';
import { IGError } from '@ig/core';
import { DataType, InvalidModelError, inspect, makeTensor, UnsupportedOpError, UnsupportedOpsetError, type Attributes } from '../src/index.js';
import { onnxBackend } from '../src/node.js';
import { oldExportBytes, oldExportCases } from './helpers/old-exports.js';
import { makeModel } from './helpers/model.js';

async function refusal(name: string, output: string): Promise<unknown> {
  return onnxBackend(oldExportBytes(name), { output }).then(
    async (backend) => {
      await backend.dispose();
      return undefined;
    },
    (error: unknown) => error,
  );
}

describe('outputs that cannot be explained are refused by name, before any session runs', () => {
  it.each([
    ['out-topk', 'top_indices', /^output "top_indices" is INT64 \(written by TopK node "\/TopK"\): integer outputs .* \(float outputs: logits, top_values\)$/],
    ['out-argmax', 'label', /^output "label" is INT64 \(written by ArgMax node "\/ArgMax"\)/],
    ['out-passthrough', 'x', /^output "x" is a graph input passed through unchanged: there is no path to differentiate; .*\(float outputs: logits\)$/],
    ['out-passthrough', 'Wm', /^output "Wm" is an initializer \(a constant of the model\): no input reaches it/],
  ])('%s: output %s', async (name, output, message) => {
    const error = await refusal(name, output);
    expect(error).toBeInstanceOf(InvalidModelError);
    expect((error as Error).message).toMatch(message);
  });

  it('an output computed from initializers only: no attributed input reaches it', async () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 3] },
      constants: { w: { dims: [1, 3], values: [1, 2, 3] } },
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['y'] },
        { op: 'Add', inputs: ['w', 'w'], outputs: ['c'] },
      ],
      outputs: ['y', 'c'],
    });
    const error = await onnxBackend(bytes, { output: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidModelError);
    expect((error as Error).message).toBe('output "c" does not depend on the attributed input(s) "x": its gradient is zero');
  });

  it('the other output of the same model is explained (TopK values)', async () => {
    expect(await refusal('out-topk', 'top_values')).toBeUndefined();
  });

  it('an output without batch axis, from an input without one: a typed error naming the output', async () => {
    const backend = await onnxBackend(oldExportBytes('out-one'));
    try {
      const x = Float32Array.from({ length: 6 }, (_, i) => i / 6);
      const error = await backend.predict({ points: [x], pointShapes: [[]], count: 6 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IGError);
      expect((error as Error).message).toMatch(/output "score" has shape \[1\] .*first axis must be the batch axis/);
    } finally {
      await backend.dispose();
    }
  });
});

const legacy = (opset: number, op: string, attributes: Attributes, extra: readonly string[] = []): Uint8Array =>
  makeModel({ opset, inputs: { x: [1, 2, 4, 4] }, nodes: [{ op, inputs: ['x', ...extra], outputs: ['y'], attributes }], outputs: ['y'] });

describe('legacy forms no rewrite knows are refused with the op, node and opset', () => {
  it.each([
    ['Pad-1 (paddings)', legacy(1, 'Pad', { paddings: { ints: [0, 0, 1, 1, 0, 0, 1, 1] } }), /Pad \(opset 1\).*its opset-1 form is not rewritten to opset 11/],
    ['Upsample-1 (experimental)', legacy(6, 'Upsample', { height_scale: { float: 2 }, width_scale: { float: 2 } }), /Upsample \(opset 6\)/],
    [
      'BatchNormalization with spatial=0',
      makeModel({
        opset: 7,
        inputs: { x: [1, 2, 2, 2] },
        constants: Object.fromEntries(['s', 'b', 'm', 'v'].map((n) => [n, { dims: [2, 2, 2], values: new Array<number>(8).fill(1) }])),
        nodes: [{ op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y'], attributes: { spatial: { int: 0 } } }],
        outputs: ['y'],
      }),
      /BatchNormalization \(opset 7\).*spatial=0 \(per-activation statistics\) is not supported/,
    ],
  ])('%s', async (_, bytes, message) => {
    const error = await onnxBackend(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpError);
    expect((error as Error).message).toMatch(message);
  });

  it('opset 0 (no such opset) is an UnsupportedOpsetError', async () => {
    const bytes = makeModel({ opset: 0, inputs: { x: [1, 2] }, nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], outputs: ['y'] });
    expect(await onnxBackend(bytes).catch((e: unknown) => e)).toBeInstanceOf(UnsupportedOpsetError);
  });
});

describe('inspect on old and odd exports', () => {
  it('lists only the real input of an IR-3 file whose every weight is also a graph input', () => {
    const summary = inspect(oldExportBytes('ir3-initializers'));
    expect(summary.irVersion).toBe(3);
    expect(summary.inputs).toEqual([{ name: 'input_1:0', type: 'float', shape: [1, 3, 8, 8] }]);
    expect(summary.outputs.map((o) => o.name)).toEqual(['dense/BiasAdd:0']);
  });

  it('sets an input no node reads apart, and the backend neither attributes nor asks for it', async () => {
    const summary = inspect(oldExportBytes('in-unused'));
    expect(summary.inputs.map((i) => i.name)).toEqual(['x']);
    expect(summary.unusedInputs).toEqual(['unused']);
    const backend = await onnxBackend(oldExportBytes('in-unused'));
    expect(backend.inputNames).toEqual(['x']);
    await backend.dispose();
  });

  it('an input shadowed by an initializer is a default, not an input to feed', () => {
    expect(inspect(oldExportBytes('in-shadowed')).inputs.map((i) => i.name)).toEqual(['x']);
  });

  it.each(Object.keys(oldExportCases))('%s: every op has a gradient rule at its opset (Upsample as the Resize it becomes)', (name) => {
    const coverage = inspect(oldExportBytes(name)).gradientCoverage;
    expect(coverage.opsetSupported).toBe(true);
    expect(coverage.unsupported).toEqual([]);
  });
});

describe('int64 initializers the legacy rewrites write', () => {
  it('saturate at INT64_MAX instead of wrapping (Slice-1 ends of 2^63 − 1, read as 2^63)', () => {
    const tensor = makeTensor('ends', [2], DataType.INT64, [2 ** 63, -(2 ** 63) * 2]);
    const raw = tensor.rawData as Uint8Array;
    expect(Array.from(new BigInt64Array(raw.slice().buffer))).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
  });
});
