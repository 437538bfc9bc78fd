import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import type { Attributes } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { decomposableSpec, sequenceLength } from './recurrent-spec.js';
import { biasSharer, firstDirection, initialState, recurrentOutputs, stepOf } from './recurrent-steps.js';
import type { Carried, DeclaredDims, Pair } from './pair.js';

/** A gate's pre-activation as the CD paper splits it: relevant, irrelevant, and the bias apart. */
export interface Triple extends Pair {
  readonly bias: string;
}

/**
 * ½[(f(a+c) − f(c)) + (f(a+b+c) − f(b+c))] for a, the same for b, and f(c): the linearised
 * (Shapley) split of f over the relevant and irrelevant parts with the bias always present
 * (the CD paper's rule for a gate; `acd`'s propagate_three).
 */
export function gate(builder: GraphBuilder, opType: 'Sigmoid' | 'Tanh', parts: Triple): Triple {
  const f = (x: string): string => builder.op(opType, [x]);
  const atBias = f(parts.bias);
  const withRel = f(builder.add(parts.rel, parts.bias));
  const withIrrel = f(builder.add(parts.irrel, parts.bias));
  const whole = f(builder.add(builder.add(parts.rel, parts.irrel), parts.bias));
  const half = (x: string): string => builder.scale(x, 0.5);
  return {
    rel: half(builder.add(builder.sub(withRel, atBias), builder.sub(whole, withIrrel))),
    irrel: half(builder.add(builder.sub(withIrrel, atBias), builder.sub(whole, withRel))),
    bias: atBias,
  };
}

/** The tanh of the cell split between its two parts (the reference's propagate_tanh_two; tanh(0) = 0). */
function tanhOfCell(builder: GraphBuilder, cell: Pair): Pair {
  const tanh = (x: string): string => builder.op('Tanh', [x]);
  const whole = tanh(builder.add(cell.rel, cell.irrel));
  const rel = tanh(cell.rel);
  const irrel = tanh(cell.irrel);
  return { rel: builder.scale(builder.add(rel, builder.sub(whole, irrel)), 0.5), irrel: builder.scale(builder.add(irrel, builder.sub(whole, rel)), 0.5) };
}

/** The four gates' [batch, hidden] pieces of a [batch, 4·hidden] tensor, in ONNX's order i, o, f, c. */
function splitGates(builder: GraphBuilder, x: string): [string, string, string, string] {
  const attributes: Attributes = builder.opset >= 18 ? { axis: { int: 1 }, num_outputs: { int: 4 } } : { axis: { int: 1 } };
  return builder.node('Split', [x], attributes, 4) as [string, string, string, string];
}

/**
 * An LSTM node carried as the CD paper and `acd`'s cd_text carry it (Murdoch et al. 2018):
 * every gate's pre-activation is split into relevant, irrelevant and bias parts and the input,
 * forget and cell gates through `gate`. The cell is
 *   c_rel   = i_r·(g_r + g_b) + i_b·g_r + w·i_b·g_b + (f_r + f_b)·c_rel′
 *   c_irrel = i_i·g + (i_r + i_b)·g_i + (1 − w)·i_b·g_b + f·c_irrel′ + f_i·c_rel′
 * (products of two decomposed tensors: relevant·relevant and relevant·bias to the relevant part,
 * every term with an irrelevant factor to the irrelevant part), where w is 1 at a step whose
 * input is relevant and 0 at one whose input is irrelevant (the reference gives the bias·bias
 * term to the part that holds the step's word; for a mixed input, its share of Σ|x|). The output
 * gate is not split: h = o·tanh(c), with tanh(c) split as tanhOfCell and o computed from the whole
 * input, as in cd_text. Initial states, constants of the graph, are irrelevant.
 */
export function lstm(node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder, declared: DeclaredDims): Carried[] {
  const spec = decomposableSpec(node, inputs);
  if (typeof spec === 'string') throw new UnsupportedForm(spec);
  const x = inputs[0] as Pair;
  const input = node.input ?? [];
  const length = sequenceLength(node, spec, builder, declared);
  const hidden = spec.hiddenSize;
  const first = (name: string): string => firstDirection(builder, name);
  const weightT = builder.transpose(first(input[1] as string), [1, 0]);
  const recurrenceT = builder.transpose(first(input[2] as string), [1, 0]);
  const biasName = input[3];
  const bias = biasName
    ? (() => {
        const both = first(biasName);
        const slice = (from: number, to: number): string =>
          builder.op('Slice', [both, builder.int64Constant([from]), builder.int64Constant([to]), builder.int64Constant([0])]);
        return builder.add(slice(0, 4 * hidden), slice(4 * hidden, 8 * hidden));
      })()
    : builder.floatConstant(new Float32Array(4 * hidden), [4 * hidden]);
  const biasParts = splitGates(builder, builder.unsqueeze(bias, [0]));
  let h = initialState(builder, input[5]);
  let c = initialState(builder, input[6]);
  const sharesOf = biasSharer(builder);
  const hs: Pair[] = [];
  for (let t = 0; t < length; t++) {
    const xt = stepOf(builder, x, t);
    const project = (xPart: string, hPart: string | undefined): string => {
      const projected = builder.op('MatMul', [xPart, weightT]);
      return hPart === undefined ? projected : builder.add(projected, builder.op('MatMul', [hPart, recurrenceT]));
    };
    const rel = splitGates(builder, project(xt.rel, h?.rel));
    const irrel = splitGates(builder, project(xt.irrel, h?.irrel));
    const part = (k: number): Triple => ({ rel: rel[k] as string, irrel: irrel[k] as string, bias: biasParts[k] as string });
    const i = gate(builder, 'Sigmoid', part(0));
    const f = gate(builder, 'Sigmoid', part(2));
    const g = gate(builder, 'Tanh', part(3));
    const o = builder.op('Sigmoid', [builder.add(builder.add(part(1).rel, part(1).irrel), part(1).bias)]);
    const shares = sharesOf(xt);
    const biasTerm = builder.mul(i.bias, g.bias);
    const gWhole = builder.add(builder.add(g.rel, g.irrel), g.bias);
    let cellRel = builder.add(builder.mul(i.rel, builder.add(g.rel, g.bias)), builder.mul(i.bias, g.rel));
    cellRel = builder.add(cellRel, builder.mul(shares.rel, biasTerm));
    let cellIrrel = builder.add(builder.mul(i.irrel, gWhole), builder.mul(builder.add(i.rel, i.bias), g.irrel));
    cellIrrel = builder.add(cellIrrel, builder.mul(shares.irrel, biasTerm));
    if (c !== undefined) {
      const fWhole = builder.add(builder.add(f.rel, f.irrel), f.bias);
      cellRel = builder.add(cellRel, builder.mul(builder.add(f.rel, f.bias), c.rel));
      cellIrrel = builder.add(cellIrrel, builder.add(builder.mul(fWhole, c.irrel), builder.mul(f.irrel, c.rel)));
    }
    c = { rel: cellRel, irrel: cellIrrel };
    const squashed = tanhOfCell(builder, c);
    h = { rel: builder.mul(o, squashed.rel), irrel: builder.mul(o, squashed.irrel) };
    hs.push(h);
  }
  return recurrentOutputs(builder, hs, c as Pair);
}
