/**
 * A model with many nodes that have no gradient rule: the error's first line names the first node
 * (by the tensor it writes when it has no name) and at most ten nodes follow, one per line.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';
import { ig, tempDir } from '../helpers.js';
import { writeNpy } from './models.js';

const NODES = 12;
const opType = (k: number): string => (k % 2 === 1 ? 'QuantizeLinear' : 'DequantizeLinear');
const tensor = (k: number): string => (k === 0 ? 'x' : k === NODES ? 'y' : `t${k}`);

/** x → six unnamed QuantizeLinear → DequantizeLinear pairs (a quantized model's activations) → y. */
function quantizedChainOnnx(path: string): string {
  const info = (name: string) =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }] } } } });
  const node = Array.from({ length: NODES }, (_, k) =>
    onnx.NodeProto.create({ opType: opType(k + 1), input: [tensor(k), 'scale', 'zero'], output: [tensor(k + 1)] }),
  );
  const initializer = [
    makeTensor('scale', [], DataType.FLOAT, [0.05]),
    onnx.TensorProto.create({ name: 'zero', dims: [], dataType: DataType.UINT8, rawData: Uint8Array.of(128) }),
  ];
  const graph = onnx.GraphProto.create({ name: 'g', input: [info('x')], output: [info('y')], node, initializer });
  writeFileSync(path, encodeModel(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })));
  return path;
}

describe('nodes without a gradient rule', () => {
  const dir = tempDir('unsupported-nodes');
  const model = quantizedChainOnnx(join(dir, 'quantized.onnx'));
  const input = writeNpy(join(dir, 'x.npy'), [1, 3], [1, 2, 3]);
  const node = (k: number): string => `${opType(k)} (opset 17) unnamed node writing "${tensor(k)}": no gradient rule`;

  it('ig explain lists the first ten of the twelve nodes after one summary line', () => {
    const run = ig(['explain', '--model', model, '--input', input]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `error: ${model}: cannot differentiate the ONNX model: no gradient for DequantizeLinear, QuantizeLinear: ${node(1)}; ${NODES} nodes in all:`,
    );
    expect(lines.slice(1)).toEqual([...Array.from({ length: 10 }, (_, k) => `  ${node(k + 1)}`), '  … and 2 more']);
  });

  it('ig grad-graph, which knows the tensor types, names where the path leaves float tensors instead of writing zero gradients', () => {
    const out = join(dir, 'grad.onnx');
    const run = ig(['grad-graph', model, '--output', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `error: ${model}: cannot build the gradient graph: no gradient for QuantizeLinear: QuantizeLinear (opset 17) unnamed node writing "t1": it writes no float tensor ("t1" (UINT8)), and no float path reaches the output "y": its gradient would be zero`,
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
