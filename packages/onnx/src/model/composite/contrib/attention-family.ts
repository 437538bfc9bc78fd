import type { CompositeOp } from '../composite-op.js';
import { contribAttention } from './attention.js';
import { embedLayerNormalization } from './embed-layer-normalization.js';
import { groupQueryAttention } from './group-query-attention.js';
import { multiHeadAttention } from './multi-head-attention.js';
import { contribRotaryEmbedding } from './rotary-embedding.js';

/** onnxruntime's attention-family contrib ops (transformer optimizer and Optimum exports). */
export const contribAttentionOps: readonly CompositeOp[] = [
  contribAttention,
  multiHeadAttention,
  contribRotaryEmbedding,
  embedLayerNormalization,
  groupQueryAttention,
];
