/**
 * `--output` naming an intermediate tensor (neuron attribution). The model computes
 * h = x·W1 (an intermediate tensor) and y = relu(h)·W2; h_j is linear in x, so from a zero
 * baseline the attributions of --output h --target j are W1[i, j]·x_i exactly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy, writeOnnxModel } from './reliability/models.js';

const [IN, HIDDEN, OUT] = [4, 3, 2];
const w1 = Array.from({ length: IN * HIDDEN }, (_, k) => ((k * 7) % 5) / 4 - 0.5);
const w2 = Array.from({ length: HIDDEN * OUT }, (_, k) => ((k * 3) % 4) / 3 - 0.4);
const x = [0.9, -0.4, 1.3, 0.2];

describe('--output on an intermediate tensor', () => {
  const dir = tempDir('neuron');
  const model = writeOnnxModel(join(dir, 'mlp.onnx'), {
    inputs: { x: [1, IN] },
    outputs: ['y'],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'MatMul', inputs: ['r', 'w2'], outputs: ['y'] },
    ],
    constants: { w1: { dims: [IN, HIDDEN], values: w1 }, w2: { dims: [HIDDEN, OUT], values: w2 } },
  });
  const input = writeNpy(join(dir, 'x.npy'), [1, IN], x);

  it('explains one unit of the tensor: W1[i, j]·x_i, and F is that unit', () => {
    const j = 2;
    const out = join(dir, 'h.npy');
    const report = join(dir, 'h.json');
    const run = ig(['explain', '--model', model, '--input', input, '--output', 'h', '--target', String(j), '--out', out, '--json', report, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const want = x.map((v, i) => (w1[i * HIDDEN + j] as number) * v);
    const got = readFloat32Npy(out);
    expect(got.shape).toEqual([1, IN]);
    got.data.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 6));
    const json = JSON.parse(readFileSync(report, 'utf8')) as { fInput: number; fBaseline: number };
    expect(json.fInput).toBeCloseTo(
      want.reduce((s, v) => s + v, 0),
      6,
    );
    expect(json.fBaseline).toBe(0);
  });

  it('ig inspect --tensors lists the names --output and --layer take, with their shapes', () => {
    const run = ig(['inspect', '--tensors', '--json', model]);
    expect(run.code).toBe(0);
    const { tensors } = JSON.parse(run.stdout) as { tensors: { name: string; opType: string; shape: number[] | null }[] };
    expect(tensors.map(({ name, opType, shape }) => ({ name, opType, shape }))).toEqual([
      { name: 'h', opType: 'MatMul', shape: [1, HIDDEN] },
      { name: 'r', opType: 'Relu', shape: [1, HIDDEN] },
    ]);
  });

  it('a name that no node computes is refused, naming the outputs', () => {
    const run = ig(['explain', '--model', model, '--input', input, '--output', 'nothing']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--output nothing: "nothing" is neither an output of the graph \(y\) nor a tensor that one of its nodes computes/);
  });
});
