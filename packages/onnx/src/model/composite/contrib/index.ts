import type { CompositeOp } from '../composite-op.js';
import { fusedConv } from './fused-conv.js';
import { fusedGemm } from './fused-gemm.js';
import { fusedMatMul, transposeMatMul } from './fused-matmul.js';
import { biasGelu, fastGelu, gelu, quickGelu } from './gelu.js';
import { simplifiedLayerNormalization, skipLayerNormalization, skipSimplifiedLayerNormalization } from './layer-normalizations.js';

/** onnxruntime's fused and normalization contrib ops (and the default-domain ones it registers). */
export const fusedContribOps: readonly CompositeOp[] = [
  fusedConv,
  fusedGemm,
  fusedMatMul,
  transposeMatMul,
  gelu,
  biasGelu,
  fastGelu,
  quickGelu,
  simplifiedLayerNormalization,
  skipLayerNormalization,
  skipSimplifiedLayerNormalization,
];
