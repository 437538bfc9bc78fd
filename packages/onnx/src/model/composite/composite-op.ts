import type { onnx } from '../../proto/generated/onnx.js';
import type { LoweringBuilder } from './lowering-builder.js';

/**
 * An op differentiated as the graph of standard ops it stands for (its ONNX function body, in
 * effect): the lowering replaces the node by that graph, whose ops have gradient rules, so the
 * gradient of the rewritten model is the gradient of the model.
 */
export interface CompositeOp {
  readonly opType: string;
  /**
   * Its domain where it is not a standard op: 'com.microsoft' for the contrib ops onnxruntime's
   * graph optimizer and model exporters write (FusedConv, SkipLayerNormalization…).
   */
  readonly domain?: string;
  /** The first opset of its domain that defines it (contrib ops: 1). */
  readonly since: number;
  /** The inputs whose gradient the lowering gives: 'all', or their indices. */
  readonly differentiable: 'all' | readonly number[];
  /** Why this node cannot be lowered (an attribute value or input form not covered), or undefined. */
  refusal(node: onnx.INodeProto, opset: number): string | undefined;
  /**
   * Builds the node's computation in `b` from its inputs (their shapes are known) and returns one
   * tensor per node output, in order; an output the model does not use may be undefined.
   */
  lower(b: LoweringBuilder, node: onnx.NodeProto): readonly (string | undefined)[];
}
