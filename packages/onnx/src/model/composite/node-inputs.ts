import type { onnx } from '../../proto/generated/onnx.js';
import { UnsupportedOpError } from '../../errors.js';
import { isDefaultDomain } from '../../graph/names.js';
import type { LoweringBuilder } from './lowering-builder.js';

/** The typed error for a form of a composite node that the lowering does not cover. */
export function unloweredForm(b: LoweringBuilder, node: onnx.INodeProto, reason: string): UnsupportedOpError {
  return new UnsupportedOpError([
    {
      opType: node.opType ?? '',
      domain: isDefaultDomain(node.domain) ? '' : (node.domain as string),
      nodeName: node.name ?? '',
      output: node.output?.[0] ?? '',
      opset: b.opset,
      reason,
    },
  ]);
}

/** The name of input `index`, or undefined where the node leaves it out. */
export function optionalInput(node: onnx.INodeProto, index: number): string | undefined {
  const name = node.input?.[index];
  return name ? name : undefined;
}

/**
 * The value of an integer input that fixes the lowering's shapes (a length, an axis): it must be
 * a scalar (or, where `oneElement` allows it, a one-element tensor) whose value is known before
 * the graph runs (an initializer or a Constant).
 */
export function constantInteger(b: LoweringBuilder, node: onnx.INodeProto, index: number, what: string, oneElement = false): number {
  const name = node.input?.[index] ?? '';
  if (!b.hasConstantValues(name)) throw unloweredForm(b, node, `${what} (input ${index}, "${name}") must be a constant: it fixes the shapes of the lowering`);
  const shape = b.shape(name);
  const values = b.constantValues(name);
  if (values.length !== 1 || (shape.length > 0 && !(oneElement && shape.length === 1)))
    throw unloweredForm(b, node, `${what} (input ${index}, "${name}") must be a scalar, not of shape [${shape.join(', ')}]`);
  return values[0] as number;
}
