import type { onnx } from '../../proto/generated/onnx.js';
import { isDefaultDomain } from '../../graph/names.js';
import type { CompositeOp } from './composite-op.js';
import { rmsNormalization } from './rms-normalization.js';
import { signalOps } from './signal-ops.js';
import { affineGrid } from './affine-grid.js';
import { gridSample } from './grid-sample.js';
import { attention } from './attention.js';
import { rotaryEmbedding } from './rotary-embedding.js';
import { fusedContribOps } from './contrib/index.js';
import { contribAttentionOps } from './contrib/attention-family.js';
import { qLinearContribOps } from './contrib/qlinear.js';
import { quantizedLinearOps } from './quantized-linear.js';

/** An op's name as `inspect` and the README give it: qualified by its domain outside the default one. */
export const qualifiedOpType = (opType: string, domain: string | null | undefined): string =>
  isDefaultDomain(domain) ? opType : `${domain as string}.${opType}`;

const COMPOSITE_OPS: ReadonlyMap<string, CompositeOp> = new Map(
  [
    rmsNormalization,
    attention,
    rotaryEmbedding,
    ...signalOps,
    gridSample,
    affineGrid,
    ...fusedContribOps,
    ...contribAttentionOps,
    ...quantizedLinearOps,
    ...qLinearContribOps,
  ].map((op) => [qualifiedOpType(op.opType, op.domain), op]),
);

/**
 * The composite op a node is, if any: a standard one from its first opset on (`opset` is the
 * model's default-domain opset), a contrib one (all at version 1 of their domain) always.
 */
export function compositeFor(node: onnx.INodeProto, opset: number): CompositeOp | undefined {
  const op = COMPOSITE_OPS.get(qualifiedOpType(node.opType ?? '', node.domain));
  return op && (op.domain !== undefined || opset >= op.since) ? op : undefined;
}

/** The op types lowered into standard ops before differentiation (qualified by domain), sorted. */
export const compositeOpTypes = (): string[] => [...COMPOSITE_OPS.keys()].sort();
