import { ACTIVATIONS, dense, type Array64, type Config, type Weights } from './float64-math.js';

/**
 * Float64 references of tfjs-layers' recurrent layers (tfjs-layers 4.22, layers/recurrent.js),
 * read from each layer's config and weights. All three run the same loop: the zero initial
 * state, time reversed with `goBackwards`, the last output or with `returnSequences` every
 * step's in the order processed.
 */

type Step = (input: Float64Array, state: Float64Array[]) => Float64Array[];

const activation = (config: Config, key: string, fallback: string): ((v: number) => number) => {
  const name = (config[key] as string | undefined) ?? fallback;
  const f = ACTIVATIONS[name];
  if (f === undefined) throw new Error(`no float64 reference for ${key} ${name}`);
  return f;
};

/** x · kernel + bias for one time step: a [width] row of gate pre-activations. */
const project = (x: Float64Array, kernel: Float64Array, bias?: Float64Array): Float64Array => dense({ data: x, shape: [x.length] }, kernel, bias).data;

function run(x: Array64, config: Config, states: number, step: Step): Array64 {
  const [steps, features] = x.shape as [number, number];
  const units = config['units'] as number;
  let state: Float64Array[] = Array.from({ length: states }, () => new Float64Array(units));
  const outputs: Float64Array[] = [];
  for (let k = 0; k < steps; k++) {
    const t = config['goBackwards'] === true ? steps - 1 - k : k;
    state = step(x.data.subarray(t * features, (t + 1) * features), state);
    outputs.push(state[0] as Float64Array);
  }
  if (config['returnSequences'] !== true) return { data: outputs.at(-1) as Float64Array, shape: [units] };
  const data = new Float64Array(steps * units);
  outputs.forEach((h, t) => data.set(h, t * units));
  return { data, shape: [steps, units] };
}

/** LSTM, gates in the order i, f, c, o: c = f·c + i·act(c̃), h = o·act(c). */
function lstm([kernel, recurrent, bias]: Weights, config: Config): Step {
  const units = config['units'] as number;
  const act = activation(config, 'activation', 'tanh');
  const gate = activation(config, 'recurrentActivation', 'hardSigmoid');
  return (input, [h, c]) => {
    const z = project(input, kernel as Float64Array, bias);
    const r = project(h as Float64Array, recurrent as Float64Array);
    const [nextH, nextC] = [new Float64Array(units), new Float64Array(units)];
    for (let j = 0; j < units; j++) {
      const pre = (k: number): number => (z[k * units + j] as number) + (r[k * units + j] as number);
      nextC[j] = gate(pre(1)) * (c?.[j] as number) + gate(pre(0)) * act(pre(2));
      nextH[j] = gate(pre(3)) * act(nextC[j] as number);
    }
    return [nextH, nextC];
  };
}

/**
 * GRU as tfjs computes it: gates in the order z, r, h and the reset gate applied before the
 * recurrent product (Keras' reset_after=False; tfjs refuses resetAfter: true):
 * h̃ = act(x·W_h + b_h + (r ⊙ h)·U_h), h' = z ⊙ h + (1 − z) ⊙ h̃.
 */
function gru([kernel, recurrent, bias]: Weights, config: Config): Step {
  const units = config['units'] as number;
  const act = activation(config, 'activation', 'tanh');
  const gate = activation(config, 'recurrentActivation', 'hardSigmoid');
  return (input, [h]) => {
    const previous = h as Float64Array;
    const x = project(input, kernel as Float64Array, bias);
    const inner = project(previous, recurrent as Float64Array);
    const z = Float64Array.from({ length: units }, (_, j) => gate((x[j] as number) + (inner[j] as number)));
    const r = Float64Array.from({ length: units }, (_, j) => gate((x[units + j] as number) + (inner[units + j] as number)));
    const reset = project(
      previous.map((v, j) => v * (r[j] as number)),
      recurrent as Float64Array,
    );
    const next = Float64Array.from({ length: units }, (_, j) => {
      const candidate = act((x[2 * units + j] as number) + (reset[2 * units + j] as number));
      return (z[j] as number) * (previous[j] as number) + (1 - (z[j] as number)) * candidate;
    });
    return [next];
  };
}

/** SimpleRNN: h' = act(x·W + b + h·U). */
function simpleRnn([kernel, recurrent, bias]: Weights, config: Config): Step {
  const act = activation(config, 'activation', 'tanh');
  return (input, [h]) => {
    const x = project(input, kernel as Float64Array, bias);
    const inner = project(h as Float64Array, recurrent as Float64Array);
    return [x.map((v, j) => act(v + (inner[j] as number)))];
  };
}

export function recurrentLayer(kind: 'LSTM' | 'GRU' | 'SimpleRNN', x: Array64, weights: Weights, config: Config): Array64 {
  if (config['stateful'] === true) throw new Error(`no float64 reference for a stateful ${kind}`);
  if (kind === 'LSTM') return run(x, config, 2, lstm(weights, config));
  return run(x, config, 1, kind === 'GRU' ? gru(weights, config) : simpleRnn(weights, config));
}
