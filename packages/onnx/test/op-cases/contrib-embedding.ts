import { float, int, type OpCase } from './case.js';
import { contrib, int32, int64, withCheck } from './contrib-case.js';

const caches = { cos: [6, 2], sin: [6, 2] };
const rotaryCases: OpCase[] = [
  contrib(
    'com.microsoft.RotaryEmbedding 4-D, position_ids [B, S]',
    13,
    'RotaryEmbedding',
    { x: [2, 2, 3, 4], ...caches },
    ['x', 'pos', 'cos', 'sin'],
    {},
    {
      pos: int64([2, 3], [0, 1, 2, 5, 3, 1]),
    },
  ),
  contrib(
    'com.microsoft.RotaryEmbedding 3-D interleaved, start position 2',
    18,
    'RotaryEmbedding',
    { x: [2, 3, 8], ...caches },
    ['x', 'pos', 'cos', 'sin'],
    { interleaved: int(1) },
    {
      pos: int64([1], [2]),
    },
  ),
  contrib(
    'com.microsoft.RotaryEmbedding 3-D, 2 heads of 8, rotary_embedding_dim 4',
    13,
    'RotaryEmbedding',
    { x: [2, 3, 16], ...caches },
    ['x', 'pos', 'cos', 'sin'],
    { num_heads: int(2), rotary_embedding_dim: int(4) },
    { pos: int64([2, 3], [1, 2, 3, 0, 4, 5]) },
  ),
];

const ids = { ids: int32([2, 3], [1, 4, 6, 0, 2, 2]), segment_ids: int32([2, 3], [0, 0, 1, 0, 1, 1]) };
const tables = { words: [7, 4], positions: [5, 4], segments: [2, 4], gamma: [4], beta: [4] };
const embedCases: OpCase[] = [
  contrib(
    'com.microsoft.EmbedLayerNormalization with segments and mask',
    13,
    'EmbedLayerNormalization',
    tables,
    ['ids', 'segment_ids', 'words', 'positions', 'segments', 'gamma', 'beta', 'mask'],
    {},
    { ...ids, mask: int32([2, 3], [1, 1, 1, 1, 1, 0]) },
    0,
    2,
  ),
  contrib(
    'com.microsoft.EmbedLayerNormalization position_ids [1, S], epsilon 0.1',
    18,
    'EmbedLayerNormalization',
    { words: [7, 4], positions: [5, 4], gamma: [4], beta: [4] },
    ['ids', '', 'words', 'positions', '', 'gamma', 'beta', '', 'position_ids'],
    { epsilon: float(0.1) },
    { ids: ids.ids, position_ids: int32([1, 3], [4, 0, 2]) },
    0,
    2,
  ),
  // embedding_sum is the sum before normalization: gamma and beta do not reach it.
  withCheck(
    ['words', 'positions', 'segments'],
    contrib(
      'com.microsoft.EmbedLayerNormalization embedding_sum',
      17,
      'EmbedLayerNormalization',
      tables,
      ['ids', 'segment_ids', 'words', 'positions', 'segments', 'gamma', 'beta'],
      {},
      ids,
      2,
    ),
  ),
  contrib(
    'com.microsoft.EmbedLayerNormalization position_ids [B, S] with segments, epsilon 0.01',
    13,
    'EmbedLayerNormalization',
    tables,
    ['ids', 'segment_ids', 'words', 'positions', 'segments', 'gamma', 'beta', '', 'position_ids'],
    { epsilon: float(0.01) },
    { ...ids, position_ids: int32([2, 3], [2, 0, 1, 4, 4, 3]) },
    0,
    2,
  ),
];

/** onnxruntime's contrib RotaryEmbedding and EmbedLayerNormalization, lowered into standard ops. */
export const contribEmbeddingCases: OpCase[] = [
  ...rotaryCases,
  ...embedCases,
  // Opset 11: ReduceMean and ReduceSum axes as attributes.
  contrib(
    'com.microsoft.EmbedLayerNormalization at opset 11, segments and mask',
    11,
    'EmbedLayerNormalization',
    tables,
    ['ids', 'segment_ids', 'words', 'positions', 'segments', 'gamma', 'beta', 'mask'],
    {},
    { ...ids, mask: int32([2, 3], [1, 1, 0, 1, 0, 0]) },
    0,
    2,
  ),
  contrib(
    'com.microsoft.RotaryEmbedding at opset 11, 3-D interleaved',
    11,
    'RotaryEmbedding',
    { x: [2, 3, 8], ...caches },
    ['x', 'pos', 'cos', 'sin'],
    { interleaved: int(1) },
    {
      pos: int64([2, 3], [5, 4, 3, 0, 0, 1]),
    },
  ),
];
