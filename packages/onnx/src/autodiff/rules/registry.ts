import type { GradientRule } from './rule.js';
import type { LegacyRewrite } from './legacy.js';
import { noGradientOps } from './no-gradient.js';
import { activationRules } from './activations.js';
import { convRules } from './conv.js';
import { depthSpaceRules } from './depth-space.js';
import { einsumRules } from './einsum.js';
import { gatherRules } from './gather.js';
import { elementwiseRules } from './elementwise.js';
import { linearRules } from './linear.js';
import { normalizationRules } from './normalization.js';
import { poolingRules } from './pooling.js';
import { quantizationRules } from './quantization.js';
import { reduceRules } from './reduce.js';
import { resizeRules, upsample } from './resize.js';
import { responseNormRules } from './response-norms.js';
import { scatterRules } from './scatter.js';
import { shapeRules } from './shape.js';
import { slicingRules } from './slicing.js';
import { softmaxRules } from './softmax.js';
import { unaryRules } from './unary.js';

/**
 * Every gradient rule, keyed by default-domain op type. Adding an op: one rule in a family file
 * (with its affine form and legacy rewrite, if it has them), one op case in test/op-cases, one
 * name in the README's list; a new family is one line here.
 */
const families: readonly (readonly GradientRule[])[] = [
  activationRules,
  convRules,
  depthSpaceRules,
  einsumRules,
  gatherRules,
  elementwiseRules,
  linearRules,
  normalizationRules,
  poolingRules,
  quantizationRules,
  reduceRules,
  resizeRules,
  responseNormRules,
  scatterRules,
  shapeRules,
  slicingRules,
  softmaxRules,
  unaryRules,
];

export const gradientRules: ReadonlyMap<string, GradientRule> = new Map(families.flat().map((rule) => [rule.opType, rule]));

/** Every op without a gradient by nature (see NoGradientOp). */
export const nonDifferentiableOps: ReadonlySet<string> = new Set(noGradientOps.map((op) => op.opType));

/** Each op's rewrite from a legacy opset (1–10) to opset 11, from its rule or entry (see LegacyRewrite). */
export const legacyRewrites: ReadonlyMap<string, LegacyRewrite> = new Map(
  [...gradientRules.values(), ...noGradientOps, upsample].flatMap((op) => (op.legacy ? [[op.opType, op.legacy] as const] : [])),
);

export function ruleFor(opType: string, domain: string): GradientRule | undefined {
  return domain === '' || domain === 'ai.onnx' ? gradientRules.get(opType) : undefined;
}
