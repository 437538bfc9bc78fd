import { legacyBroadcast, type LegacyRewrite } from './legacy.js';

/**
 * An op whose outputs carry no gradient by nature (integer, boolean, or piecewise constant): it
 * may read differentiated tensors without a rule.
 */
export interface NoGradientOp {
  readonly opType: string;
  /** Its rewrite from a legacy opset (see LegacyRewrite), where its form changed. */
  readonly legacy?: LegacyRewrite;
}

const plain = (...opTypes: string[]): NoGradientOp[] => opTypes.map((opType) => ({ opType }));
// Comparisons and logic ops broadcast the legacy way before opset 7.
const broadcasting = (...opTypes: string[]): NoGradientOp[] => opTypes.map((opType) => ({ opType, legacy: legacyBroadcast }));

export const noGradientOps: readonly NoGradientOp[] = [
  ...plain('Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'IsNaN', 'IsInf'),
  ...broadcasting('Equal', 'Less', 'Greater', 'And', 'Or', 'Xor'),
  ...plain('Sign', 'Floor', 'Ceil', 'Round', 'ConstantOfShape', 'Constant', 'EyeLike', 'RandomNormalLike', 'RandomUniformLike'),
  ...plain('RandomNormal', 'RandomUniform', 'Multinomial', 'Bernoulli', 'OneHot', 'NonMaxSuppression', 'BitShift', 'Range'),
  ...plain('StringNormalizer', 'TfIdfVectorizer'),
  // Hardmax is piecewise constant; the bitwise ops take integers only.
  ...plain('Hardmax', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'BitwiseNot'),
];
