import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContextualDecomposition } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { makeModel } from './helpers/model.js';
import { runModel, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';
import { decompositionError } from './helpers/decomposition-error.js';

const ort = runtimes.node;

interface Reference {
  readonly steps: number;
  readonly features: number;
  readonly hidden: number;
  readonly input: number[];
  readonly models: Record<string, { hidden: number[]; cases: { mask: number[]; relevant: number[]; irrelevant: number[] }[] }>;
}
// Written by fixtures/cd-gru/make_reference.py: the rule re-implemented in float64 NumPy.
const reference = JSON.parse(readFileSync(join(fixturesDir, 'cd-gru', 'reference.json'), 'utf8')) as Reference;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe('contextual decomposition of GRU and RNN nodes', () => {
  // the largest deviations measured: 4.8e-8, 1.6e-7 and 5.8e-8 on hidden states of magnitude ~0.5
  const models = [
    { name: 'gru', what: 'GRU (PyTorch export, linear_before_reset 1)', tolerance: 4e-7 },
    { name: 'rnn', what: 'RNN (PyTorch export, tanh)', tolerance: 1e-6 },
    { name: 'gru_reset_first', what: 'GRU with linear_before_reset 0 and an initial state', tolerance: 4e-7 },
  ];
  for (const { name, what, tolerance } of models) {
    it(`${what}: equals the float64 re-implementation, and the parts add up to the hidden state`, async () => {
      const { cases, hidden } = reference.models[name] as Reference['models'][string];
      const bytes = fixtureBytes('cd-gru', `${name}.onnx`);
      const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes);
      const size = reference.steps * reference.features;
      const { relevant, irrelevant } = await cd.decompose(
        Float32Array.from(reference.input),
        [reference.steps, reference.features],
        Float32Array.from(cases.flatMap((c) => c.mask)),
        cases.length,
      );
      await cd.dispose();
      const y = (await runModel(ort, bytes, { x: new ort.Tensor('float32', Float32Array.from(reference.input), [1, reference.steps, reference.features]) })).h
        ?.data as Float32Array;
      expect(maxDiff(y, hidden)).toBeLessThan(1e-6);
      const n = reference.hidden;
      let worst = 0;
      let identity = 0;
      cases.forEach((c, k) => {
        expect(c.mask).toHaveLength(size);
        worst = Math.max(worst, maxDiff(relevant.subarray(k * n, k * n + n), c.relevant), maxDiff(irrelevant.subarray(k * n, k * n + n), c.irrelevant));
        const sum = Array.from(y, (_, j) => (relevant[k * n + j] as number) + (irrelevant[k * n + j] as number));
        identity = Math.max(identity, maxDiff(sum, y));
      });
      expect(worst).toBeLessThan(tolerance);
      // the identity: measured up to 1.8e-7 (float32 parts of a state ~0.5 summed)
      expect(identity).toBeLessThan(1e-6);
    });
  }

  it('names the GRU and RNN forms it does not carry: a bidirectional GRU, a reverse RNN', () => {
    const weights = (gates: number) => ({
      W: { dims: [1, gates * 2, 3], values: Array.from(uniform(rng(gates), gates * 6, -1, 1)) },
      R: { dims: [1, gates * 2, 2], values: Array.from(uniform(rng(gates + 1), gates * 4, -1, 1)) },
    });
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [4, 'N', 3] },
      constants: { ...weights(3), W1: weights(1).W, R1: weights(1).R },
      nodes: [
        { op: 'GRU', inputs: ['x', 'W', 'R'], outputs: ['y'], attributes: { hidden_size: { int: 2 }, direction: { string: 'bidirectional' } } },
        { op: 'RNN', inputs: ['x', 'W1', 'R1'], outputs: ['z'], attributes: { hidden_size: { int: 2 }, direction: { string: 'reverse' } } },
        { op: 'Add', inputs: ['y', 'z'], outputs: ['sum'] },
      ],
      outputs: ['sum'],
    });
    const message = decompositionError(bytes).message;
    expect(message.split('\n')[0]).toMatch(
      /^no contextual decomposition for GRU, RNN: GRU \(opset 13\) node "GRU_0": unsupported form: attribute direction "forward\+reverse": only forward GRUs/,
    );
    expect(message).toMatch(/RNN \(opset 13\) node "RNN_1": unsupported form: attribute direction "reverse": only forward RNNs/);
  });
});
