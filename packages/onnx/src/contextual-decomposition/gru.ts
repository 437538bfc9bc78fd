import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import type { Attributes } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { gate, type Triple } from './lstm.js';
import { decomposableSpec, sequenceLength } from './recurrent-spec.js';
import { biasSharer, firstDirection, initialState, recurrentOutputs, stepOf } from './recurrent-steps.js';
import type { Carried, DeclaredDims, Pair } from './pair.js';

/** Parts of a tensor: relevant, irrelevant and (where there is one) bias-only; undefined is 0. */
interface Parts {
  readonly rel?: string;
  readonly irrel?: string;
  readonly bias?: string;
}

/**
 * The product of two decomposed tensors as the CD paper multiplies an LSTM's gates:
 * relevant·relevant, relevant·bias and bias·relevant to the relevant part, bias·bias to the bias
 * part, and every term with an irrelevant factor (the rest of a·b) to the irrelevant part.
 */
function product(builder: GraphBuilder, a: Parts, b: Parts): Parts {
  const plus = (x: string | undefined, y: string | undefined): string | undefined => (x === undefined ? y : y === undefined ? x : builder.add(x, y));
  const times = (x: string | undefined, y: string | undefined): string | undefined => (x === undefined || y === undefined ? undefined : builder.mul(x, y));
  const whole = (p: Parts): string | undefined => plus(plus(p.rel, p.irrel), p.bias);
  const rel = plus(plus(times(a.rel, b.rel), times(a.rel, b.bias)), times(a.bias, b.rel));
  const bias = times(a.bias, b.bias);
  const all = times(whole(a), whole(b));
  const rest = plus(rel, bias);
  const irrel = all === undefined ? undefined : rest === undefined ? all : builder.sub(all, rest);
  return { rel, irrel, bias };
}

const defined = (builder: GraphBuilder, x: string | undefined, like: string): string => x ?? builder.mul(like, builder.floatConstant([0]));

function split(builder: GraphBuilder, x: string, count: number): string[] {
  const attributes: Attributes = builder.opset >= 18 ? { axis: { int: 1 }, num_outputs: { int: count } } : { axis: { int: 1 } };
  return builder.node('Split', [x], attributes, count);
}

/**
 * GRU and RNN nodes carried as the CD paper carries an LSTM (Murdoch et al. 2018; see lstm.ts),
 * the same linearisation applied to their equations: every gate's pre-activation is split into
 * relevant, irrelevant and bias parts and taken through the three-part Shapley split (`gate`),
 * and every product of two decomposed tensors goes through `product`. GRU (gate order z, r, h):
 *   n = tanh(Wₙx + bWₙ + r ⊙ (Rₙh + bRₙ))  (linear_before_reset 1, torch's form), or
 *   n = tanh(Wₙx + bWₙ + Rₙ(r ⊙ h) + bRₙ)  (linear_before_reset 0),
 *   h′ = (1 − z) ⊙ n + z ⊙ h;
 * RNN: h′ = tanh(Wx + Rh + b). The bias-only part of h′ (the (1 − z_b)·n_b or tanh(b) term)
 * goes, as the LSTM rule's i_b·g_b, to the part that holds the step's input (for a mixed step,
 * in proportion to Σ|x| of each part). Initial states, constants of the graph, are irrelevant.
 */
