import type { ConstantSpec, NodeSpec } from '../helpers/model.js';
import type { OpCase } from './case.js';

export const int32 = (dims: number[], values: number[]): ConstantSpec => ({ dims, values, type: 'int32' });
export const int64 = (dims: number[], values: number[]): ConstantSpec => ({ dims, values, type: 'int64' });

/**
 * One onnxruntime contrib node (domain com.microsoft) reading float inputs and integer constants,
 * writing `y` as output `outputIndex` of `outputCount` (EmbedLayerNormalization's type inference wants mask_index).
 */
export function contrib(
  name: string,
  opset: number,
  op: string,
  inputs: Record<string, number[]>,
  nodeInputs: string[],
  attributes: NodeSpec['attributes'],
  constants: Record<string, ConstantSpec> = {},
  outputIndex = 0,
  outputCount = outputIndex + 1,
): OpCase {
  const outputs = Array.from({ length: Math.max(outputCount, outputIndex + 1) }, (_, i) => (i === outputIndex ? 'y' : `unused_${i}`));
  return {
    name,
    model: {
      opset,
      inputs,
      constants,
      nodes: [{ op, inputs: nodeInputs, outputs, attributes, domain: 'com.microsoft' }],
      outputs: ['y'],
      extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
    },
  };
}

export const withCheck = (check: string[], c: OpCase): OpCase => ({ ...c, check });
