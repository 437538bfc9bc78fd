import { qualifiedOpType } from '../model/composite/registry.js';
import type { Analysis } from './analysis.js';
import { QUANTIZED_OUTPUTS } from './rules/quantization.js';

/**
 * A note for a model whose attributed path quantizes (QuantizeLinear, DynamicQuantizeLinear,
 * MatMulInteger, ConvInteger): its gradients are straight-through estimates, so the completeness
 * error cannot fall below the quantization error; undefined for any other model.
 */
export function quantizationNote(analysis: Analysis): string | undefined {
  const ops = [...analysis.onPath.keys()].filter((node) => QUANTIZED_OUTPUTS.has(qualifiedOpType(node.opType ?? '', node.domain))).map((node) => node.opType);
  if (ops.length === 0) return undefined;
  return `the attributed path holds ${ops.length} quantizing node(s) (${[...new Set(ops)].join(', ')}): gradients are straight-through estimates (as PyTorch's fake quantization gives them), so completeness is bounded by the quantization error, which more steps do not reduce`;
}
