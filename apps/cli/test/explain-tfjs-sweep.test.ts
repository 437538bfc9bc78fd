import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussLegendre } from '@ig/core';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, readFloat32Npy, saveLayersModel, tempDir } from './helpers.js';
import { referenceIntegratedGradients } from './reference-ig.js';

const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });
const normal = (seed: number) => tfl.initializers.randomNormal({ seed, stddev: 0.3 });
const pointOf = (size: number, phase = 0): Float32Array => Float32Array.from({ length: size }, (_, i) => Math.sin(0.7 * i + phase) * 0.9);

interface Report {
  engine: string;
  target: number;
  steps: number;
  fInput: number;
  fBaseline: number;
  delta: number;
}

const measure = (name: string, values: Record<string, number>): void => {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, ...values }));
};

/** Runs `ig explain --json` and reads back the attributions (one file per input) and the report. */
function explain(dir: string, model: string, inputs: readonly string[], target: number): { attributions: Float32Array[]; report: Report } {
  const run = ig([
    'explain',
    '--model',
    model,
    ...inputs.flatMap((i) => ['--input', i]),
    '--target',
    String(target),
    '--out',
    join(dir, 'attr.npy'),
    '--json',
    join(dir, 'report.json'),
    '--quiet',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const names = inputs.length === 1 ? ['attr.npy'] : inputs.map((i) => `attr-${i.split('=')[0] as string}.npy`);
  return { attributions: names.map((n) => readFloat32Npy(join(dir, n)).data), report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report };
}

/** |Σ attr − (F(x) − F(0))| / Σ|attr|, F read from the report (the model's own forward pass). */
function completeness(attributions: readonly Float32Array[], report: Report): number {
  const all = attributions.flatMap((a) => Array.from(a));
  const sum = all.reduce((s, v) => s + v, 0);
  expect(report.delta).toBeCloseTo(sum - (report.fInput - report.fBaseline), 6);
  return Math.abs(report.delta) / all.reduce((s, v) => s + Math.abs(v), 0);
}

describe('ig explain --json on TensorFlow.js models of the layer sweep', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('tfjs-sweep');
    await tf.setBackend('cpu');
  });

  it('a hand-written graph-model GraphDef (MatMul, BiasAdd, Relu) with a .bin: the closed-form attributions', () => {
    const x = [1, -0.5, 0.8];
    writeFileSync(join(dir, 'x.npy'), formatNpy(Float32Array.from(x), [1, 3]));
    const { attributions, report } = explain(dir, fixture('graph-mlp', 'model.json'), [join(dir, 'x.npy')], 1);
    const bin = readFileSync(fixture('graph-mlp', 'weights.bin'));
    const w = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    // no relu changes sign on the path from zero for this x, so IG is x_i · Σ_{j active} W1[i, j]·W2[j, 1]
    const active = [0, 1, 2, 3].filter((j) => x.reduce((s, v, i) => s + v * (w[i * 4 + j] as number), w[12 + j] as number) > 0);
    const expected = x.map((v, i) => v * active.reduce((s, j) => s + (w[i * 4 + j] as number) * (w[16 + j * 2 + 1] as number), 0));
    const worst = Math.max(...expected.map((e, i) => Math.abs((attributions[0]?.[i] as number) - e))) / Math.max(...expected.map(Math.abs));
    measure('cli graph-model', { worst });
    expect(report.engine).toBe('tfjs');
    // float32 against float64: measured 2.3e-8 of max |attr|
    expect(worst).toBeLessThan(2e-7);
  });

  it('the same GraphDef without a format field is read as a graph model; one with a dynamic op is an error naming it', () => {
    const json = JSON.parse(readFileSync(fixture('graph-mlp', 'model.json'), 'utf8')) as { format?: string; modelTopology: { node: object[] } };
    delete json.format;
    const unformatted = join(dir, 'graph-unformatted');
    mkdirSync(unformatted);
    copyFileSync(fixture('graph-mlp', 'weights.bin'), join(unformatted, 'weights.bin'));
    writeFileSync(join(unformatted, 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'x.npy'), formatNpy(Float32Array.from([1, -0.5, 0.8]), [1, 3]));
    const plain = explain(dir, fixture('graph-mlp', 'model.json'), [join(dir, 'x.npy')], 1).attributions[0];
    expect(explain(dir, join(unformatted, 'model.json'), [join(dir, 'x.npy')], 1).attributions[0]).toEqual(plain);

    // Where has a data-dependent output shape: tfjs runs the graph only with executeAsync
    json.modelTopology.node.push(
      { name: 'positive', op: 'Greater', input: ['logits', 'logits/bias'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'where', op: 'Where', input: ['positive'], attr: { T: { type: 'DT_BOOL' } } },
    );
    writeFileSync(join(unformatted, 'model.json'), JSON.stringify({ ...json, format: 'graph-model' }));
    const run = ig(['explain', '--model', join(unformatted, 'model.json'), '--input', join(dir, 'x.npy'), '--target', '0']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/can only run with executeAsync.*dynamic op 'Where'/);
  });

  it('Bidirectional(LSTM, sum, sequences): attributions equal IG computed with tf.grad in-process', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.bidirectional({
          inputShape: [5, 3],
          mergeMode: 'sum',
          layer: tfl.layers.lstm({
            units: 3,
            recurrentActivation: 'sigmoid',
            returnSequences: true,
            kernelInitializer: glorot(1),
            recurrentInitializer: glorot(2),
            biasInitializer: normal(3),
          }),
        }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, kernelInitializer: glorot(4), biasInitializer: normal(5) }),
      ],
    });
    const file = await saveLayersModel(model, join(dir, 'bilstm'));
    const x = pointOf(15);
    writeFileSync(join(dir, 'seq.npy'), formatNpy(x, [1, 5, 3]));
    const { attributions, report } = explain(dir, file, [join(dir, 'seq.npy')], 0);
    const expected = referenceIntegratedGradients(model, x, new Float32Array(15), [1, 5, 3], 0, gaussLegendre(report.steps));
    const worst = Math.max(...expected.map((e, i) => Math.abs((attributions[0]?.[i] as number) - e))) / Math.max(...expected.map(Math.abs));
    const gap = completeness(attributions, report);
    measure('cli bidirectional lstm', { worst, gap });
    // float32 rounding in another summation order: measured 2.4e-8 of max |attr|, 2.8e-8 of Σ|attr|
    expect(worst).toBeLessThan(2e-7);
    expect(gap).toBeLessThan(2.5e-7);
    model.dispose();
  });

  it("AveragePooling2D 'same' + GlobalMaxPooling2D: complete, where IG from tfjs's own AvgPoolGrad is not", async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.averagePooling2d({ inputShape: [7, 7, 2], poolSize: [2, 3], strides: 2, padding: 'same' }),
        tfl.layers.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', useBias: false, kernelInitializer: glorot(6) }),
        tfl.layers.globalMaxPooling2d({}),
        tfl.layers.dense({ units: 2, kernelInitializer: glorot(7), biasInitializer: normal(8) }),
      ],
    });
    const file = await saveLayersModel(model, join(dir, 'pool'));
    const x = pointOf(98);
    writeFileSync(join(dir, 'image.npy'), formatNpy(x, [1, 7, 7, 2]));
    const { attributions, report } = explain(dir, file, [join(dir, 'image.npy')], 0);
    const gap = completeness(attributions, report);
    const plain = referenceIntegratedGradients(model, x, new Float32Array(98), [1, 7, 7, 2], 0, gaussLegendre(report.steps));
    const plainSum = plain.reduce((s, v) => s + v, 0);
    const plainGap = Math.abs(plainSum - (report.fInput - report.fBaseline)) / plain.reduce((s, v) => s + Math.abs(v), 0);
    measure('cli avg pool same', { gap, plainGap });
    // no bias before the relu: F(αx) is linear in α, IG exact up to rounding; measured 8.5e-9
    expect(gap).toBeLessThan(8e-8);
    // plain tf.grad through tfjs 4.22's AvgPoolGrad: measured 0.22
    expect(plainGap).toBeGreaterThan(0.01);
    model.dispose();
  });

  it('two inputs merged by Multiply, Average, Maximum, Minimum and Dot: NAME=FILE inputs, attributions equal in-process IG', async () => {
    const a = tfl.input({ shape: [5], name: 'a' });
    const b = tfl.input({ shape: [3], name: 'b' });
    const branch = (input: tfl.SymbolicTensor, seed: number): tfl.SymbolicTensor =>
      tfl.layers.dense({ units: 4, activation: 'tanh', useBias: false, kernelInitializer: glorot(seed) }).apply(input) as tfl.SymbolicTensor;
    const [left, right] = [branch(a, 9), branch(b, 10)];
    const merged = [tfl.layers.multiply(), tfl.layers.average(), tfl.layers.maximum(), tfl.layers.minimum(), tfl.layers.dot({ axes: -1 })].map(
      (layer) => layer.apply([left, right]) as tfl.SymbolicTensor,
    );
    const out = tfl.layers
      .dense({ units: 3, kernelInitializer: glorot(11), biasInitializer: normal(12) })
      .apply(tfl.layers.concatenate().apply(merged)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [a, b], outputs: out });
    const file = await saveLayersModel(model, join(dir, 'merge'));
    writeFileSync(join(dir, 'a.npy'), formatNpy(pointOf(5), [1, 5]));
    writeFileSync(join(dir, 'b.npy'), formatNpy(pointOf(3, 1), [1, 3]));
    const { attributions, report } = explain(dir, file, [`a=${join(dir, 'a.npy')}`, `b=${join(dir, 'b.npy')}`], 2);
    expect(attributions.map((t) => t.length)).toEqual([5, 3]);
    const gap = completeness(attributions, report);
    measure('cli merges', { gap });
    // tanh branches without bias keep Maximum and Minimum on one side along the path: measured 2.6e-8
    expect(gap).toBeLessThan(2.5e-7);
    model.dispose();
  });

  it('a Keras GRU saved with reset_after: true, which tfjs-layers cannot build, is a file error naming reset_after', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.gru({ inputShape: [4, 2], units: 3, kernelInitializer: glorot(13), recurrentInitializer: glorot(14) }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const file = await saveLayersModel(model, join(dir, 'gru'));
    const json = JSON.parse(readFileSync(file, 'utf8')) as { modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } } };
    const gru = json.modelTopology.config.layers.find((l) => l.class_name === 'GRU');
    if (gru === undefined) throw new Error('the saved model has no GRU layer');
    gru.config['reset_after'] = true;
    writeFileSync(file, JSON.stringify(json));
    writeFileSync(join(dir, 'steps.npy'), formatNpy(pointOf(8), [1, 4, 2]));
    const run = ig(['explain', '--model', file, '--input', join(dir, 'steps.npy')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/cannot load the TensorFlow\.js model: .*reset_after/);
    model.dispose();
  });

  it('a Keras Subtract layer, which tfjs-layers does not have, is a file error naming it', async () => {
    const a = tfl.input({ shape: [3], name: 'a' });
    const b = tfl.input({ shape: [3], name: 'b' });
    const model = tfl.model({ inputs: [a, b], outputs: tfl.layers.add({ name: 'difference' }).apply([a, b]) as tfl.SymbolicTensor });
    const file = await saveLayersModel(model, join(dir, 'subtract'));
    // the same graph as Keras writes it with Subtract in place of Add
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('"class_name":"Add"', '"class_name":"Subtract"'));
    writeFileSync(join(dir, 'three.npy'), formatNpy(pointOf(3), [1, 3]));
    const run = ig(['explain', '--model', file, '--input', `a=${join(dir, 'three.npy')}`, '--input', `b=${join(dir, 'three.npy')}`]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toBe(
      `error: ${file}: cannot load the TensorFlow.js model: tfjs-layers has no layer 'Subtract' (a Keras layer it does not implement, such as Subtract, or a custom layer); rebuild the model without it\n`,
    );
    model.dispose();
  });
});
