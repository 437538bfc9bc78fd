import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { gaussLegendre, panelLayout, upscaleNearest } from '@ig/core';
import { fixture, ig, readFloat32Npy, tempDir, writeSmallCnnTfjsModel } from './helpers.js';
import { grayPixels, loadLayersModelFiles, referenceIntegratedGradients, targetLogits } from './reference-ig.js';

const ASSETS = fixture('..', '..', 'assets');

/** The bundles' models as tfjs layers models (small_cnn.onnx's weights are the fixture's) and their samples. */
const BUNDLES = {
  'fashion-mnist': {
    shape: [1, 28, 28, 1],
    count: 3,
    model: () => Promise.resolve(join(ASSETS, 'fashion-mnist', 'model.json')),
    input: (sample: string) => grayPixels(join(ASSETS, 'fashion-mnist', `${sample}.png`)),
  },
  'small-cnn-onnx': {
    shape: [1, 1, 28, 28],
    count: 2,
    model: () => writeSmallCnnTfjsModel(join(tempDir('demo-cnn'), 'cnn')),
    // one channel: the NCHW sample holds the same numbers as the NHWC tfjs input
    input: (sample: string) => readFloat32Npy(join(ASSETS, `${sample}.npy`)).data,
  },
} as const;

/**
 * Float32 bounds relative to max |attr| and to max |logit|. Measured: fashion-mnist (tfjs, the
 * same kernels) 8.0e-8 and 0; small-cnn-onnx (onnxruntime against tfjs) 1.7e-7 and 6.7e-7.
 */
const ATTR_TOLERANCE = 5e-7;
const LOGIT_TOLERANCE = 3e-6;

describe('ig demo', () => {
  it.each(Object.keys(BUNDLES) as (keyof typeof BUNDLES)[])(
    '%s: writes 224 px panels and the IG of a plain tf.grad loop (zero baseline, 64 Gauss–Legendre nodes)',
    async (bundle) => {
      const { shape, count, model: modelFile, input } = BUNDLES[bundle];
      const cwd = tempDir('demo');
      const run = ig(['demo', ...(bundle === 'small-cnn-onnx' ? ['--bundle', bundle] : [])], { cwd });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`wrote heatmaps and report.json to ${join(cwd, 'ig-demo')}`);
      const report = JSON.parse(readFileSync(join(cwd, 'ig-demo', 'report.json'), 'utf8')) as {
        samples: {
          sample: string;
          files: string[];
          target: number;
          fInput: number;
          fBaseline: number;
          label?: string;
          probability: number;
          preprocessing: { inputShape: number[]; steps: unknown[] };
        }[];
      };
      expect(report.samples).toHaveLength(count);
      const model = await loadLayersModelFiles(await modelFile());
      const tfjsShape = [1, 28, 28, 1];
      for (const sample of report.samples) {
        expect(sample.files).toEqual([`${sample.sample}.attributions.npy`, `${sample.sample}.panel.png`, `${sample.sample}.polarity.png`]);
        const polarity = PNG.sync.read(readFileSync(join(cwd, 'ig-demo', `${sample.sample}.polarity.png`)));
        expect([polarity.width, polarity.height]).toEqual([224, 224]);
        // the panel: three 224 px pictures (8× the 28×28 input) under a two-line title, at 2× text
        const panel = PNG.sync.read(readFileSync(join(cwd, 'ig-demo', `${sample.sample}.panel.png`)));
        const box = panelLayout({ partWidth: 224, partHeight: 224, title: ['', ''], captions: ['', '', ''], barLabels: [], textSize: 2 }).parts[0];
        const inputPart: number[] = [];
        for (let row = 0; row < 224; row++)
          inputPart.push(...panel.data.subarray(((box.y + row) * panel.width + box.x) * 4, ((box.y + row) * panel.width + box.x + 224) * 4));
        if (bundle === 'fashion-mnist') {
          const seen = Float32Array.from(input(sample.sample), (v) => Math.round(v * 255));
          const expectedInput = upscaleNearest({ width: 28, height: 28, data: new Uint8ClampedArray(Array.from(seen, (v) => [v, v, v, 255]).flat()) }, 8);
          expect(inputPart).toEqual(Array.from(expectedInput.data));
        }
        expect(panel.height).toBe(box.y + 224 + 12);
        expect(sample.preprocessing).toMatchObject({
          inputShape: shape,
          steps:
            bundle === 'fashion-mnist'
              ? [
                  { op: 'grey', from: 'rgb', weights: [0.299, 0.587, 0.114] },
                  { op: 'scale', divide: 255 },
                ]
              : [],
        });
        const attributions = readFloat32Npy(join(cwd, 'ig-demo', `${sample.sample}.attributions.npy`));
        expect(attributions.shape).toEqual(shape);
        const x = input(sample.sample);
        const zero = new Float32Array(x.length);
        // target auto: the class the model predicts
        const logits = Array.from({ length: 10 }, (_, k) => targetLogits(model, x, tfjsShape, k));
        expect(sample.target).toBe(logits.indexOf(Math.max(...logits)));
        // the panel title's probability: softmax of the logits at the target (float32 logits: ~1e-7)
        const exps = logits.map((l) => Math.exp(l - Math.max(...logits)));
        expect(Math.abs(sample.probability - (exps[sample.target] as number) / exps.reduce((a, b) => a + b, 0))).toBeLessThan(1e-6);
        const expected = referenceIntegratedGradients(model, x, zero, tfjsShape, sample.target, gaussLegendre(64));
        const scale = Math.max(...Array.from(expected, Math.abs));
        let worst = 0;
        expected.forEach((e, i) => (worst = Math.max(worst, Math.abs((attributions.data[i] as number) - e))));
        const logitError = Math.max(
          Math.abs(sample.fInput - (logits[sample.target] as number)),
          Math.abs(sample.fBaseline - targetLogits(model, zero, tfjsShape, sample.target)),
        );
        if (process.env.IG_MEASURE !== undefined)
          console.log(JSON.stringify({ bundle, attr: worst / scale, logits: logitError / Math.max(...logits.map(Math.abs)) }));
        expect(worst / scale).toBeLessThan(ATTR_TOLERANCE);
        expect(logitError / Math.max(...logits.map(Math.abs))).toBeLessThan(LOGIT_TOLERANCE);
      }
      model.dispose();
      // the trained Fashion-MNIST model recognizes its three test images
      if (bundle === 'fashion-mnist') expect(report.samples.map((s) => s.label)).toEqual(['T-shirt/top', 'Trouser', 'Sneaker']);
    },
  );
});
