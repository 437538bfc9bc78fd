/** Builds the example with Vite (the package's test script) and runs the page in Chromium; the result must match Node. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { chromiumAvailable, openPage } from '@ig/browser-harness';
import { integratedGradients } from '@ig/core';
import { tfjsBackend } from '@ig/tfjs';

const root = fileURLToPath(new URL('..', import.meta.url));

async function nodeModel(): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(`${root}public/model/model.json`, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = readFileSync(`${root}public/model/weights.bin`);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

test.skipIf(!chromiumAvailable())(
  'the built page explains the model as Node does',
  async () => {
    const session = await openPage({
      files: { '/': readFileSync(`${root}dist/index.html`, 'utf8') },
      directories: { '/assets/': `${root}dist/assets`, '/model/': `${root}dist/model` },
      ready: `!document.querySelector('#result').textContent.startsWith('computing')`,
    });
    try {
      const page = JSON.parse((await session.page.textContent('#result')) ?? '') as {
        backend: string;
        fInput: number;
        fBaseline: number;
        delta: number;
        attributions: number[];
      };
      await tf.setBackend('cpu');
      const model = await nodeModel();
      const input = { data: Float32Array.from({ length: 28 * 28 }, (_, i) => (Math.abs((i % 28) - 14) < 6 ? 0.8 : 0.05)), shape: [1, 28, 28, 1] };
      const node = await integratedGradients(tfjsBackend(model), input, { target: 1, steps: 32 });
      model.dispose();
      expect(page.backend).toBe('webgl');
      const expected = node.attributions[0]?.data as Float32Array;
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const deviation = Math.max(...page.attributions.map((v, i) => Math.abs(v - (expected[i] as number)))) / scale;
      console.log(`attributions deviate from Node's by ${deviation.toExponential(2)} of max |attr|`);
      // Measured 1.0e-7 of max |attr| (tfjs webgl against tfjs cpu on Node); 1e-6 allows for GPU summation order.
      expect(deviation).toBeLessThan(1e-6);
      expect(Math.abs(page.delta)).toBeLessThan(0.01 * Math.abs(page.fInput - page.fBaseline));
    } finally {
      await session.close();
    }
  },
  120_000,
);
