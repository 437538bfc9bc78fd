import type { onnx } from '../../proto/generated/onnx.js';
import { defaultOpset } from '../../graph/model.js';
import { DataType } from '../../proto/tensor.js';
import { UnknownShapeError, UnsupportedOpError } from '../../errors.js';
import { usedNames } from '../endpoints.js';
import { ShapedBuilder } from './shaped-ops.js';
import { step, type CellState, type DirectionWeights } from './cells.js';
import { isRecurrentNode, readRecurrentSpec, type RecurrentSpec } from './spec.js';

function refuse(node: onnx.INodeProto, opset: number, reason: string): never {
  throw new UnsupportedOpError([{ opType: node.opType ?? '', domain: '', nodeName: node.name ?? '', output: node.output?.[0] ?? '', opset, reason }]);
}

/**
 * Rewrites every LSTM, GRU and RNN node whose input shape `shapes` gives into its unrolled
 * graph of standard ops with gradient rules (MatMul, Add, Split, activations, Mul, Concat): the
 * same outputs, so the gradient graph of the rewritten model is the gradient of the model. The
 * input projection of all steps is one MatMul; each step adds one MatMul with the recurrence.
 * `model`'s node list is rewritten (nodes are replaced, not changed) and the shapes of the
 * added tensors are recorded in `shapes`. Returns how many nodes were rewritten.
 */
export function lowerRecurrentNodes(model: onnx.ModelProto, shapes: Map<string, readonly number[]>): number {
  const graph = model.graph as onnx.GraphProto;
  if (!graph.node.some(isRecurrentNode)) return 0;
  const opset = defaultOpset(model);
  const b = new ShapedBuilder(opset, usedNames(graph), { shapes, dataTypes: new Map(), values: new Map() }, 'ig_rnn');
  const nodes: onnx.NodeProto[] = [];
  let lowered = 0;
  for (const node of graph.node as onnx.NodeProto[]) {
    if (!isRecurrentNode(node)) {
      nodes.push(node);
      continue;
    }
    const spec = readRecurrentSpec(node);
    if (typeof spec === 'string') refuse(node, opset, spec);
    const start = b.nodes.length;
    lowerNode(b, node, spec, opset);
    nodes.push(...b.nodesSince(start, shapes));
    lowered++;
  }
  b.commit(graph, nodes, shapes);
  return lowered;
}

function lowerNode(b: ShapedBuilder, node: onnx.NodeProto, spec: RecurrentSpec, opset: number): void {
  const input = (index: number): string | undefined => node.input[index] || undefined;
  const x = input(0) as string;
  if (!b.hasShape(x)) throw new UnknownShapeError(x);
  for (const index of [1, 2, 3, 4, 5, 6, 7]) {
    const name = input(index);
    if (name && !b.hasShape(name)) throw new UnknownShapeError(name);
  }
  const sequence = spec.layout === 1 ? b.transpose(x, [1, 0, 2]) : x;
  const length = b.shape(sequence)[0] as number;
  if (length < 1) refuse(node, opset, `input 0 ("${x}") has an empty sequence axis`);
  const lens = input(4);
  const masks = lens === undefined ? undefined : stepMasks(b, lens, length);
  // Initial states are [directions, batch, hidden], or [batch, directions, hidden] in layout 1.
  const stateAxis = spec.layout === 1 ? 1 : 0;
  const finals: { h: string[]; c: string[] } = { h: [], c: [] };
  const ys: string[] = [];
  spec.directions.forEach((direction, d) => {
    const initialH = input(5);
    const initialC = input(6);
    let state: CellState = {
      ...(initialH ? { h: b.pick(initialH, stateAxis, d) } : {}),
      ...(initialC && spec.kind === 'LSTM' ? { c: b.pick(initialC, stateAxis, d) } : {}),
    };
    const weights = directionWeights(b, node, spec, sequence, d);
    // [seq·batch, width] split along its first axis: each step's [batch, width] without a reshape.
    const [, batch, width] = b.shape(weights.projection) as [number, number, number];
    const projected = b.splitEqual(b.reshape(weights.projection, [length * batch, width]), 0, length);
    const order = [...Array(length).keys()];
    if (direction === 'reverse') order.reverse();
    const hs = new Array<string>(length);
    const ctx = { b, spec, activations: spec.activations[d] ?? [], weights };
    for (const t of order) {
      const next = step(ctx, projected[t] as string, state);
      const mask = masks?.[t];
      if (mask === undefined) {
        state = next;
        hs[t] = next.h as string;
        continue;
      }
      // Past a row's length its state is held and its output is 0. In reverse the held state is
      // the initial one until the row's last position, from which the row runs back to 0.
      const hold = (fresh: string, previous: string | undefined): string =>
        previous === undefined ? b.times(mask, fresh) : b.plus(previous, b.times(mask, b.minus(fresh, previous)));
      state = { h: hold(next.h as string, state.h), ...(next.c ? { c: hold(next.c, state.c) } : {}) };
      hs[t] = b.times(mask, next.h as string);
    }
    finals.h.push(b.insertAxis(state.h as string, 0));
    if (state.c) finals.c.push(b.insertAxis(state.c, 0));
    const hidden = spec.hiddenSize;
    if (node.output[0]) ys.push(b.reshape(b.concatAxis(hs, 0), [length, 1, batch, hidden]));
  });
  const [yName, hName, cName] = [node.output[0], node.output[1], node.output[2]];
  if (yName) {
    const y = b.concatAxis(ys, 1);
    b.alias(spec.layout === 1 ? b.transpose(y, [2, 0, 1, 3]) : y, yName);
  }
  const final = (states: string[], name: string): void => {
    const stacked = b.concatAxis(states, 0);
    b.alias(spec.layout === 1 ? b.transpose(stacked, [1, 0, 2]) : stacked, name);
  };
  if (hName) final(finals.h, hName);
  if (cName && spec.kind === 'LSTM') final(finals.c, cName);
}

