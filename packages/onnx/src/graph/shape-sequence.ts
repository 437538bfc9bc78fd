import { DataType } from '../proto/tensor.js';
import { intAttribute, stringAttribute, tensorAttribute } from './attributes.js';
import type { Infer } from './shape-facts.js';

/** Static output shapes of ConstantOfShape and the recurrent ops (see shape-ops.ts). */

/** ConstantOfShape: the shape its input's values give, of its value's type (float 0 by default). */
export const constantOfShape: Infer = (node, input) => {
  const shape = input(0)?.values;
  if (!shape) return null;
  return [{ shape: [...shape], dataType: tensorAttribute(node, 'value')?.dataType ?? DataType.FLOAT }];
};

/**
 * LSTM, GRU and RNN: Y [seq, directions, batch, hidden] (layout 1: [batch, seq, directions,
 * hidden]) and the last states [directions, batch, hidden] ([batch, directions, hidden]).
 */
export const recurrent: Infer = (node, input) => {
  const x = input(0);
  const hidden = intAttribute(node, 'hidden_size', 0);
  if (!x || x.shape.length !== 3 || hidden < 1) return null;
  const batchFirst = intAttribute(node, 'layout', 0) === 1;
  const [sequence, batch] = batchFirst ? [x.shape[1] as number, x.shape[0] as number] : [x.shape[0] as number, x.shape[1] as number];
  const directions = stringAttribute(node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
  const y = batchFirst ? [batch, sequence, directions, hidden] : [sequence, directions, batch, hidden];
  const state = batchFirst ? [batch, directions, hidden] : [directions, batch, hidden];
  const outputs = [y, state, state].slice(0, node.opType === 'LSTM' ? 3 : 2);
  return outputs.map((shape) => ({ shape, dataType: x.dataType }));
};
