import type { AttributeValue } from '../../src/index.js';
import { float, int, node, str, type OpCase } from './case.js';

const floats = (values: readonly number[]): AttributeValue => ({ floats: values });
const strs = (values: readonly string[]): AttributeValue => ({ strings: values });

const SEQ = 4;
const BATCH = 2;
const INPUT = 3;
const HIDDEN = 3;
const GATES = { LSTM: 4, GRU: 3, RNN: 1 } as const;

interface Form {
  readonly name: string;
  readonly op: keyof typeof GATES;
  readonly opset: number;
  readonly directions?: 1 | 2;
  readonly layout?: 0 | 1;
  /** Optional inputs given: B, initial_h, initial_c, P. */
  readonly optional?: readonly ('b' | 'h0' | 'c0' | 'p')[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  /** Outputs the node writes (Y, Y_h, Y_c; '' for one it leaves out); the first named one is checked. */
  readonly outputs?: readonly string[];
  /** sequence_lens, as a constant. */
  readonly lengths?: readonly number[];
  readonly step?: number;
}

/** Activations with a kink (or a jump), where a one-sided difference is the derivative. */
const KINKED = new Set(['Relu', 'LeakyRelu', 'HardSigmoid', 'Elu', 'ThresholdedRelu']);

export interface RecurrentForm extends OpCase {
  /** An activation with a kink, or clip, makes one-sided differences valid near kinks. */
  readonly kinked: boolean;
  /**
   * Layout 1, which onnxruntime's kernels refuse: the same node in layout 0, whose kernel gives the
   * outputs the unrolled layout-1 graph must give (inputs and outputs transposed).
   */
  readonly twin?: OpCase;
}

/**
 * Recurrent nodes in the forms torch does not export (peepholes, clip, input_forget, layout 1,
 * reverse, GRU without linear_before_reset, other activations, sequence_lens, a
 * subset of outputs), every input a graph input: their gradients are checked against central
 * differences, and the unrolled graph's outputs against onnxruntime's kernels
 * (test/recurrent-forms.test.ts).
 */
function form(f: Form): RecurrentForm {
  const d = f.directions ?? 1;
  const width = GATES[f.op] * HIDDEN;
  const layout = f.layout ?? 0;
  const x = layout === 1 ? [BATCH, SEQ, INPUT] : [SEQ, BATCH, INPUT];
  const state = layout === 1 ? [BATCH, d, HIDDEN] : [d, BATCH, HIDDEN];
  const optional = new Set(f.optional ?? []);
  const inputs: Record<string, readonly number[]> = { x, w: [d, width, INPUT], r: [d, width, HIDDEN] };
  if (optional.has('b')) inputs.b = [d, 2 * width];
  if (optional.has('h0')) inputs.h0 = state;
  if (optional.has('c0')) inputs.c0 = state;
  if (optional.has('p')) inputs.p = [d, 3 * HIDDEN];
  const nodeInputs = ['x', 'w', 'r', inputs.b ? 'b' : '', f.lengths ? 'lens' : '', inputs.h0 ? 'h0' : '', inputs.c0 ? 'c0' : '', inputs.p ? 'p' : ''];
  while (nodeInputs.at(-1) === '') nodeInputs.pop();
  const outputs = f.outputs ?? (f.op === 'LSTM' ? ['y', 'y_h', 'y_c'] : ['y', 'y_h']);
  const attributes: Record<string, AttributeValue> = { hidden_size: int(HIDDEN), ...f.attributes };
  if (d === 2) attributes.direction = str('bidirectional');
  if (layout === 1) attributes.layout = int(1);
  const activations = (f.attributes?.activations as { strings?: readonly string[] } | undefined)?.strings ?? [];
  return {
    kinked: activations.some((a) => KINKED.has(a)) || f.attributes?.clip !== undefined,
    ...(layout === 1 ? { twin: form({ ...f, layout: 0 }) } : {}),
    name: `${f.op} ${f.name}`,
    ...(f.step ? { step: f.step } : {}),
    model: {
      opset: f.opset,
      inputs,
      constants: f.lengths ? { lens: { dims: [BATCH], values: f.lengths, type: 'int32' } } : undefined,
      nodes: [node(f.op, nodeInputs, outputs, attributes)],
      outputs: outputs.filter(Boolean),
    },
  };
}

export const recurrentFormCases: RecurrentForm[] = [
  form({
    name: 'reverse, peepholes, clip, initial states',
    op: 'LSTM',
    opset: 13,
    optional: ['b', 'h0', 'c0', 'p'],
    attributes: { direction: str('reverse'), clip: float(0.7) },
    // Clip's kinks, met by the gates of several steps within the default step at once, defeat
    // one-sided differences (as Elu's below): a smaller step keeps the kinks out of most.
    step: 2e-3,
  }),
  form({
    name: 'bidirectional layout 1, input_forget',
    op: 'LSTM',
    opset: 14,
    directions: 2,
    layout: 1,
    optional: ['b', 'h0', 'c0'],
    attributes: { input_forget: int(1) },
  }),
  form({
    name: 'HardSigmoid, LeakyRelu, Softsign with alpha and beta, Y_c only',
    op: 'LSTM',
    opset: 13,
    optional: ['b'],
    attributes: { activations: strs(['HardSigmoid', 'LeakyRelu', 'Softsign']), activation_alpha: floats([0.3, 0.2]), activation_beta: floats([0.4]) },
    outputs: ['', '', 'y_c'],
  }),
  form({ name: 'bidirectional at opset 18 (Split sizes by num_outputs)', op: 'LSTM', opset: 18, directions: 2, optional: ['b', 'h0', 'c0'] }),
  form({ name: 'without bias, sequence_lens [4, 2], Y_h only', op: 'LSTM', opset: 11, lengths: [SEQ, 2], outputs: ['', 'y_h'] }),
  form({ name: 'bidirectional, initial states, sequence_lens [3, 1]', op: 'LSTM', opset: 13, directions: 2, optional: ['b', 'h0', 'c0'], lengths: [3, 1] }),
  form({
    name: 'bidirectional, linear_before_reset 0, clip',
    op: 'GRU',
    opset: 13,
    directions: 2,
    optional: ['b', 'h0'],
    attributes: { clip: float(0.9) },
    step: 2e-3,
  }),
  form({
    name: 'reverse layout 1, linear_before_reset 1, Affine and ScaledTanh',
    op: 'GRU',
    opset: 14,
    layout: 1,
    optional: ['b', 'h0'],
    attributes: {
      direction: str('reverse'),
      linear_before_reset: int(1),
      activations: strs(['Affine', 'ScaledTanh']),
      activation_alpha: floats([0.4, 1.2]),
      activation_beta: floats([0.5, 0.8]),
    },
  }),
  form({ name: 'linear_before_reset 0 without bias or initial state', op: 'GRU', opset: 11 }),
  form({
    name: 'reverse, linear_before_reset 1, sequence_lens [2, 4]',
    op: 'GRU',
    opset: 13,
    optional: ['b', 'h0'],
    attributes: { direction: str('reverse'), linear_before_reset: int(1) },
    lengths: [2, SEQ],
  }),
  form({
    name: 'bidirectional layout 1, Tanh forward, Softplus reverse',
    op: 'RNN',
    opset: 14,
    directions: 2,
    layout: 1,
    optional: ['b', 'h0'],
    attributes: { activations: strs(['Tanh', 'Softplus']) },
  }),
  form({
    name: 'Elu with alpha, Sigmoid, clip',
    op: 'RNN',
    opset: 13,
    directions: 2,
    optional: ['b'],
    attributes: { activations: strs(['Elu', 'Sigmoid']), activation_alpha: floats([0.5]), clip: float(1.5) },
    // Elu's slope jumps from 0.5 to 1 at 0 in every step's pre-activation: a kink within the
    // default step of several of them at once defeats one-sided differences.
    step: 2e-3,
  }),
  form({
    name: 'reverse ThresholdedRelu',
    op: 'RNN',
    opset: 13,
    optional: ['b', 'h0'],
    attributes: { direction: str('reverse'), activations: strs(['ThresholdedRelu']), activation_alpha: floats([0.1]) },
  }),
];
