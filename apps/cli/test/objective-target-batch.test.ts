/**
 * `ig batch` with --target-region: every item explained for the same region, its report recording
 * it, its attributions Captum's for that example; a resumed run must use the same objective. And
 * `ig explain` pictures (--heatmap, --panel) of a region objective.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { panelTitle } from '../src/panel-output.js';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

const seg = fixture('segmentation', 'seg.onnx');
const maskPng = fixture('segmentation', 'region_mask.png');
const reference = JSON.parse(readFileSync(fixture('segmentation', 'reference.json'), 'utf8')) as { regionClass: number; regionPixels: number };

describe('ig batch --target-region', () => {
  const dir = tempDir('objective-batch');
  const inputs = join(dir, 'inputs');
  const x = readFloat32Npy(fixture('segmentation', 'seg_input.npy'));
  const captum = readFloat32Npy(fixture('segmentation', 'captum_region.npy')).data;
  const per = x.data.length / 2;
  mkdirSync(inputs);
  [0, 1].forEach((e) => writeNpy(join(inputs, `item${e}.npy`), [1, 3, 16, 16], Array.from(x.data.subarray(e * per, (e + 1) * per))));
  const outDir = join(dir, 'out');
  const region = ['--target-region', String(reference.regionClass), '--region-mask', maskPng];

  it("explains every item for the region: Captum's attributions per example, the region in each report", () => {
    const run = ig(['batch', '--model', seg, '--inputs', inputs, '--out-dir', outDir, ...region, '--heatmaps', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const scale = captum.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    [0, 1].forEach((e) => {
      const got = readFloat32Npy(join(outDir, `item${e}.npy`)).data;
      const deviation = got.reduce((m, v, i) => Math.max(m, Math.abs(v - (captum[e * per + i] as number))), 0) / scale;
      expect(deviation).toBeLessThan(2e-6); // measured 2.3e-7 with ig explain (objective-targets.test.ts)
      const report = JSON.parse(readFileSync(join(outDir, `item${e}.json`), 'utf8')) as { target: unknown };
      expect(report.target).toMatchObject({ kind: 'region', class: reference.regionClass, mask: maskPng, pixels: reference.regionPixels });
      const heatmap = PNG.sync.read(readFileSync(join(outDir, `item${e}.png`)));
      expect(heatmap.width).toBe(heatmap.height); // the 16×16 map, upscaled for viewing
      expect(heatmap.width % 16).toBe(0);
    });
  });

  it('a resumed run with another mask is refused, naming --region-mask', () => {
    const other = fixture('segmentation', 'region_mask.npy');
    const run = ig(['batch', '--model', seg, '--inputs', inputs, '--out-dir', outDir, '--target-region', '2', '--region-mask', other, '--heatmaps']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`holds results computed with other options (--region-mask: ${JSON.stringify(maskPng)} then, ${JSON.stringify(other)} now)`);
  });

  it('a manifest item with its own "target" is refused up front', () => {
    const manifest = join(dir, 'manifest.jsonl');
    writeFileSync(
      manifest,
      `${JSON.stringify({ input: join(inputs, 'item0.npy') })}\n${JSON.stringify({ input: join(inputs, 'item1.npy'), id: 'one', target: 3 })}\n`,
    );
    const run = ig([
      'batch',
      '--model',
      seg,
      '--inputs',
      manifest,
      '--out-dir',
      join(dir, 'out2'),
      '--target-weights',
      fixture('segmentation', 'seg_weights.npy'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--target-weights sets the objective of every input, but the manifest gives one its own "target"');
  });
});

describe('ig explain pictures of a region objective', () => {
  it('--heatmap and --panel draw the attributions; its title names the region', () => {
    const dir = tempDir('objective-pictures');
    const input = writeNpy(join(dir, 'x.npy'), [1, 3, 16, 16], Array.from(readFloat32Npy(fixture('segmentation', 'seg_input.npy')).data.subarray(0, 768)));
    const [heatmap, panel] = [join(dir, 'heat.png'), join(dir, 'panel.png')];
    const run = ig([
      'explain',
      '--model',
      seg,
      '--input',
      input,
      '--target-region',
      '2',
      '--region-mask',
      maskPng,
      '--heatmap',
      heatmap,
      '--panel',
      panel,
      '--json',
      join(dir, 'report.json'),
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const heat = PNG.sync.read(readFileSync(heatmap));
    expect(heat.width).toBe(heat.height);
    expect(heat.width % 16).toBe(0);
    const picture = PNG.sync.read(readFileSync(panel));
    expect(picture.width).toBeGreaterThan(3 * 16); // input | attribution | overlay, upscaled, with a colour bar
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { examples: Parameters<typeof panelTitle>[0][]; algorithm: string };
    expect(panelTitle(report.examples[0] as Parameters<typeof panelTitle>[0], report.algorithm, null)[0]).toBe(
      `target region of class 2 over ${reference.regionPixels} pixels of ${maskPng}`,
    );
  });
});