/** Per step t, [batch, 1]: 1 where t < sequence_lens[row], else 0 (a constant of the gradient). */
function stepMasks(b: ShapedBuilder, lens: string, length: number): string[] {
  const batch = b.shape(lens)[0] as number;
  const rows = b.reshape(b.shaped('Cast', [lens], [batch], { to: { int: DataType.FLOAT } }), [1, batch]);
  const positions = b.floatConstant(
    Float32Array.from({ length }, (_, t) => t),
    [length, 1],
  );
  const valid = b.shaped('Cast', [b.shaped('Less', [positions, rows], [length, batch])], [length, batch], { to: { int: DataType.FLOAT } });
  return b.splitEqual(b.reshape(valid, [length, batch, 1]), 0, length).map((m) => b.reshape(m, [batch, 1]));
}

/** Direction d's input projection X·Wᵀ (+ biases), [seq, batch, gates·hidden], and recurrence weights. */
function directionWeights(b: ShapedBuilder, node: onnx.NodeProto, spec: RecurrentSpec, sequence: string, d: number): DirectionWeights & { projection: string } {
  const hidden = spec.hiddenSize;
  const width = spec.gates * hidden;
  let projection = b.matmul(sequence, b.transpose(b.pick(node.input[1] as string, 0, d), [1, 0]));
  const recurrence = b.pick(node.input[2] as string, 0, d);
  const bias = node.input[3] ? b.pick(node.input[3], 0, d) : undefined;
  const inputBias = bias && b.sliceAxis(bias, 0, 0, width);
  const recurrenceBias = bias && b.sliceAxis(bias, 0, width, 2 * width);
  if (spec.kind !== 'GRU') {
    if (inputBias && recurrenceBias) projection = b.plus(projection, b.plus(inputBias, recurrenceBias));
    const peepholes = spec.kind === 'LSTM' && node.input[7] ? b.pick(node.input[7], 0, d) : undefined;
    return {
      projection,
      recurrenceT: b.transpose(recurrence, [1, 0]),
      ...(peepholes
        ? {
            peepholes: {
              i: b.sliceAxis(peepholes, 0, 0, hidden),
              o: b.sliceAxis(peepholes, 0, hidden, 2 * hidden),
              f: b.sliceAxis(peepholes, 0, 2 * hidden, 3 * hidden),
            },
          }
        : {}),
    };
  }
  // GRU: Rbh stays inside the hidden gate; Wb and the z and r parts of Rb fold into the projection.
  let hiddenRecurrenceBias = b.floatConstant(new Float32Array(hidden), [hidden]);
  if (inputBias && recurrenceBias) {
    projection = b.plus(projection, b.plus(inputBias, b.concatAxis([b.sliceAxis(recurrenceBias, 0, 0, 2 * hidden), hiddenRecurrenceBias], 0)));
    hiddenRecurrenceBias = b.sliceAxis(recurrenceBias, 0, 2 * hidden, 3 * hidden);
  }
  if (spec.linearBeforeReset) return { projection, recurrenceT: b.transpose(recurrence, [1, 0]), hiddenRecurrenceBias };
  return {
    projection,
    recurrenceT: b.transpose(b.sliceAxis(recurrence, 0, 0, 2 * hidden), [1, 0]),
    hiddenRecurrenceT: b.transpose(b.sliceAxis(recurrence, 0, 2 * hidden, 3 * hidden), [1, 0]),
    hiddenRecurrenceBias,
  };
}