export function gruOrRnn(node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder, declared: DeclaredDims): Carried[] {
  const spec = decomposableSpec(node, inputs);
  if (typeof spec === 'string') throw new UnsupportedForm(spec);
  const x = inputs[0] as Pair;
  const input = node.input ?? [];
  const length = sequenceLength(node, spec, builder, declared);
  const hidden = spec.hiddenSize;
  const gates = spec.gates;
  const slice0 = (tensor: string, from: number, to: number): string =>
    builder.op('Slice', [tensor, builder.int64Constant([from]), builder.int64Constant([to]), builder.int64Constant([0])]);
  const first = (name: string): string => firstDirection(builder, name);
  const weightT = builder.transpose(first(input[1] as string), [1, 0]);
  const recurrence = first(input[2] as string);
  // RNN: Rᵀ; GRU: Rᵀ of the z and r rows, and of the h rows apart (they multiply r ⊙ h or sit under r)
  const transposedRows = (from: number, to: number): string => builder.transpose(slice0(recurrence, from, to), [1, 0]);
  const recurrenceT = spec.kind === 'RNN' ? builder.transpose(recurrence, [1, 0]) : transposedRows(0, 2 * hidden);
  const nT = spec.kind === 'RNN' ? recurrenceT : transposedRows(2 * hidden, 3 * hidden);
  const biasName = input[3];
  const biases = biasName ? first(biasName) : builder.floatConstant(new Float32Array(2 * gates * hidden), [2 * gates * hidden]);
  const inputBias = builder.unsqueeze(slice0(biases, 0, gates * hidden), [0]);
  const recurrenceBias = builder.unsqueeze(slice0(biases, gates * hidden, 2 * gates * hidden), [0]);
  let h = initialState(builder, input[5]);
  const sharesOf = biasSharer(builder);
  const hs: Pair[] = [];
  for (let t = 0; t < length; t++) {
    const xt = stepOf(builder, x, t);
    const projectX = (part: string): string => builder.op('MatMul', [part, weightT]);
    const shares = sharesOf(xt);
    const settle = (p: Parts, like: string): Pair => {
      const rel = defined(builder, p.rel, like);
      const irrel = defined(builder, p.irrel, like);
      if (p.bias === undefined) return { rel, irrel };
      return {
        rel: builder.add(rel, builder.mul(shares.rel, p.bias)),
        irrel: builder.add(irrel, builder.mul(shares.irrel, p.bias)),
      };
    };
    const xRel = projectX(xt.rel);
    if (spec.kind === 'RNN') {
      const withH = (xPart: string, hPart: string | undefined): string =>
        hPart === undefined ? xPart : builder.add(xPart, builder.op('MatMul', [hPart, recurrenceT]));
      const a = gate(builder, 'Tanh', { rel: withH(xRel, h?.rel), irrel: withH(projectX(xt.irrel), h?.irrel), bias: builder.add(inputBias, recurrenceBias) });
      h = settle(a, xRel);
    } else {
      const [xzR, xrR, xnR] = split(builder, xRel, 3) as [string, string, string];
      const [xzI, xrI, xnI] = split(builder, projectX(xt.irrel), 3) as [string, string, string];
      const [bz, br, bn] = split(builder, inputBias, 3) as [string, string, string];
      const [rbz, rbr, rbn] = split(builder, recurrenceBias, 3) as [string, string, string];
      const zr = (hPart: string | undefined): [string | undefined, string | undefined] =>
        hPart === undefined ? [undefined, undefined] : (split(builder, builder.op('MatMul', [hPart, recurrenceT]), 2) as [string, string]);
      const [hzR, hrR] = zr(h?.rel);
      const [hzI, hrI] = zr(h?.irrel);
      const plus = (a: string, b: string | undefined): string => (b === undefined ? a : builder.add(a, b));
      const z = gate(builder, 'Sigmoid', { rel: plus(xzR, hzR), irrel: plus(xzI, hzI), bias: builder.add(bz, rbz) });
      const r = gate(builder, 'Sigmoid', { rel: plus(xrR, hrR), irrel: plus(xrI, hrI), bias: builder.add(br, rbr) });
      const hn = (part: string | undefined): string | undefined => (part === undefined ? undefined : builder.op('MatMul', [part, nT]));
      let candidate: Triple;
      if (spec.linearBeforeReset) {
        const inner = product(builder, r, { rel: hn(h?.rel), irrel: hn(h?.irrel), bias: rbn });
        candidate = { rel: plus(xnR, inner.rel), irrel: plus(xnI, inner.irrel), bias: plus(bn, inner.bias) };
      } else {
        const reset = h === undefined ? {} : product(builder, r, h);
        candidate = { rel: plus(xnR, hn(reset.rel)), irrel: plus(xnI, hn(reset.irrel)), bias: builder.add(bn, rbn) };
      }
      const n = gate(builder, 'Tanh', candidate);
      const keep = builder.sub(builder.floatConstant([1]), z.bias);
      const fresh = product(builder, { rel: builder.neg(z.rel), irrel: builder.neg(z.irrel), bias: keep }, n);
      const carried = h === undefined ? {} : product(builder, z, h);
      const sum = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined ? a : builder.add(a, b));
      h = settle({ rel: sum(fresh.rel, carried.rel), irrel: sum(fresh.irrel, carried.irrel), bias: fresh.bias }, xnR);
    }
    hs.push(h);
  }
  return recurrentOutputs(builder, hs);
}
