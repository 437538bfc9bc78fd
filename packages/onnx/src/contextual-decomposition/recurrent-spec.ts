import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { readRecurrentSpec, type RecurrentSpec } from '../model/recurrent/spec.js';
import { isPair, type Carried, type DeclaredDims } from './pair.js';

const DEFAULT_ACTIVATIONS: Readonly<Record<string, string>> = { LSTM: 'sigmoid, tanh, tanh', GRU: 'sigmoid, tanh', RNN: 'tanh' };

/**
 * The node's spec, or why it is not a recurrent node of the form the CD rules carry: forward,
 * layout 0, the default activations, no clip, no sequence lengths, X the only input that
 * depends on the model input (and for LSTM, no peepholes and its own forget gate).
 */
export function decomposableSpec(node: onnx.INodeProto, inputs: readonly Carried[]): RecurrentSpec | string {
  const spec = readRecurrentSpec(node);
  if (typeof spec === 'string') return spec;
  const input = node.input ?? [];
  const kind = spec.kind;
  const dependent = inputs.findIndex((value, i) => i > 0 && isPair(value));
  if (dependent > 0) return `input ${dependent} ("${input[dependent] ?? ''}") depends on the model input; only X (input 0) may`;
  if (spec.directions.length !== 1 || spec.directions[0] !== 'forward')
    return `attribute direction "${spec.directions.join('+')}": only forward ${kind}s are decomposed (the CD rule runs forward in time, a state relevant only by what came before)`;
  if (spec.layout !== 0) return 'attribute layout 1: only layout 0 is decomposed';
  const names = (spec.activations[0] ?? []).map((a) => a.name).join(', ');
  const defaults = DEFAULT_ACTIVATIONS[kind] as string;
  if (names !== defaults) return `attribute activations (${names}): only the default ${defaults} are decomposed`;
  if (spec.clip !== undefined) return `attribute clip is set: only unclipped ${kind}s are decomposed`;
  if (input[4]) return `input 4 (sequence_lens, "${input[4]}") is given: only ${kind}s without sequence lengths are decomposed`;
  if (kind === 'LSTM' && spec.inputForget) return 'attribute input_forget is set: only LSTMs with their own forget gate are decomposed';
  if (kind === 'LSTM' && input[7]) return `input 7 (peepholes, "${input[7]}") is given: only LSTMs without peepholes are decomposed`;
  return spec;
}

/** The sequence length of the node's X, from the shape facts or the model's declared dimensions. */
export function sequenceLength(node: onnx.INodeProto, spec: RecurrentSpec, builder: GraphBuilder, declared: DeclaredDims): number {
  const xName = node.input?.[0] as string;
  const length = builder.hasShape(xName) ? builder.shape(xName)[0] : declared(xName)?.[0];
  if (length === undefined)
    throw new UnsupportedForm(
      `the sequence length of X ("${xName}") is not stated in the model: export it with a fixed sequence axis to unroll the ${spec.kind}`,
    );
  return length;
}
