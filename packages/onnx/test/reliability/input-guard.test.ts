import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShapeMismatchError, integratedGradients, tensor } from '@ig/core';
import { describe, expect, it } from 'vitest';
import { InvalidModelError, onnxBackend } from '../../src/node.js';
import { makeModel } from '../helpers/model.js';

const twoInputs = makeModel({ opset: 17, inputs: { a: ['N', 3], b: ['N', 3] }, nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }], outputs: ['y'] });
const oneInput = makeModel({ opset: 17, inputs: { x: ['N', 3] }, nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], outputs: ['y'] });
const sumOfSquares = (batch: number | string): Uint8Array =>
  makeModel({
    opset: 17,
    inputs: { x: [batch, 3] },
    nodes: [
      { op: 'Mul', inputs: ['x', 'x'], outputs: ['s'] },
      { op: 'ReduceSum', inputs: ['s'], outputs: ['y'], attributes: { keepdims: { int: 0 } } },
    ],
    outputs: ['y'],
  });
const x = tensor([1, -2, 0.5], [1, 3]);

describe('onnxBackend checks its inputs against the model', () => {
  it('one input for a two-input model: a ShapeMismatchError naming both inputs', async () => {
    const backend = await onnxBackend(twoInputs);
    await expect(integratedGradients(backend, x, { target: 0 })).rejects.toThrow(ShapeMismatchError);
    await expect(integratedGradients(backend, x, { target: 0 })).rejects.toThrow('the model takes 2 input(s) ("a", "b") but 1 were given');
    await backend.dispose();
  });

  it('two inputs for a one-input model: a ShapeMismatchError, not a backend contract error', async () => {
    const backend = await onnxBackend(oneInput);
    await expect(integratedGradients(backend, [x, x], { target: 0 })).rejects.toThrow('the model takes 1 input(s) ("x") but 2 were given');
    await backend.dispose();
  });

  it('a point shape that contradicts a fixed dimension names the input and both shapes', async () => {
    const backend = await onnxBackend(oneInput);
    await expect(integratedGradients(backend, tensor([1, 2], [1, 2]), { target: 0 })).rejects.toThrow('input "x" takes [N, 3] but was given [N, 2]');
    await backend.dispose();
  });

  it('a scalar output under a free batch axis is an InvalidModelError naming the output', async () => {
    const backend = await onnxBackend(sumOfSquares('N'));
    const run = integratedGradients(backend, x);
    await expect(run).rejects.toThrow(InvalidModelError);
    await expect(integratedGradients(backend, x)).rejects.toThrow(/output "y" has shape \[\] for a batch of 1: its first axis must be the batch axis/);
    await backend.dispose();
  });

  it('a scalar output with the batch fixed at 1 still works: IG of Σx² from 0 is x²', async () => {
    const backend = await onnxBackend(sumOfSquares(1));
    const result = await integratedGradients(backend, x, { steps: 8 });
    // Gauss–Legendre with 8 points integrates the linear gradient 2αx exactly; float32 rounding only.
    result.attributions[0]!.data.forEach((v, i) => expect(v).toBeCloseTo((x.data[i] as number) ** 2, 5));
    await backend.dispose();
  });
});

describe('onnxruntime logging', () => {
  it('a failing run prints nothing on stderr; the runtime message is in the thrown error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ig-onnx-log-'));
    const model = makeModel({
      opset: 17,
      inputs: { x: ['N', 3] },
      constants: { shape: { dims: [2], values: [5, 5], type: 'int64' } },
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
      outputs: ['y'],
    });
    writeFileSync(join(dir, 'bad.onnx'), model);
    const script = `
      import { onnxBackend } from '@ig/onnx/node';
      import { readFileSync } from 'node:fs';
      const backend = await onnxBackend(readFileSync(${JSON.stringify(join(dir, 'bad.onnx'))}));
      try { await backend.predict({ points: [new Float32Array(3)], pointShapes: [[3]], count: 1 }); }
      catch (error) { console.log(error.name + ': ' + error.message); }`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/^RuntimeError: onnxruntime-node\/cpu failed to run the model: .*Reshape/);
  });
});
