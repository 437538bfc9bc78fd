import type { NodeSpec } from '../helpers/model.js';
import { node, type OpCase } from './case.js';

export const MICROSOFT = 'com.microsoft';

/** A one-node model of an onnxruntime contrib op (domain com.microsoft unless `domain` says ''). */
export function contrib(
  name: string,
  opset: number,
  op: string,
  inputs: Readonly<Record<string, readonly number[]>>,
  attributes: NodeSpec['attributes'] = {},
  extra: { nodeInputs?: readonly string[]; ranges?: OpCase['ranges']; check?: readonly string[]; domain?: string } = {},
): OpCase {
  const domain = extra.domain ?? MICROSOFT;
  // The weights of a convolution are not differentiated (as the standard Conv's).
  const check = extra.check ?? (op === 'FusedConv' ? Object.keys(inputs).filter((input) => input !== 'w') : undefined);
  return {
    name,
    model: {
      opset,
      inputs,
      nodes: [{ ...node(op, extra.nodeInputs ?? Object.keys(inputs), ['y'], attributes), domain }],
      outputs: ['y'],
      extraOpsets: [{ domain: MICROSOFT, version: 1 }],
    },
    ranges: extra.ranges,
    check,
  };
}
