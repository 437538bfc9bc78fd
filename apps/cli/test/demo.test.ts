import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

describe('ig demo', () => {
  it.each([['fashion-mnist', [1, 28, 28, 1], 3], ['small-cnn-onnx', [1, 1, 28, 28], 2]] as const)('%s: writes decodable 28×28 heatmaps, attributions and a report whose numbers add up', (bundle, shape, count) => {
    const cwd = tempDir('demo');
    const run = ig(['demo', ...(bundle === 'small-cnn-onnx' ? ['--bundle', bundle] : [])], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote heatmaps and report.json to ${join(cwd, 'ig-demo')}`);
    const report = JSON.parse(readFileSync(join(cwd, 'ig-demo', 'report.json'), 'utf8')) as {
      samples: { sample: string; files: string[]; fInput: number; fBaseline: number; delta: number; steps: number; label?: string }[];
    };
    expect(report.samples).toHaveLength(count);
    for (const sample of report.samples) {
      for (const file of sample.files.filter((f) => f.endsWith('.png'))) {
        const png = PNG.sync.read(readFileSync(join(cwd, 'ig-demo', file)));
        expect([png.width, png.height]).toEqual([28, 28]);
      }
      const attributions = readFloat32Npy(join(cwd, 'ig-demo', `${sample.sample}.attributions.npy`));
      expect(attributions.shape).toEqual(shape);
      // completeness: Σ attributions = F(x) − F(x') + delta, and delta is small
      const sum = attributions.data.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(sample.fInput - sample.fBaseline + sample.delta, 5);
      expect(Math.abs(sample.delta)).toBeLessThan(0.01 * Math.abs(sample.fInput - sample.fBaseline));
    }
    // the trained Fashion-MNIST model recognizes its three test images
    if (bundle === 'fashion-mnist') expect(report.samples.map((s) => s.label)).toEqual(['T-shirt/top', 'Trouser', 'Sneaker']);
  });
});
