import type { GraphBuilder } from '../graph/builder.js';
import { floatAttribute, intAttribute, stringAttribute, type Attributes } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { convActivation, convAttributes, fusedConv as fusedConvLowering } from '../model/composite/contrib/fused-conv.js';
import { GEMM_ACTIVATIONS, fusedGemm as fusedGemmLowering, gemmAttributes } from '../model/composite/contrib/fused-gemm.js';
import { operandPermutation } from '../model/composite/contrib/fused-matmul.js';
import { optionalInput } from '../model/composite/node-inputs.js';
import { StandardSteps } from './standard-steps.js';
import { isPair, type Carried, type DeclaredDims, type Pair, type PairRule } from './pair.js';

/** com.microsoft.FusedConv, act(Conv(X, W, B) + Z): Conv's rule (its bias split as Conv's is), Add's rule for Z, then the activation's. */
export const fusedConv: PairRule = (node, inputs, builder, declared) => {
  const refusal = fusedConvLowering.refusal(node, builder.opset);
  if (refusal) throw new UnsupportedForm(refusal);
  const steps = new StandardSteps(node, builder, declared);
  const [x, w] = node.input as [string, string];
  const bias = optionalInput(node, 2);
  const names = bias ? [x, w, bias] : [x, w];
  const convInputs = inputs.slice(0, names.length);
  // Only Z decomposed (a residual added to a convolution of constants): the convolution is a constant.
  const conv: Carried = convInputs.some(isPair)
    ? steps.apply('Conv', convInputs, names, convAttributes(node))
    : builder.op('Conv', names, convAttributes(node));
  const sum = optionalInput(node, 3) ? steps.binary('Add', conv, inputs[3] as Carried) : (conv as Pair);
  const { activation, params } = convActivation(node) as { activation?: string; params: number[] };
  return [activation ? steps.activation(sum, activation, params) : sum];
};

/** com.microsoft.FusedGemm, act(alpha·A'·B' + beta·C): Gemm's rule, then the activation's. */
export const fusedGemm: PairRule = (node, inputs, builder, declared) => {
  const refusal = fusedGemmLowering.refusal(node, builder.opset);
  if (refusal) throw new UnsupportedForm(refusal);
  const steps = new StandardSteps(node, builder, declared);
  const gemm = steps.apply('Gemm', inputs, (node.input ?? []).filter(Boolean), gemmAttributes(node));
  const activation = stringAttribute(node, 'activation', '');
  const params = (GEMM_ACTIVATIONS[activation] ?? []).map((name) => floatAttribute(node, name, 0));
  return [steps.activation(gemm, activation, params)];
};

function knownRank(name: string, builder: GraphBuilder, declared: DeclaredDims): number | undefined {
  if (builder.hasShape(name)) return builder.shape(name).length;
  return declared(name)?.length;
}

/**
 * operandPermutation as an Einsum, whatever the rank (an optimized model states few ranks):
 * transBatch moves the first axis behind the other batch axes, then trans swaps the last two.
 */
const permutedByEinsum = (trans: boolean, transBatch: boolean): Attributes => ({
  equation: { string: `${transBatch ? 'i...j' : '...ij'}->${trans ? '...ji' : '...ij'}` },
});

/**
 * com.microsoft.FusedMatMul (and TransposeMatMul), alpha·A'·B': each operand's transposes as
 * Transpose's rule moves elements, the product by MatMul's rule (the CD product rule where both
 * operands are decomposed), then alpha as a Mul by a constant.
 */
export const fusedMatMul: PairRule = (node, inputs, builder, declared) => {
  const steps = new StandardSteps(node, builder, declared);
  const operand = (index: 0 | 1): { carried: Carried; name: string } => {
    const name = node.input?.[index] as string;
    const carried = inputs[index] as Carried;
    const letter = index === 0 ? 'A' : 'B';
    const trans = intAttribute(node, `trans${letter}`, 0) === 1;
    const transBatch = intAttribute(node, `transBatch${letter}`, 0) === 1;
    if (!trans && !transBatch) return { carried, name };
    const rank = knownRank(name, builder, declared);
    if (rank === undefined) {
      const equation = permutedByEinsum(trans, transBatch);
      if (!isPair(carried)) {
        const permuted = builder.op('Einsum', [carried], equation);
        return { carried: permuted, name: permuted };
      }
      // Einsum's rule maps each part; the constant a Softmax leaves in the irrelevant part would need Transpose's.
      if (carried.constant !== undefined) throw new UnsupportedForm(`trans${letter} on the input "${name}", whose rank is not known, after a Softmax`);
      return { carried: steps.apply('Einsum', [carried], [name], equation), name };
    }
    if (rank < 2 || (transBatch && rank < 3)) throw new UnsupportedForm(`trans${letter} or transBatch${letter} on the ${rank}-D input "${name}"`);
    const perm = operandPermutation(rank, trans, transBatch);
    if (!isPair(carried)) {
      const transposed = builder.transpose(carried, perm);
      return { carried: transposed, name: transposed };
    }
    // The rank is all the Transpose rule reads of its input's name.
    return { carried: steps.apply('Transpose', [carried], [name], { perm: { ints: perm } }), name };
  };
  const [a, b] = [operand(0), operand(1)];
  const product = steps.apply('MatMul', [a.carried, b.carried], [a.name, b.name]);
  const alpha = floatAttribute(node, 'alpha', 1);
  return [alpha === 1 ? product : steps.times(product, alpha)];
};
