import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';
import { ig, tempDir } from './helpers.js';

const TABLE = [0.5, -1, 2, 0.25, -0.75, 1.5, 3, -2, 1, 1];

/** y = x ⊙ Σ_c E[ids, c]: token ids (int64) pick rows of E [5, 2], which scale the float input x. */
function embeddingModel(): Uint8Array {
  const node = (opType: string, input: string[], output: string, attribute: onnx.AttributeProto[] = []): onnx.NodeProto =>
    onnx.NodeProto.create({ name: output, opType, input, output: [output], attribute });
  const info = (name: string, elemType: number): onnx.ValueInfoProto =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } } });
  const graph = onnx.GraphProto.create({
    name: 'embedding',
    input: [info('ids', DataType.INT64), info('x', DataType.FLOAT)],
    output: [info('y', DataType.FLOAT)],
    initializer: [makeTensor('E', [5, 2], DataType.FLOAT, TABLE)],
    node: [
      node('Gather', ['E', 'ids'], 'e'),
      node('ReduceSum', ['e'], 'r', [
        onnx.AttributeProto.create({ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [2] }),
        onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
      ]),
      node('Mul', ['x', 'r'], 'y'),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-cli-tests', opsetImport: [{ domain: '', version: 11 }], graph }));
}

describe('ig grad-graph on a model with an integer input', () => {
  it('probes its shapes with integer zeros and differentiates the float input: ∂y₁/∂x₁ = Σ_c E[ids₁, c]', async () => {
    const cwd = tempDir('grad-graph-ids');
    writeFileSync(join(cwd, 'embedding.onnx'), embeddingModel());
    const run = ig(['grad-graph', 'embedding.onnx', '-o', 'g.onnx'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ig_grad_x = ∂/∂x');
    const session = await ort.InferenceSession.create(join(cwd, 'g.onnx'));
    const ids = BigInt64Array.of(3n, 1n);
    const result = await session.run({
      ids: new ort.Tensor('int64', ids, [1, 2]),
      x: new ort.Tensor('float32', Float32Array.of(0.7, -1.3), [1, 2]),
      ig_seed: new ort.Tensor('float32', Float32Array.of(0, 1), [1, 2]),
    });
    const gradient = Array.from(result['ig_grad_x']?.data as Float32Array);
    // Rows 3 and 1 of E sum to 1 and 2.25: ∂y₁/∂x = [0, 2.25], exact in float32.
    expect(gradient).toEqual([0, (TABLE[2] as number) + (TABLE[3] as number)]);
    await session.release();
  });

  it('says which tensors --wrt takes when it names one that is not a model input', () => {
    const cwd = tempDir('grad-graph-wrt');
    writeFileSync(join(cwd, 'embedding.onnx'), embeddingModel());
    const run = ig(['grad-graph', 'embedding.onnx', '--wrt', 'e', '-o', 'g.onnx'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/"e" is not an input of the graph \(inputs: ids, x\)/);
  });
});
