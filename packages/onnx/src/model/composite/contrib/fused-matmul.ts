import { floatAttribute, intAttribute } from '../../../graph/attributes.js';
import type { onnx } from '../../../proto/generated/onnx.js';
import type { CompositeOp } from '../composite-op.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { unloweredForm } from '../node-inputs.js';
import { contribOp } from './contrib-op.js';

/**
 * The permutation of an operand of rank ≥ 2 before the product: transBatch (rank ≥ 3) moves its
 * first axis behind the other batch axes ([d0, d1…dr−2, dr−1] → [d1…dr−2, d0, dr−1]), then trans swaps the
 * last two.
 */
export function operandPermutation(rank: number, trans: boolean, transBatch: boolean): number[] {
  const perm = [...Array(rank).keys()];
  if (transBatch && rank > 2) perm.splice(rank - 2, 0, ...perm.splice(0, 1));
  if (trans) perm.splice(rank - 2, 2, perm[rank - 1] as number, perm[rank - 2] as number);
  return perm;
}

function operand(b: LoweringBuilder, node: onnx.NodeProto, index: 0 | 1): string {
  const name = node.input[index] as string;
  const letter = index === 0 ? 'A' : 'B';
  const trans = intAttribute(node, `trans${letter}`, 0) === 1;
  const transBatch = intAttribute(node, `transBatch${letter}`, 0) === 1;
  const rank = b.rank(name);
  if (rank < 2 && (trans || transBatch)) throw unloweredForm(b, node, `trans${letter} or transBatch${letter} on the 1-D input "${name}"`);
  // onnxruntime's kernel reads transBatch of a 2-D operand otherwise than as a no-op.
  if (rank < 3 && transBatch) throw unloweredForm(b, node, `transBatch${letter} on the ${rank}-D input "${name}" (it needs batch axes)`);
  if (rank < 2) return name;
  return b.transpose(name, operandPermutation(rank, trans, transBatch));
}

/** alpha · A'·B', A' and B' the operands after their transposes (broadcast batches, as MatMul). */
function matMulOf(opType: string): CompositeOp {
  return contribOp({
    opType,
    differentiable: 'all',
    refusal: () => undefined,
    lower(b, node) {
      const product = b.inferred('MatMul', [operand(b, node, 0), operand(b, node, 1)]);
      const alpha = floatAttribute(node, 'alpha', 1);
      return [alpha === 1 ? product : b.times(product, b.floatConstant([alpha]))];
    },
  });
}

/** com.microsoft.FusedMatMul, which onnxruntime's optimizer writes for a MatMul of transposed or scaled operands. */
export const fusedMatMul = matMulOf('FusedMatMul');
/** com.microsoft.TransposeMatMul, FusedMatMul's earlier name, which onnxruntime still runs. */
export const transposeMatMul = matMulOf('TransposeMatMul');
