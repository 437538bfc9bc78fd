import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { stringAttribute } from '../graph/attributes.js';
import { lstm } from './lstm.js';
import { cloneNode, eachPart, isPair, splitBias, type Carried, type DeclaredDims, type Pair } from './pair.js';

/** Rewrites one node whose inputs include a pair; returns what each output becomes. */
export type PairRule = (node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder, declared: DeclaredDims) => Carried[];

function onlyFirstIsPair(node: onnx.INodeProto, inputs: readonly Carried[]): Pair {
  const first = inputs[0];
  if (!isPair(first)) throw new UnsupportedForm('only its first input may depend on the model input');
  if (inputs.slice(1).some(isPair)) throw new UnsupportedForm(`input ${inputs.slice(1).findIndex(isPair) + 1} depends on the model input; only input 0 may`);
  return first;
}

/** Linear (or part-wise) in its first input: applied to each part. */
const eachRule =
  (outputs: 'one' | 'all' = 'one'): PairRule =>
  (node, inputs, builder) =>
    eachPart(builder, node, onlyFirstIsPair(node, inputs), 0, outputs === 'all' ? (node.output ?? []).length : 1);

const withoutInput = (node: onnx.INodeProto, drop: number): string[] => (node.input ?? []).filter((_, i) => i !== drop);

/** Conv (and ConvTranspose): the convolution without bias on each part, then the bias split. */
const conv: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const rest = withoutInput(node, 0).slice(0, 1);
  const linear = { rel: cloneNode(builder, node, [data.rel, ...rest])[0] as string, irrel: cloneNode(builder, node, [data.irrel, ...rest])[0] as string };
  const bias = node.input?.[2];
  if (!bias) return [linear];
  const weightRank = builder.shape(node.input?.[1] as string).length;
  const channels = builder.shape(bias)[0] as number;
  const shaped = builder.op('Reshape', [bias, builder.int64Constant([channels, ...new Array<number>(weightRank - 2).fill(1)])]);
  return [splitBias(builder, linear, shaped)];
};

/** Gemm: A·B (times alpha) on each part, then beta·C split. */
const gemm: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const b = node.input?.[1] as string;
  const linear = { rel: cloneNode(builder, node, [data.rel, b])[0] as string, irrel: cloneNode(builder, node, [data.irrel, b])[0] as string };
  const c = node.input?.[2];
  if (!c) return [linear];
  const beta = (node.attribute ?? []).find((a) => a.name === 'beta')?.f;
  return [splitBias(builder, linear, beta === undefined || beta === null ? c : builder.scale(c, Number(beta)))];
};

/** MatMul with one constant operand: linear in the other, on each part. */
const matMul: PairRule = (node, inputs, builder) => {
  const [a, b] = inputs;
  if (isPair(a) && isPair(b)) throw new UnsupportedForm('both operands depend on the model input (a product of two parts)');
  const index = isPair(a) ? 0 : 1;
  return eachPart(builder, node, (isPair(a) ? a : b) as Pair, index);
};

/** Add, Sub: parts add part-wise; a constant operand is a bias, split in proportion. */
const addOrSub: PairRule = (node, inputs, builder) => {
  const [a, b] = inputs as [Carried, Carried];
  const combine = (x: string, y: string): string => builder.op(node.opType as string, [x, y]);
  if (isPair(a) && isPair(b)) return [{ rel: combine(a.rel, b.rel), irrel: combine(a.irrel, b.irrel) }];
  if (isPair(a)) return [splitBias(builder, a, node.opType === 'Sub' ? builder.neg(b as string) : (b as string))];
  const negated = node.opType === 'Sub' ? { rel: builder.neg((b as Pair).rel), irrel: builder.neg((b as Pair).irrel) } : (b as Pair);
  return [splitBias(builder, negated, a as string)];
};

/**
 * Mul, Div by a constant: linear, on each part. Mul of two pairs: the CD paper's product rule,
 * relevant·relevant to the relevant part and every term with an irrelevant factor
 * (relevant·irrelevant, irrelevant·relevant, irrelevant·irrelevant) to the irrelevant part.
 */
const scaleRule: PairRule = (node, inputs, builder) => {
  const [a, b] = inputs;
  if (isPair(a) && isPair(b) && node.opType === 'Mul') {
    const rel = cloneNode(builder, node, [a.rel, b.rel])[0] as string;
    const whole = cloneNode(builder, node, [builder.add(a.rel, a.irrel), builder.add(b.rel, b.irrel)])[0] as string;
    return [{ rel, irrel: builder.sub(whole, rel) }];
  }
  if (isPair(b)) {
    if (node.opType === 'Mul' && !isPair(a)) return eachPart(builder, node, b, 1);
    throw new UnsupportedForm('the divisor depends on the model input');
  }
  return eachPart(builder, node, a as Pair, 0);
};

