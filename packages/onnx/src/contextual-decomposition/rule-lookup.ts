import { qualifiedOpType } from '../model/composite/registry.js';
import {
  biasGelu,
  contribGelu,
  fastGelu,
  quickGelu,
  simplifiedLayerNormalization,
  skipLayerNormalization,
  skipSimplifiedLayerNormalization,
} from './contrib-activations.js';
import { contribAttention } from './contrib-attention.js';
import { fusedConv, fusedGemm, fusedMatMul } from './contrib-fused.js';
import { multiHeadAttention } from './contrib-multi-head-attention.js';
import { groupQueryAttention } from './contrib-group-query-attention.js';
import type { PairRule } from './pair.js';
import { contribRotaryEmbedding } from './rotary-embedding.js';
import { qGemm, qLinearAveragePool, qLinearBinary, qLinearConcat, qLinearConv, qLinearLeakyRelu, qLinearMatMul, qLinearUnary } from './qlinear.js';
import { PAIR_RULES } from './rules.js';

const MICROSOFT = 'com.microsoft';

/**
 * The ops onnxruntime's graph optimizer writes (contrib ops, and SimplifiedLayerNormalization,
 * which it registers in the default domain), by qualified op type: each decomposed as the
 * standard ops it fuses.
 */
const FUSED_PAIR_RULES: ReadonlyMap<string, PairRule> = new Map<string, PairRule>([
  [qualifiedOpType('FusedConv', MICROSOFT), fusedConv],
  [qualifiedOpType('FusedGemm', MICROSOFT), fusedGemm],
  [qualifiedOpType('FusedMatMul', MICROSOFT), fusedMatMul],
  [qualifiedOpType('TransposeMatMul', MICROSOFT), fusedMatMul],
  [qualifiedOpType('Gelu', MICROSOFT), contribGelu],
  [qualifiedOpType('BiasGelu', MICROSOFT), biasGelu],
  [qualifiedOpType('FastGelu', MICROSOFT), fastGelu],
  [qualifiedOpType('QuickGelu', MICROSOFT), quickGelu],
  [qualifiedOpType('SkipLayerNormalization', MICROSOFT), skipLayerNormalization],
  [qualifiedOpType('SkipSimplifiedLayerNormalization', MICROSOFT), skipSimplifiedLayerNormalization],
  ['SimplifiedLayerNormalization', simplifiedLayerNormalization],
  [qualifiedOpType('Attention', MICROSOFT), contribAttention],
  [qualifiedOpType('MultiHeadAttention', MICROSOFT), multiHeadAttention],
  [qualifiedOpType('RotaryEmbedding', MICROSOFT), contribRotaryEmbedding],
  [qualifiedOpType('GroupQueryAttention', MICROSOFT), groupQueryAttention],
]);

/** The QOperator ops of quantized models (standard and onnxruntime's), each decomposed as its QDQ form. */
const QOPERATOR_PAIR_RULES: ReadonlyMap<string, PairRule> = new Map<string, PairRule>([
  ['QLinearConv', qLinearConv],
  ['QLinearMatMul', qLinearMatMul],
  [qualifiedOpType('QGemm', MICROSOFT), qGemm],
  [qualifiedOpType('QLinearAdd', MICROSOFT), qLinearBinary('Add')],
  [qualifiedOpType('QLinearMul', MICROSOFT), qLinearBinary('Mul')],
  [qualifiedOpType('QLinearGlobalAveragePool', MICROSOFT), qLinearUnary('GlobalAveragePool')],
  [qualifiedOpType('QLinearAveragePool', MICROSOFT), qLinearAveragePool],
  [qualifiedOpType('QLinearSigmoid', MICROSOFT), qLinearUnary('Sigmoid')],
  [qualifiedOpType('QLinearLeakyRelu', MICROSOFT), qLinearLeakyRelu],
  [qualifiedOpType('QLinearConcat', MICROSOFT), qLinearConcat],
]);

/** The rule of a qualified op type (`com.microsoft.FusedConv`; a default-domain op by its name). */
export const pairRuleOf = (qualified: string): PairRule | undefined =>
  PAIR_RULES.get(qualified) ?? FUSED_PAIR_RULES.get(qualified) ?? QOPERATOR_PAIR_RULES.get(qualified);

/** The contextual-decomposition rule of a node, looked up by its domain and op type. */
export const pairRuleFor = (opType: string, domain: string | null | undefined): PairRule | undefined => pairRuleOf(qualifiedOpType(opType, domain));

/** Op types the contextual-decomposition rewrite carries (qualified by domain outside the default one), sorted. */
export const contextualDecompositionOps: readonly string[] = [...PAIR_RULES.keys(), ...FUSED_PAIR_RULES.keys(), ...QOPERATOR_PAIR_RULES.keys()].sort();
