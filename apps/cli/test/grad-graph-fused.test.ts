/**
 * `ig grad-graph --fused` writes a graph that runs the model on its --steps path points at once:
 * its shapes are inferred at that batch, so it runs and gives `ig explain --steps N`'s
 * attributions; a model that fixes its batch, and an --input-shape of several examples, are
 * refused, naming the batch.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { quadrature } from '@ig/core';
import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

type Dim = number | string;

/**
 * y = [Σ tanh(r)·r, Σ sigmoid(r)] over axis 1 of r = x reshaped to [N, −1], for x of `shape` (a
 * string: an open dimension). The Reshape's gradient takes x's shape as inferred: at batch 1
 * where the model runs at batch --steps, the fused graph fails.
 */
function model(shape: readonly Dim[]): Uint8Array {
  const node = (opType: string, input: string[], output: string, attribute: onnx.AttributeProto[] = []): onnx.NodeProto =>
    onnx.NodeProto.create({ name: output, opType, input, output: [output], attribute });
  const ints = (name: string, values: number[]): onnx.AttributeProto =>
    onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
  const int = (name: string, value: number): onnx.AttributeProto => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
  const dims = (list: readonly Dim[]) => list.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  const info = (name: string, list: readonly Dim[]): onnx.ValueInfoProto =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims(list) } } } });
  const graph = onnx.GraphProto.create({
    name: 'fused-test',
    input: [info('x', shape)],
    output: [info('y', [shape[0] as Dim, 2])],
    initializer: [makeTensor('flat', [2], DataType.INT64, [0, -1])],
    node: [
      node('Reshape', ['x', 'flat'], 'r'),
      node('Tanh', ['r'], 't'),
      node('Mul', ['t', 'r'], 'm'),
      node('ReduceSum', ['m'], 'a', [ints('axes', [1]), int('keepdims', 1)]),
      node('Sigmoid', ['r'], 's'),
      node('ReduceSum', ['s'], 'b', [ints('axes', [1]), int('keepdims', 1)]),
      node('Concat', ['a', 'b'], 'y', [int('axis', 1)]),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-cli-tests', opsetImport: [{ domain: '', version: 11 }], graph }));
}

const X = Float32Array.of(0.9, -1.4, 0.3, 2.1, -0.6);

/** The fused graph's attributions of class `target` from a zero baseline: x · Σ_k w_k ∇F(α_k x). */
async function fusedAttributions(graph: string, steps: number, target: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(graph);
  const rule = quadrature('gauss-legendre', steps);
  const seed = new Float32Array(2);
  seed[target] = 1;
  const shape = [1, X.length];
  const result = await session.run({
    ig_input_x: new ort.Tensor('float32', X, shape),
    ig_baseline_x: new ort.Tensor('float32', new Float32Array(X.length), shape),
    ig_alphas: new ort.Tensor('float32', Float32Array.from(rule.alphas), [steps]),
    ig_weights: new ort.Tensor('float32', Float32Array.from(rule.weights), [steps]),
    ig_seed: new ort.Tensor('float32', seed, [1, 2]),
  });
  await session.release();
  const sum = Object.values(result)[0]?.data as Float32Array;
  return X.map((x, i) => x * (sum[i] as number));
}

describe('ig grad-graph --fused', () => {
  const dir = tempDir('grad-graph-fused');
  writeFileSync(join(dir, 'x.npy'), formatNpy(X, [1, X.length]));
  writeFileSync(join(dir, 'open.onnx'), model(['N', 'L']));
  writeFileSync(join(dir, 'fixed.onnx'), model([1, X.length]));

  it('with --input-shape, builds the graph for the batch of --steps points and gives the attributions of ig explain --steps', async () => {
    const steps = 8;
    const built = ig(['grad-graph', 'open.onnx', '-o', 'fused.onnx', '--fused', '--steps', String(steps), '--input-shape', `x=1,${X.length}`], { cwd: dir });
    expect(built.code, built.stderr).toBe(0);
    const explained = ig(['explain', '--model', 'open.onnx', '--input', 'x.npy', '--target', '1', '--steps', String(steps), '--out', 'a.npy', '-q'], {
      cwd: dir,
    });
    expect(explained.code, explained.stderr).toBe(0);
    const expected = readFloat32Npy(join(dir, 'a.npy')).data;
    const fused = await fusedAttributions(join(dir, 'fused.onnx'), steps, 1);
    fused.forEach((a, i) => expect(a).toBeCloseTo(expected[i] as number, 6));
    expect(Math.max(...Array.from(fused, Math.abs))).toBeGreaterThan(0.01);
  });

  it('refuses an --input-shape of several examples, naming its batch', () => {
    const run = ig(['grad-graph', 'open.onnx', '-o', 'f2.onnx', '--fused', '--steps', '8', '--input-shape', 'x=2,5'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--input-shape x=2,5 gives a batch of 2, but the --fused graph explains one example: give x=1,5');
  });

  it('refuses a model that fixes its batch at 1 for --steps 8, naming the batch, and builds a running graph at --steps 1', async () => {
    const refused = ig(['grad-graph', 'fixed.onnx', '-o', 'f3.onnx', '--fused', '--steps', '8'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--fused runs the model on the --steps 8 path points at once, but its input 'x' [1, 5] fixes the batch at 1");
    const one = ig(['grad-graph', 'fixed.onnx', '-o', 'f4.onnx', '--fused', '--steps', '1'], { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    const fused = await fusedAttributions(join(dir, 'f4.onnx'), 1, 0);
    // One point at α = ½: x · ∂/∂x Σ tanh(x)·x at x/2.
    fused.forEach((a, i) => {
      const h = (X[i] as number) / 2;
      expect(a).toBeCloseTo((X[i] as number) * (Math.tanh(h) + h * (1 - Math.tanh(h) ** 2)), 5);
    });
  });
});
