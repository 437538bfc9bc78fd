/**
 * A model with many nodes that have no gradient rule: the error's first line names the first node
 * (by the tensor it writes when it has no name) and at most ten nodes follow, one per line. A model
 * whose output depends on its input only through an integer tensor names where the path leaves floats.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, onnx } from '@ig/onnx';
import { ig, tempDir } from '../helpers.js';
import { writeNpy } from './models.js';

const NODES = 12;
const OP = 'MeanVarianceNormalization';
const tensor = (k: number): string => (k === 0 ? 'x' : k === NODES ? 'y' : `t${k}`);
const info = (name: string, type = DataType.FLOAT) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: type, shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }] } } } });
const save = (path: string, node: onnx.NodeProto[]): string => {
  const graph = onnx.GraphProto.create({ name: 'g', input: [info('x')], output: [info('y')], node });
  writeFileSync(path, encodeModel(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })));
  return path;
};

/** x → twelve unnamed MeanVarianceNormalization nodes (an op without a gradient rule) → y. */
function unsupportedChainOnnx(path: string): string {
  const axes = onnx.AttributeProto.create({ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] });
  return save(
    path,
    Array.from({ length: NODES }, (_, k) => onnx.NodeProto.create({ opType: OP, input: [tensor(k)], output: [tensor(k + 1)], attribute: [axes] })),
  );
}

/** x → ArgMax → Cast to float → y: the output depends on x only through an integer tensor. */
function integerPathOnnx(path: string): string {
  const axis = onnx.AttributeProto.create({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 });
  const to = onnx.AttributeProto.create({ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT });
  return save(path, [
    onnx.NodeProto.create({ opType: 'ArgMax', input: ['x'], output: ['t1'], attribute: [axis] }),
    onnx.NodeProto.create({ opType: 'Cast', input: ['t1'], output: ['y'], attribute: [to] }),
  ]);
}

/** x → Ceil → y: a float output that moves in steps. */
function ceilOnnx(path: string): string {
  return save(path, [onnx.NodeProto.create({ opType: 'Ceil', input: ['x'], output: ['y'] })]);
}

describe('nodes without a gradient rule', () => {
  const dir = tempDir('unsupported-nodes');
  const model = unsupportedChainOnnx(join(dir, 'chain.onnx'));
  const input = writeNpy(join(dir, 'x.npy'), [1, 3], [1, 2, 3]);
  const node = (k: number): string => `${OP} (opset 17) unnamed node writing "${tensor(k)}": no gradient rule`;

  it('ig explain lists the first ten of the twelve nodes after one summary line', () => {
    const run = ig(['explain', '--model', model, '--input', input]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`error: ${model}: cannot differentiate the ONNX model: no gradient for ${OP}: ${node(1)}; ${NODES} nodes in all:`);
    expect(lines.slice(1)).toEqual([...Array.from({ length: 10 }, (_, k) => `  ${node(k + 1)}`), '  … and 2 more']);
  });

  it('ig grad-graph, which knows the tensor types, names where the path leaves float tensors instead of writing zero gradients', () => {
    const out = join(dir, 'grad.onnx');
    const integer = integerPathOnnx(join(dir, 'argmax.onnx'));
    const run = ig(['grad-graph', integer, '--output', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `error: ${integer}: cannot build the gradient graph: no gradient for ArgMax: ArgMax (opset 17) unnamed node writing "t1": it writes no float tensor ("t1" (INT64)), and no float path reaches the output "y": its gradient would be zero`,
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('a float output that moves in steps is named as such, not as a tensor that is not float', () => {
    const ceil = ceilOnnx(join(dir, 'ceil.onnx'));
    const run = ig(['explain', '--model', ceil, '--input', input]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `error: ${ceil}: cannot differentiate the ONNX model: no gradient for Ceil: Ceil (opset 17) unnamed node writing "y": its output ("y" (FLOAT)) moves in steps or draws (rounding, a sign, a one-hot, a random sample), not smoothly with its input, so its gradient is zero wherever it exists, and no other path reaches the output "y": the gradient would be zero`,
    ]);
  });
});
