import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussLegendre } from '@ig/core';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, saveLayersModel, tempDir } from './helpers.js';
import { referenceIntegratedGradients } from './reference-ig.js';

/** Every random weight is seeded. */
const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });
const normal = (seed: number) => tfl.initializers.randomNormal({ seed, stddev: 0.3 });
const IDS = [3, 17, 5, 0, 9, 12, 1];

function logit(model: tfl.LayersModel, inputs: readonly { data: Float32Array; shape: readonly number[] }[], target: number): number {
  return tf.tidy(() => {
    const xs = inputs.map((x) => tf.tensor(x.data, [...x.shape]));
    return (model.predict(xs.length === 1 ? (xs[0] as tf.Tensor) : xs) as tf.Tensor).dataSync()[target] as number;
  });
}

/** |Σ attributions − (F(x) − F(x′))| / Σ|attributions|. */
function completeness(attributions: readonly Float32Array[], change: number): number {
  const all = attributions.flatMap((a) => Array.from(a));
  return Math.abs(all.reduce((s, v) => s + v, 0) - change) / all.reduce((s, v) => s + Math.abs(v), 0);
}

const measure = (name: string, values: Record<string, number>): void => {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, ...values }));
};

describe('ig explain on TensorFlow.js layers models beyond the reference set', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('tfjs-models');
    await tf.setBackend('cpu');
  });

  it('two inputs joined by Add and Concatenate: one --input is a usage error naming both; NAME=FILE attributes each, complete against predict', async () => {
    const a = tfl.input({ shape: [5], name: 'a' });
    const b = tfl.input({ shape: [3], name: 'b' });
    const fromA = tfl.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: glorot(1), biasInitializer: normal(2) }).apply(a) as tfl.SymbolicTensor;
    const fromB = tfl.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: glorot(3), biasInitializer: normal(4) }).apply(b) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([fromA, fromB]) as tfl.SymbolicTensor;
    const joined = tfl.layers.concatenate().apply([sum, fromB]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 3, kernelInitializer: glorot(5), biasInitializer: normal(6) }).apply(joined) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [a, b], outputs: out });
    const file = await saveLayersModel(model, join(dir, 'two'));
    const x = [
      { data: Float32Array.from([0.1, 0.5, -0.3, 0.8, -1]), shape: [1, 5] },
      { data: Float32Array.from([0.4, -0.2, 0.9]), shape: [1, 3] },
    ];
    writeFileSync(join(dir, 'a.npy'), formatNpy(x[0]?.data as Float32Array, [1, 5]));
    writeFileSync(join(dir, 'b.npy'), formatNpy(x[1]?.data as Float32Array, [1, 3]));

    const single = ig(['explain', '--model', file, '--input', join(dir, 'a.npy')]);
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/takes 2 inputs \(a, b\); give each one as --input NAME=FILE, e\.g\. --input a=a\.npy --input b=b\.npy/);

    const run = ig([
      'explain',
      '--model',
      file,
      '--input',
      `a=${join(dir, 'a.npy')}`,
      '--input',
      `b=${join(dir, 'b.npy')}`,
      '--target',
      '2',
      '--out',
      join(dir, 'two.npy'),
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const attributions = ['a', 'b'].map((name) => readFloat32Npy(join(dir, `two-${name}.npy`)));
    expect(attributions.map((t) => t.shape)).toEqual([
      [1, 5],
      [1, 3],
    ]);
    const zeros = x.map((t) => ({ data: new Float32Array(t.data.length), shape: t.shape }));
    const gap = completeness(
      attributions.map((t) => t.data),
      logit(model, x, 2) - logit(model, zeros, 2),
    );
    measure('cli two inputs', { gap });
    // a smooth tanh model: Gauss–Legendre 50 leaves float32 rounding, measured 3.9e-9 of Σ|attr|
    expect(gap).toBeLessThan(3e-8);
    model.dispose();
  });

  it('token ids into Embedding + LSTM: a usage error naming the input and --layer embedding; with --layer embedding, complete against predict', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ name: 'embedding', inputDim: 20, outputDim: 6, inputLength: 7, embeddingsInitializer: normal(7) }),
        tfl.layers.lstm({
          units: 5,
          recurrentActivation: 'sigmoid',
          kernelInitializer: glorot(8),
          recurrentInitializer: glorot(9),
          biasInitializer: normal(10),
        }),
        tfl.layers.dense({ units: 2, kernelInitializer: glorot(11), biasInitializer: normal(12) }),
      ],
    });
    const file = await saveLayersModel(model, join(dir, 'text'));
    const ids = join(dir, 'ids.npy');
    writeFileSync(
      ids,
      formatNpy(
        BigInt64Array.from(IDS, (v) => BigInt(v)),
        [1, 7],
      ),
    );

    const plain = ig(['explain', '--model', file, '--input', ids, '--target', '1']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(
      /model input '\w+' has no gradient \(token ids or other integer indices feed a lookup\); give --layer embedding to attribute at its output/,
    );

    const run = ig([
      'explain',
      '--model',
      file,
      '--input',
      ids,
      '--layer',
      'embedding',
      '--target',
      '1',
      '--steps',
      '64',
      '--out',
      join(dir, 'text.npy'),
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const attribution = readFloat32Npy(join(dir, 'text.npy'));
    expect(attribution.shape).toEqual([1, 7, 6]);
    const asFloats = [{ data: Float32Array.from(IDS), shape: [1, 7] }];
    // the default baseline is id 0 at every position
    const gap = completeness([attribution.data], logit(model, asFloats, 1) - logit(model, [{ data: new Float32Array(7), shape: [1, 7] }], 1));
    measure('cli text', { gap });
    // smooth sigmoid/tanh gates: float32 rounding, measured 2.5e-9 of Σ|attr|
    expect(gap).toBeLessThan(2e-8);
    model.dispose();
  });

  it('token ids as one of two named inputs: a usage error naming that input and pointing past --layer', async () => {
    const tokens = tfl.input({ shape: [4], name: 'tokens' });
    const features = tfl.input({ shape: [3], name: 'features' });
    const embedded = tfl.layers
      .flatten()
      .apply(tfl.layers.embedding({ name: 'lookup', inputDim: 10, outputDim: 2, embeddingsInitializer: glorot(16) }).apply(tokens));
    const dense = tfl.layers.dense({ units: 2, kernelInitializer: glorot(17) }).apply(features);
    const joined = tfl.layers.concatenate().apply([embedded as tfl.SymbolicTensor, dense as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
    const model = tfl.model({
      inputs: [tokens, features],
      outputs: tfl.layers.dense({ units: 2, kernelInitializer: glorot(18) }).apply(joined) as tfl.SymbolicTensor,
    });
    const file = await saveLayersModel(model, join(dir, 'mixed'));
    writeFileSync(join(dir, 'tokens.npy'), formatNpy(BigInt64Array.from([1n, 4n, 9n, 2n]), [1, 4]));
    writeFileSync(join(dir, 'features.npy'), formatNpy(Float32Array.from([0.5, -1, 2]), [1, 3]));
    const run = ig(['explain', '--model', file, '--input', `tokens=${join(dir, 'tokens.npy')}`, '--input', `features=${join(dir, 'features.npy')}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "error: model input 'tokens' has no gradient (token ids or other integer indices feed a lookup); --layer takes a model with one input, so attribute this 2-input model at 'lookup' with layerIntegratedGradients from @ig/tfjs\n",
    );
    model.dispose();
  });

  it('a non-square 20×32×3 NHWC image: attributions equal IG computed with tfjs in-process, and the heatmap is 32 wide by 20 high', async () => {
    const shape = [1, 20, 32, 3];
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [20, 32, 3],
          filters: 4,
          kernelSize: [3, 5],
          strides: [2, 1],
          padding: 'same',
          activation: 'relu',
          kernelInitializer: glorot(13),
        }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: glorot(14), biasInitializer: normal(15) }),
      ],
    });
    const file = await saveLayersModel(model, join(dir, 'image'));
    const image = Float32Array.from({ length: 20 * 32 * 3 }, (_, i) => Math.sin(0.37 * i));
    writeFileSync(join(dir, 'image.npy'), formatNpy(image, shape));
    const heatmap = join(dir, 'heat.png');
    const run = ig([
      'explain',
      '--model',
      file,
      '--input',
      join(dir, 'image.npy'),
      '--target',
      '0',
      '--out',
      join(dir, 'image-attr.npy'),
      '--heatmap',
      heatmap,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const attribution = readFloat32Npy(join(dir, 'image-attr.npy'));
    expect(attribution.shape).toEqual(shape);
    // the CLI's default: Gauss–Legendre with 50 nodes from the zero baseline
    const expected = referenceIntegratedGradients(model, image, new Float32Array(image.length), shape, 0, gaussLegendre(50));
    let worst = 0;
    let scale = 0;
    expected.forEach((e, i) => {
      worst = Math.max(worst, Math.abs((attribution.data[i] as number) - e));
      scale = Math.max(scale, Math.abs(e));
    });
    const gap = completeness(
      [attribution.data],
      logit(model, [{ data: image, shape }], 0) - logit(model, [{ data: new Float32Array(image.length), shape }], 0),
    );
    measure('cli non-square', { attr: worst / scale, gap });
    // float32 rounding in another summation order: measured 5.9e-8 of max |attr| and 1.2e-9 of Σ|attr|
    expect(worst / scale).toBeLessThan(4e-7);
    expect(gap).toBeLessThan(1e-8);
    // drawn upscaled by a whole factor, 32 wide and 20 high (not transposed)
    const png = PNG.sync.read(readFileSync(heatmap));
    expect(png.width % 32).toBe(0);
    expect(png.width / 32).toBe(png.height / 20);
    model.dispose();
  });
});
