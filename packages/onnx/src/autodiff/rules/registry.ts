import type { GradientRule } from './rule.js';
import { activationRules } from './activations.js';
import { convRules } from './conv.js';
import { elementwiseRules } from './elementwise.js';
import { linearRules } from './linear.js';
import { normalizationRules } from './normalization.js';
import { poolingRules } from './pooling.js';
import { reduceRules } from './reduce.js';
import { resizeRules } from './resize.js';
import { shapeRules } from './shape.js';
import { slicingRules } from './slicing.js';
import { softmaxRules } from './softmax.js';
import { unaryRules } from './unary.js';

/** Every gradient rule, keyed by default-domain op type. Adding an op: one file, one line here. */
const families: readonly (readonly GradientRule[])[] = [
  activationRules,
  convRules,
  elementwiseRules,
  linearRules,
  normalizationRules,
  poolingRules,
  reduceRules,
  resizeRules,
  shapeRules,
  slicingRules,
  softmaxRules,
  unaryRules,
];

export const gradientRules: ReadonlyMap<string, GradientRule> = new Map(families.flat().map((rule) => [rule.opType, rule]));

/**
 * Ops whose outputs carry no gradient by nature (integer, boolean, or piecewise constant);
 * they may consume differentiated tensors without a rule.
 */
export const nonDifferentiableOps: ReadonlySet<string> = new Set([
  'Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual',
  'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf', 'Sign', 'Floor', 'Ceil', 'Round', 'ConstantOfShape', 'Constant',
  'EyeLike', 'RandomNormalLike', 'RandomUniformLike', 'RandomNormal', 'RandomUniform', 'Multinomial', 'Bernoulli',
  'OneHot', 'NonMaxSuppression', 'BitShift', 'Range', 'StringNormalizer', 'TfIdfVectorizer',
]);

export function ruleFor(opType: string, domain: string): GradientRule | undefined {
  return domain === '' || domain === 'ai.onnx' ? gradientRules.get(opType) : undefined;
}
