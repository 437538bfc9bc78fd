import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';
import { formatNpy } from '../src/npy.js';
import { ig, tempDir } from './helpers.js';

const [SEQUENCE, HIDDEN, HEADS, CLASSES] = [3, 8, 2, 4];

const ints = (name: string, i: number): onnx.AttributeProto => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });

/**
 * x [1, 3, 8] → Q, K, V projections → RotaryEmbedding of Q and K at positions 0…2 → causal
 * 3-D Attention (2 heads) → the last position → 4 logits: an opset-23 model of the ops that
 * torch.onnx's dynamo exporter emits for a language model's attention.
 */
function attentionModel(): Uint8Array {
  const weight = (name: string, rows: number, columns: number, phase: number): onnx.TensorProto =>
    makeTensor(
      name,
      [rows, columns],
      DataType.FLOAT,
      Array.from({ length: rows * columns }, (_, i) => 0.5 * Math.sin(0.7 * i + phase)),
    );
  const half = HIDDEN / HEADS / 2;
  const angles = Array.from({ length: 4 * half }, (_, k) => Math.floor(k / half) * 10000 ** (-(k % half) / half));
  const node = (opType: string, input: string[], output: string, attribute: onnx.AttributeProto[] = []): onnx.NodeProto =>
    onnx.NodeProto.create({ name: `${opType}_${output}`, opType, input, output: [output], attribute });
  const info = (name: string, dims: number[]): onnx.ValueInfoProto =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } } });
  const graph = onnx.GraphProto.create({
    name: 'attention',
    input: [info('x', [1, SEQUENCE, HIDDEN])],
    output: [info('logits', [1, CLASSES])],
    initializer: [
      weight('wq', HIDDEN, HIDDEN, 0),
      weight('wk', HIDDEN, HIDDEN, 1),
      weight('wv', HIDDEN, HIDDEN, 2),
      weight('wout', HIDDEN, CLASSES, 3),
      makeTensor('cos', [4, half], DataType.FLOAT, angles.map(Math.cos)),
      makeTensor('sin', [4, half], DataType.FLOAT, angles.map(Math.sin)),
      makeTensor('positions', [1, SEQUENCE], DataType.INT64, [0, 1, 2]),
      makeTensor('last', [], DataType.INT64, [SEQUENCE - 1]),
    ],
    node: [
      node('MatMul', ['x', 'wq'], 'q'),
      node('MatMul', ['x', 'wk'], 'k'),
      node('MatMul', ['x', 'wv'], 'v'),
      node('RotaryEmbedding', ['q', 'cos', 'sin', 'positions'], 'q_rotated', [ints('num_heads', HEADS)]),
      node('RotaryEmbedding', ['k', 'cos', 'sin', 'positions'], 'k_rotated', [ints('num_heads', HEADS)]),
      node('Attention', ['q_rotated', 'k_rotated', 'v'], 'attended', [ints('is_causal', 1), ints('q_num_heads', HEADS), ints('kv_num_heads', HEADS)]),
      node('Gather', ['attended', 'last'], 'attended_last', [ints('axis', 1)]),
      node('MatMul', ['attended_last', 'wout'], 'logits'),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 10, producerName: 'ig-cli-tests', opsetImport: [{ domain: '', version: 23 }], graph }));
}

describe('ig explain on an opset-23 model with RotaryEmbedding and Attention', () => {
  it('attributes a logit, and the attributions add up to F(x) − F(0)', async () => {
    const cwd = tempDir('attention');
    const bytes = attentionModel();
    writeFileSync(join(cwd, 'model.onnx'), bytes);
    const x = Float32Array.from({ length: SEQUENCE * HIDDEN }, (_, i) => Math.cos(1.1 * i + 0.3));
    writeFileSync(join(cwd, 'x.npy'), formatNpy(x, [1, SEQUENCE, HIDDEN]));
    const run = ig(['explain', '--model', 'model.onnx', '--input', 'x.npy', '--target', '2', '--json', 'r.json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    // No completeness warning either.
    expect(run.stderr).toBe('');
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { fInput: number; fBaseline: number; delta: number };
    const session = await ort.InferenceSession.create(bytes);
    const logits = (await session.run({ x: new ort.Tensor('float32', x, [1, SEQUENCE, HIDDEN]) })).logits?.data as Float32Array;
    await session.release();
    expect(report.fInput).toBeCloseTo(logits[2] as number, 6);
    expect(report.fBaseline).toBe(0);
    // 50 Gauss–Legendre steps on a smooth path: measured |delta| 1.7e-8 with F(x) = −0.27.
    expect(Math.abs(report.delta)).toBeLessThan(1e-7);
  });
});

describe('ig hierarchy --score cd on the same opset-23 model', () => {
  it('decomposes through RotaryEmbedding and Attention: the whole sequence scores the logit', async () => {
    const cwd = tempDir('attention-cd');
    const bytes = attentionModel();
    writeFileSync(join(cwd, 'model.onnx'), bytes);
    const x = Float32Array.from({ length: SEQUENCE * HIDDEN }, (_, i) => Math.cos(1.1 * i + 0.3));
    writeFileSync(join(cwd, 'x.npy'), formatNpy(x, [1, SEQUENCE, HIDDEN]));
    const args = ['hierarchy', '--model', 'model.onnx', '--input', 'x.npy', '--target', '2', '--score', 'cd', '--tokens', 'a b c', '--json', 'tree.json'];
    const run = ig(args, { cwd });
    expect(run.code, run.stderr).toBe(0);
    const tree = JSON.parse(readFileSync(join(cwd, 'tree.json'), 'utf8')) as {
      score: string;
      fullScore: number;
      levels: { features: number[]; score: number }[][];
    };
    expect(tree.score).toBe('cd');
    const session = await ort.InferenceSession.create(bytes);
    const logits = (await session.run({ x: new ort.Tensor('float32', x, [1, SEQUENCE, HIDDEN]) })).logits?.data as Float32Array;
    await session.release();
    // fullScore is the relevant part under the full mask, which the rules make the whole output.
    expect(tree.fullScore).toBeCloseTo(logits[2] as number, 6);
    expect(tree.levels[0]?.map((group) => group.features.length)).toEqual([HIDDEN, HIDDEN, HIDDEN]);
    expect(tree.levels.flat().every((group) => Number.isFinite(group.score))).toBe(true);
  });
});
