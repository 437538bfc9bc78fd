import type { onnx } from '../proto/generated/onnx.js';
import { floatAttribute, intAttribute } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { optionalInput } from '../model/composite/node-inputs.js';
import { StandardSteps } from './standard-steps.js';
import { isPair, type Carried, type Pair, type PairRule } from './pair.js';

/** x·Φ(x) as the standard ops of the erf form, x·(1 + erf(x/√2))·½ (Mul, Erf, Add, Mul, Mul), are decomposed. */
function erfGelu(steps: StandardSteps, x: Pair): Pair {
  const erf = steps.unary('Erf', steps.times(x, Math.SQRT1_2));
  return steps.times(steps.binary('Mul', x, steps.binary('Add', erf, steps.constant(1))), 0.5);
}

/** The tanh approximation as its standard ops, x·(1 + tanh(√(2/π)·(x + 0.044715·x·x·x)))·½, are decomposed. */
function tanhGelu(steps: StandardSteps, x: Pair): Pair {
  const cube = steps.binary('Mul', steps.binary('Mul', x, x), x);
  const inner = steps.times(steps.binary('Add', x, steps.times(cube, 0.044715)), Math.sqrt(2 / Math.PI));
  return steps.times(steps.binary('Mul', x, steps.binary('Add', steps.unary('Tanh', inner), steps.constant(1))), 0.5);
}

/** A decomposed sum of the node's input 0 and input `index` where the node has it (a bias). */
function plusOptional(steps: StandardSteps, node: onnx.INodeProto, inputs: readonly Carried[], index: number): Carried {
  return optionalInput(node, index) ? steps.sum(inputs[0] as Carried, inputs[index] as Carried) : (inputs[0] as Carried);
}

function decomposed(value: Carried): Pair {
  if (!isPair(value)) throw new UnsupportedForm('only its first input may depend on the model input');
  return value;
}

/** com.microsoft.Gelu: the erf form. */
export const contribGelu: PairRule = (node, inputs, builder, declared) => {
  const steps = new StandardSteps(node, builder, declared);
  return [erfGelu(steps, decomposed(inputs[0] as Carried))];
};

/** com.microsoft.BiasGelu, Gelu(A + B): Add's rule (a constant B is a bias, split), then the erf form. */
export const biasGelu: PairRule = (node, inputs, builder, declared) => {
  const steps = new StandardSteps(node, builder, declared);
  return [erfGelu(steps, steps.binary('Add', inputs[0] as Carried, inputs[1] as Carried))];
};

/** com.microsoft.FastGelu: the optional bias added by Add's rule, then the tanh form. */
export const fastGelu: PairRule = (node, inputs, builder, declared) => {
  const steps = new StandardSteps(node, builder, declared);
  return [tanhGelu(steps, decomposed(plusOptional(steps, node, inputs, 1)))];
};

/** com.microsoft.QuickGelu, x·sigmoid(alpha·x): Mul by alpha (none where alpha is 1), Sigmoid's rule, then Mul's product rule. */
export const quickGelu: PairRule = (node, inputs, builder, declared) => {
  const steps = new StandardSteps(node, builder, declared);
  const x = decomposed(inputs[0] as Carried);
  const alpha = floatAttribute(node, 'alpha', 1.702);
  const gate = steps.unary('Sigmoid', alpha === 1 ? x : steps.times(x, alpha));
  return [steps.binary('Mul', x, gate)];
};

/** SimplifiedLayerNormalization (default domain, registered by onnxruntime): RMSNormalization's rule. */
export const simplifiedLayerNormalization: PairRule = (node, inputs, builder, declared) => {
  if ((node.output ?? []).slice(1).some(Boolean)) throw new UnsupportedForm('its inv_std_var output is used');
  const steps = new StandardSteps(node, builder, declared);
  const [x, scale] = node.input as [string, string];
  const attributes = { axis: { int: intAttribute(node, 'axis', -1) }, epsilon: { float: floatAttribute(node, 'epsilon', 1e-5) } };
  return [steps.apply('RMSNormalization', inputs.slice(0, 2), [x, scale], attributes)];
};

/**
 * com.microsoft.SkipLayerNormalization and SkipSimplifiedLayerNormalization: the bias added to
 * skip (onnxruntime folds the bias of the projection that skip is), input added, both by Add's
 * rule; then LayerNormalization's or RMSNormalization's rule over the last axis. Output 3, the
 * sum, is the decomposed sum.
 */
function skipNormalization(simplified: boolean): PairRule {
  const biasIndex = simplified ? 3 : 4;
  return (node, inputs, builder, declared) => {
    if ((node.output ?? []).slice(1, 3).some(Boolean)) throw new UnsupportedForm('its mean or inv_std_var output is used');
    const steps = new StandardSteps(node, builder, declared);
    const biased = optionalInput(node, biasIndex) ? steps.sum(inputs[1] as Carried, inputs[biasIndex] as Carried) : (inputs[1] as Carried);
    const sum = steps.binary('Add', inputs[0] as Carried, biased);
    const gamma = node.input?.[2] as string;
    const beta = simplified ? undefined : optionalInput(node, 3);
    const constants = beta ? [gamma, beta] : [gamma];
    const attributes = { axis: { int: -1 }, epsilon: { float: floatAttribute(node, 'epsilon', 1e-12) } };
    const normalized = steps.unary(simplified ? 'RMSNormalization' : 'LayerNormalization', sum, constants, attributes);
    return [normalized, '', '', sum];
  };
}

export const skipLayerNormalization = skipNormalization(false);
export const skipSimplifiedLayerNormalization = skipNormalization(true);
