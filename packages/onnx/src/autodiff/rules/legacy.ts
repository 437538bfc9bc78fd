import type { onnx } from '../../proto/generated/onnx.js';
import { intAttribute } from '../../graph/attributes.js';
import { InvalidModelError, UnknownShapeError } from '../../errors.js';

/** What a legacy rewrite (see LegacyRewrite) may do besides changing its node. */
export interface LegacyUpgrade {
  /** The model's default-domain opset, 1–10. */
  readonly version: number;
  /** Shapes known; the shapes of tensors the rewrite adds are recorded here. */
  readonly shapes: Map<string, readonly number[]>;
  /** The rank of a tensor: from its shape, else where the ops before it fix it (see legacyRanks). */
  rank(name: string): number | undefined;
  /** Adds an initializer and returns its name. */
  constant(hint: string, dims: readonly number[], dataType: number, values: readonly number[]): string;
  /** Adds a Reshape of `x` to `dims` before the node and returns its output (named after `hint`). */
  reshape(x: string, dims: readonly number[], hint: string): string;
  /** Adds an Unsqueeze of `x` (of rank `rank`) by `count` trailing axes of 1 and returns its output. */
  trailingAxes(x: string, rank: number, count: number, hint: string): string;
}

/**
 * Rewrites a node of a model at a legacy opset (1–10) into its opset-11 form (see
 * upgradeToOpset11). `node` is a copy the rewrite may change. Ops without one only lose
 * `consumed_inputs`.
 */
export type LegacyRewrite = (node: onnx.NodeProto, upgrade: LegacyUpgrade) => void;

/** An op that has a legacy form but no rule of its own, e.g. Upsample, which becomes Resize. */
export interface LegacyOp {
  readonly opType: string;
  readonly legacy: LegacyRewrite;
}

/** Removes the attributes `names` from `node`. */
export function dropAttributes(node: onnx.NodeProto, ...names: string[]): void {
  node.attribute = (node.attribute ?? []).filter((a) => !names.includes(a.name ?? ''));
}

/** Attributes that opset 11 dropped (Dropout and the normalizations). */
export const dropTestAttributes: LegacyRewrite = (node) => dropAttributes(node, 'is_test', 'spatial', 'consumed_inputs');

/**
 * Before opset 7, binary ops broadcast only with `broadcast=1`, `axis` aligning the second
 * operand; from 7 on, NumPy rules: such an operand gets a Reshape that aligns it.
 */
export const legacyBroadcast: LegacyRewrite = (node, upgrade) => {
  if (upgrade.version >= 7) {
    dropAttributes(node, 'consumed_inputs');
    return;
  }
  const broadcast = intAttribute(node, 'broadcast', 0);
  const hasAxis = (node.attribute ?? []).some((a) => a.name === 'axis');
  if (broadcast === 1 && hasAxis && node.opType !== 'Gemm') {
    const [a, b] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
    const aRank = upgrade.rank(a);
    const bShape = upgrade.shapes.get(b);
    const bRank = upgrade.rank(b);
    if (aRank === undefined) throw new UnknownShapeError(a);
    if (bRank === undefined) throw new UnknownShapeError(b);
    const axis = intAttribute(node, 'axis', 0);
    const start = axis < 0 ? axis + aRank : axis;
    const trailing = aRank - start - bRank;
    if (start < 0 || trailing < 0) throw new InvalidModelError(`${node.opType} node "${node.name ?? ''}": legacy broadcast axis ${axis} does not fit shapes`);
    // A shape a computed operand does not state (a symbolic batch) is aligned by its rank alone.
    const aligned = bShape
      ? upgrade.reshape(b, [...bShape, ...new Array<number>(trailing).fill(1)], 'aligned')
      : upgrade.trailingAxes(b, bRank, trailing, 'aligned');
    node.input = [a, aligned];
  }
  dropAttributes(node, 'broadcast', 'axis', 'consumed_inputs');
};
