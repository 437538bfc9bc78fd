import type { onnx } from '../../proto/generated/onnx.js';
import { isDefaultDomain } from '../../graph/names.js';
import type { CompositeOp } from './composite-op.js';
import { rmsNormalization } from './rms-normalization.js';
import { signalOps } from './signal-ops.js';
import { affineGrid } from './affine-grid.js';
import { gridSample } from './grid-sample.js';
import { attention } from './attention.js';
import { rotaryEmbedding } from './rotary-embedding.js';

const COMPOSITE_OPS: ReadonlyMap<string, CompositeOp> = new Map(
  [rmsNormalization, attention, rotaryEmbedding, ...signalOps, gridSample, affineGrid].map((op) => [op.opType, op]),
);

/** The composite op a node is, at the model's default-domain opset, if any. */
export function compositeFor(node: onnx.INodeProto, opset: number): CompositeOp | undefined {
  if (!isDefaultDomain(node.domain)) return undefined;
  const op = COMPOSITE_OPS.get(node.opType ?? '');
  return op && opset >= op.since ? op : undefined;
}

/** The op types lowered into standard ops before differentiation, sorted. */
export const compositeOpTypes = (): string[] => [...COMPOSITE_OPS.keys()].sort();
