/**
 * The page's options in Chromium against Node: SmoothGrad over IG (seeded noise, so the same
 * numbers), `steps=auto`, the polarity map, a dropped ONNX model, and the .npy download.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { smoothIntegratedGradients, tensor } from '@ig/core';
import { parseNpy, toFloat32 } from '@ig/cli';
import { tfjsBackend } from '@ig/tfjs';
import { waitForRun } from './page-result.js';
import { ASSETS, cliImageInput, nodeSmallCnn, relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));

describe.skipIf(!chromiumAvailable())('the playground options in Chromium', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  test('SmoothGrad over IG equals Node with the same seed; the .npy download holds the attributions', async () => {
    const page = await site.open('?model=fashion-mnist&sample=sneaker&engine=tfjs-wasm&steps=16&algorithm=smoothgrad&autorun=1');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    const input = cliImageInput(`${ASSETS}fashion-mnist/sneaker.png`, 'nhwc');
    const range = input.reduce((m, v) => Math.max(m, v), -Infinity) - input.reduce((m, v) => Math.min(m, v), Infinity);
    await tf.setBackend('cpu');
    const json = JSON.parse(readFileSync(`${ASSETS}fashion-mnist/model.json`, 'utf8')) as {
      modelTopology: object;
      weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
    };
    const weights = readFileSync(`${ASSETS}fashion-mnist/weights.bin`);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const node = await smoothIntegratedGradients(tfjsBackend(model), tensor(input, [1, 28, 28, 1]), {
      target: run.report?.target,
      steps: 16,
      baselines: 0,
      kind: 'smoothgrad',
      samples: 5,
      stdev: 0.15 * range,
    });
    model.dispose();
    const deviation = relativeDeviation(run.attributions, node.attributions[0]?.data ?? []);
    console.log(`SmoothGrad: page against Node ${deviation.toExponential(2)} of max |attr|`);
    // Measured 3.9e-8 of max |attr| (tfjs wasm against tfjs cpu); the noise is the same draw.
    expect(deviation).toBeLessThan(1e-6);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-npy')]);
    const npy = parseNpy(readFileSync(await download.path()));
    expect(npy.shape).toEqual([1, 28, 28, 1]);
    expect(Array.from(toFloat32(npy))).toEqual(run.attributions.map((v) => Math.fround(v)));

    await page.selectOption('#style', 'polarity');
    await page.selectOption('#polarity', 'both');
    await page.check('#outlines');
    await page.screenshot({ path: `${RESULTS}smoothgrad-polarity-outlines.png`, fullPage: true });
    await page.close();
  });

  test("steps=auto refines until the completeness error is within the core's default tolerance", async () => {
    const page = await site.open('?model=small-cnn-onnx&sample=sample1&engine=ort-wasm&steps=auto&autorun=1');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    expect(run.report?.relativeError).toBeLessThan(0.01);
    expect(run.report?.steps).toBeGreaterThan(2);
    await page.close();
  });

  test('a dropped ONNX model with a dropped image runs like onnxruntime-node', async () => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    const picture = `${ASSETS}fashion-mnist/trouser.png`;
    await page.setInputFiles('#files', [
      { name: 'my_cnn.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(`${ASSETS}small_cnn.onnx`) },
      { name: 'trouser.png', mimeType: 'image/png', buffer: readFileSync(picture) },
    ]);
    await page.waitForFunction(() => (document.getElementById('model') as HTMLSelectElement).value === 'user:my_cnn.onnx');
    expect(await page.inputValue('#engine')).toBe('ort-wasm');
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    await page.screenshot({ path: `${RESULTS}dropped-onnx-model.png`, fullPage: true });
    const node = await nodeSmallCnn(cliImageInput(picture, 'nchw'), run.report?.target ?? -1, 50);
    expect(relativeDeviation(run.input, node.input)).toBeLessThan(1e-6);
    console.log(`dropped ONNX model: page against Node ${relativeDeviation(run.attributions, node.attributions).toExponential(2)} of max |attr|`);
    // ORT-web wasm against onnxruntime-node: measured 2.3e-7 here, 9.7e-8 in autorun.test.ts.
    expect(relativeDeviation(run.attributions, node.attributions)).toBeLessThan(1e-6);
    await page.close();
  });
});
