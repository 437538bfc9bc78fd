import { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { toAttributeProto, type Attributes } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { isPair, type Carried, type DeclaredDims, type Pair } from './pair.js';
import { PAIR_RULES } from './rules.js';

/**
 * A fused node decomposed as the standard ops it stands for: each step applies the standard op's
 * own rule to a node built from the fused one, so the decomposition is the one the same
 * computation written with standard ops gets.
 */
export class StandardSteps {
  constructor(
    private readonly fused: onnx.INodeProto,
    private readonly builder: GraphBuilder,
    private readonly declared: DeclaredDims,
  ) {}

  /**
   * The rule of `opType` applied to `inputs`. `names` are the step's input names as its rule may
   * read them: a constant's real name, and for a pair a tensor of the same shape in the original
   * model (the rank of a decomposed operand is looked up by that name).
   */
  apply(opType: string, inputs: readonly Carried[], names: readonly string[], attributes: Attributes = {}): Pair {
    const rule = PAIR_RULES.get(opType);
    if (!rule) throw new UnsupportedForm(`internal: no rule for the standard op ${opType}`);
    const node = onnx.NodeProto.create({
      opType,
      name: this.fused.name ?? '',
      input: [...names],
      output: [this.fused.output?.[0] ?? ''],
      attribute: Object.entries(attributes).map(([name, value]) => toAttributeProto(name, value)),
    });
    const [result] = rule(node, inputs, this.builder, this.declared);
    if (!isPair(result)) throw new UnsupportedForm(`internal: the ${opType} step gave no decomposed tensor`);
    return result;
  }

  /** A step whose one decomposed input is `data`, shaped as the fused node's output, and whose other inputs are constants. */
  unary(opType: string, data: Pair, constants: readonly string[] = [], attributes: Attributes = {}): Pair {
    return this.apply(opType, [data, ...constants], [this.outputName, ...constants], attributes);
  }

  /** Add or Mul (by a constant, or of two pairs), both operands shaped as the fused node's output. */
  binary(opType: 'Add' | 'Mul', a: Carried, b: Carried): Pair {
    const name = (c: Carried): string => (isPair(c) ? this.outputName : c);
    return this.apply(opType, [a, b], [name(a), name(b)]);
  }

  /** A sum that is decomposed where either term is, and a plain Add of two constants. */
  sum(a: Carried, b: Carried): Carried {
    return isPair(a) || isPair(b) ? this.binary('Add', a, b) : this.builder.add(a, b);
  }

  constant(value: number): string {
    return this.builder.floatConstant([value]);
  }

  /** `data` times a number, as Mul by a constant is decomposed. */
  times(data: Pair, factor: number): Pair {
    return this.binary('Mul', data, this.builder.floatConstant([factor]));
  }

  /**
   * The activation onnxruntime fused into a FusedConv or FusedGemm, by the rule of its standard
   * op; `params` in the order the standard op names them (alpha, beta, gamma; Clip: min, max).
   */
  activation(data: Pair, activation: string, params: readonly number[]): Pair {
    const [alpha, second] = params as [number, number];
    switch (activation) {
      case 'Relu':
      case 'Tanh':
      case 'Sigmoid':
      case 'Softplus':
      case 'Softsign':
        return this.unary(activation, data);
      case 'LeakyRelu':
      case 'Elu':
        return this.unary(activation, data, [], { alpha: { float: alpha } });
      case 'HardSigmoid':
        return this.unary(activation, data, [], { alpha: { float: alpha }, beta: { float: second } });
      case 'Selu':
        return this.unary(activation, data, [], { alpha: { float: alpha }, gamma: { float: second } });
      case 'Clip':
        return this.unary(activation, data, [this.builder.floatConstant([alpha]), this.builder.floatConstant([second])]);
      // alpha·tanh(beta·x) and alpha·softplus(beta·x): the scalings are linear, so split as Mul by a constant is.
      case 'ScaledTanh':
        return this.times(this.unary('Tanh', this.times(data, second)), alpha);
      case 'ParametricSoftplus':
        return this.times(this.unary('Softplus', this.times(data, second)), alpha);
      default:
        throw new UnsupportedForm(`its fused activation ${activation} has no contextual-decomposition rule`);
    }
  }

  private get outputName(): string {
    return this.fused.output?.[0] ?? '';
  }
}