/** Concat: the pairs concatenated part-wise; a constant piece goes to the irrelevant part. */
const concat: PairRule = (node, inputs, builder) => {
  const rels: string[] = [];
  const irrels: string[] = [];
  inputs.forEach((input, i) => {
    if (isPair(input)) {
      rels.push(input.rel);
      irrels.push(input.irrel);
    } else {
      const name = node.input?.[i] as string;
      rels.push(builder.mul(name, builder.floatConstant([0])));
      irrels.push(name);
    }
  });
  return [{ rel: cloneNode(builder, node, rels)[0] as string, irrel: cloneNode(builder, node, irrels)[0] as string }];
};

/** ReLU, asymmetric as `acd`: rel' = ReLU(rel), irrel' = ReLU(rel + irrel) − ReLU(rel). */
const relu: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const rel = builder.op('Relu', [data.rel]);
  return [{ rel, irrel: builder.sub(builder.op('Relu', [builder.add(data.rel, data.irrel)]), rel) }];
};

/**
 * Tanh, Sigmoid: the linearised (Shapley) split of the CD paper for two parts,
 * rel' = ½[(f(r) − f(0)) + (f(r + i) − f(i))], irrel' = f(r + i) − rel'.
 */
const shapley: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const f = (x: string): string => builder.op(node.opType as string, [x]);
  const atZero = builder.floatConstant([node.opType === 'Sigmoid' ? 0.5 : 0]);
  const whole = f(builder.add(data.rel, data.irrel));
  const rel = builder.scale(builder.add(builder.sub(f(data.rel), atZero), builder.sub(whole, f(data.irrel))), 0.5);
  return [{ rel, irrel: builder.sub(whole, rel) }];
};

/** BatchNormalization: the shift split in proportion (0 when both parts are 0), irrel' = BN(r + i) − rel'. */
const batchNorm: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const rest = withoutInput(node, 0);
  const bn = (x: string): string => cloneNode(builder, node, [x, ...rest])[0] as string;
  const shift = bn(builder.mul(data.rel, builder.floatConstant([0])));
  const linearRel = builder.sub(bn(data.rel), shift);
  const linearIrrel = builder.sub(bn(data.irrel), shift);
  const relWeight = builder.op('Abs', [linearRel]);
  const total = builder.op('Max', [builder.add(relWeight, builder.op('Abs', [linearIrrel])), builder.floatConstant([1e-30])]);
  const rel = builder.add(linearRel, builder.mul(builder.div(relWeight, total), shift));
  return [{ rel, irrel: builder.sub(bn(builder.add(data.rel, data.irrel)), rel) }];
};

/** MaxPool: both parts routed by the argmax of their sum. */
const maxPool: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  if ((node.output ?? []).filter(Boolean).length > 1) throw new UnsupportedForm('its Indices output is used');
  const indices = cloneNode(builder, node, [builder.add(data.rel, data.irrel)], 2)[1] as string;
  const flat = builder.int64Constant([-1]);
  const pick = (part: string): string => builder.op('Gather', [builder.op('Reshape', [part, flat]), indices], { axis: { int: 0 } });
  return [{ rel: pick(data.rel), irrel: pick(data.irrel) }];
};

/** Pad: the relevant part padded with 0, the irrelevant part with the pad value. */
const pad: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const input = node.input ?? [];
  if (stringAttribute(node, 'mode', 'constant') !== 'constant' || !input[2]) return eachPart(builder, node, data, 0);
  const relInputs = [data.rel, input[1] ?? '', builder.floatConstant([0]), ...input.slice(3)];
  return [{ rel: cloneNode(builder, node, relInputs)[0] as string, irrel: cloneNode(builder, node, [data.irrel, ...input.slice(1)])[0] as string }];
};

/** Shape, Size: a plain tensor (the parts share the original's shape). */
const shapeOf: PairRule = (node, inputs, builder) => [cloneNode(builder, node, [onlyFirstIsPair(node, inputs).rel])[0] as string];

const linearOps = [
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Identity',
  'Dropout',
  'Slice',
  'Gather',
  'Expand',
  'Tile',
  'Neg',
  'ReduceSum',
  'ReduceMean',
  'DepthToSpace',
  'SpaceToDepth',
];

export const PAIR_RULES: ReadonlyMap<string, PairRule> = new Map<string, PairRule>([
  ...linearOps.map((op) => [op, eachRule()] as const),
  ['Split', eachRule('all')],
  ['Conv', conv],
  ['Gemm', gemm],
  ['MatMul', matMul],
  ['Add', addOrSub],
  ['Sub', addOrSub],
  ['Mul', scaleRule],
  ['Div', scaleRule],
  ['Concat', concat],
  ['Relu', relu],
  ['Tanh', shapley],
  ['Sigmoid', shapley],
  ['BatchNormalization', batchNorm],
  ['MaxPool', maxPool],
  ['Pad', pad],
  ['Shape', shapeOf],
  ['Size', shapeOf],
  ['LSTM', lstm],
]);

/** Op types the contextual-decomposition rewrite carries, sorted. */
export const contextualDecompositionOps: readonly string[] = [...PAIR_RULES.keys()].sort();
