import type { onnx } from '../proto/generated/onnx.js';

/** What static shape inference knows about one tensor: its shape, type and (for integer tensors) values. */
export interface KnownTensor {
  readonly shape: readonly number[];
  readonly dataType: number;
  readonly values?: readonly number[];
}

/** Output facts of one node, or null where this module cannot decide them (the caller then probes). */
export type Infer = (node: onnx.INodeProto, input: (index: number) => KnownTensor | undefined) => (KnownTensor | undefined)[] | null;
