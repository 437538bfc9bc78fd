import type { onnx } from '../../proto/generated/onnx.js';
import { floatAttribute, floatsAttribute, hasAttribute, intAttribute, stringAttribute } from '../../graph/attributes.js';
import { isDefaultDomain } from '../../graph/names.js';

/** The recurrent ops, which are differentiated as an unrolled graph of standard ops (see lowerRecurrentNodes). */
export const RECURRENT_OPS: ReadonlySet<string> = new Set(['LSTM', 'GRU', 'RNN']);

export type RecurrentKind = 'LSTM' | 'GRU' | 'RNN';

export const isRecurrentNode = (node: onnx.INodeProto): boolean => isDefaultDomain(node.domain) && RECURRENT_OPS.has(node.opType ?? '');

/** One activation function with its alpha and beta resolved (explicit or the default). */
export interface Activation {
  readonly name: string;
  readonly alpha: number;
  readonly beta: number;
}

/** Gates per direction, the activations each direction takes and their defaults. */
const LAYOUT: Record<RecurrentKind, { readonly gates: number; readonly defaults: readonly string[] }> = {
  LSTM: { gates: 4, defaults: ['sigmoid', 'tanh', 'tanh'] },
  GRU: { gates: 3, defaults: ['sigmoid', 'tanh'] },
  RNN: { gates: 1, defaults: ['tanh'] },
};

/**
 * The activations the lowering supports, with how many of `activation_alpha` and
 * `activation_beta` each consumes and the values it takes when the lists run out (as
 * onnxruntime reads them: the lists are consumed in activation order by the activations that
 * use them).
 */
const ACTIVATIONS: ReadonlyMap<string, { readonly alpha?: number; readonly beta?: number }> = new Map([
  ['sigmoid', {}],
  ['tanh', {}],
  ['relu', {}],
  ['softsign', {}],
  ['softplus', {}],
  ['affine', { alpha: 1, beta: 0 }],
  ['leakyrelu', { alpha: 0.01 }],
  ['thresholdedrelu', { alpha: 1 }],
  ['scaledtanh', { alpha: 1, beta: 1 }],
  ['hardsigmoid', { alpha: 0.2, beta: 0.5 }],
  ['elu', { alpha: 1 }],
]);

/** What a recurrent node computes, read from its attributes. */
export interface RecurrentSpec {
  readonly kind: RecurrentKind;
  readonly directions: readonly ('forward' | 'reverse')[];
  /** 0: X is [seq, batch, input]; 1: [batch, seq, input] (opset 14+). */
  readonly layout: 0 | 1;
  readonly hiddenSize: number;
  readonly gates: number;
  /** Per direction, the activations in the order the op's equations name them (f, g, h). */
  readonly activations: readonly (readonly Activation[])[];
  /** Bound on every activation's input; undefined for none. */
  readonly clip: number | undefined;
  /** LSTM: the forget gate is 1 − the input gate. */
  readonly inputForget: boolean;
  /** GRU: the reset gate multiplies the recurrence after its matrix product (torch's form). */
  readonly linearBeforeReset: boolean;
}

function stringsAttribute(node: onnx.INodeProto, name: string): string[] | undefined {
  const attribute = (node.attribute ?? []).find((a) => a.name === name);
  if (!attribute) return undefined;
  return (attribute.strings ?? []).map((bytes) => String.fromCharCode(...bytes));
}

/** The node's spec, or why it cannot be lowered (a sentence naming the attribute). */
export function readRecurrentSpec(node: onnx.INodeProto): RecurrentSpec | string {
  const kind = node.opType as RecurrentKind;
  const { gates, defaults } = LAYOUT[kind];
  const direction = stringAttribute(node, 'direction', 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) return `attribute direction "${direction}" is not forward, reverse or bidirectional`;
  const directions = direction === 'bidirectional' ? (['forward', 'reverse'] as const) : [direction as 'forward' | 'reverse'];
  const layout = intAttribute(node, 'layout', 0);
  if (layout !== 0 && layout !== 1) return `attribute layout ${layout} is not 0 or 1`;
  const hiddenSize = intAttribute(node, 'hidden_size', 0);
  if (!hasAttribute(node, 'hidden_size') || hiddenSize < 1) return 'attribute hidden_size is missing or not positive';
  const names = (stringsAttribute(node, 'activations') ?? directions.flatMap(() => defaults)).map((a) => a.toLowerCase());
  if (names.length !== defaults.length * directions.length) {
    return `attribute activations has ${names.length} entries; ${kind} with ${directions.length} direction(s) takes ${defaults.length * directions.length}`;
  }
  const unknown = names.find((name) => !ACTIVATIONS.has(name));
  if (unknown !== undefined) return `attribute activations: activation "${unknown}" is not supported (supported: ${[...ACTIVATIONS.keys()].join(', ')})`;
  const alphas = [...(floatsAttribute(node, 'activation_alpha') ?? [])];
  const betas = [...(floatsAttribute(node, 'activation_beta') ?? [])];
  const resolved = names.map((name) => {
    const defaultsOf = ACTIVATIONS.get(name) ?? {};
    const alpha = defaultsOf.alpha === undefined ? 0 : (alphas.shift() ?? defaultsOf.alpha);
    const beta = defaultsOf.beta === undefined ? 0 : (betas.shift() ?? defaultsOf.beta);
    return { name, alpha, beta };
  });
  const per = defaults.length;
  const clip = hasAttribute(node, 'clip') ? floatAttribute(node, 'clip', 0) : undefined;
  if (clip !== undefined && !(clip > 0)) return `attribute clip ${clip} is not positive`;
  const inputForget = intAttribute(node, 'input_forget', 0) !== 0;
  const linearBeforeReset = intAttribute(node, 'linear_before_reset', 0) !== 0;
  return {
    kind,
    directions,
    layout,
    hiddenSize,
    gates,
    activations: directions.map((_, d) => resolved.slice(d * per, (d + 1) * per)),
    clip,
    inputForget,
    linearBeforeReset,
  };
}

/** Why the node cannot be differentiated as the lowering builds it (naming the attribute), or undefined. */
export function recurrentRefusal(node: onnx.INodeProto): string | undefined {
  const spec = readRecurrentSpec(node);
  return typeof spec === 'string' ? spec : undefined;
}
