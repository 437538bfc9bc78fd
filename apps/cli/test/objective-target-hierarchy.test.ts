/**
 * `ig hierarchy --target-region`: the groups are scored on the region's objective. The whole
 * input's occlusion score is F(x) − F(x') of that objective, and its integrated-gradients score is
 * the sum of the IG attributions: both are checked against Captum's forward and attributions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

const reference = JSON.parse(readFileSync(fixture('segmentation', 'reference.json'), 'utf8')) as {
  regionPixels: number;
  cases: { region: { fInput: number[]; fBaseline: number[] } };
};

describe('ig hierarchy --target-region', () => {
  const dir = tempDir('objective-hierarchy');
  const input = writeNpy(join(dir, 'x.npy'), [1, 3, 16, 16], Array.from(readFloat32Npy(fixture('segmentation', 'seg_input.npy')).data.subarray(0, 768)));
  const mask = fixture('segmentation', 'region_mask.png');
  const hierarchy = (score: string, extra: readonly string[] = []): ReturnType<typeof ig> & { json: () => { target: unknown; fullScore: number } } => {
    const json = join(dir, `${score}.json`);
    const run = ig([
      'hierarchy',
      '--model',
      fixture('segmentation', 'seg.onnx'),
      '--input',
      input,
      '--target-region',
      '2',
      '--region-mask',
      mask,
      '--sweep-dim',
      '4',
      '--score',
      score,
      '--json',
      json,
      ...extra,
    ]);
    return { ...run, json: () => JSON.parse(readFileSync(json, 'utf8')) as { target: unknown; fullScore: number } };
  };

  it("occlusion: the whole input's score is the region objective's F(x) − F(x') as Captum's forward gives it", () => {
    const run = hierarchy('occlusion');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`target region of class 2 over ${reference.regionPixels} pixels of ${mask}: occlusion score of the whole input`);
    const { target, fullScore } = run.json();
    expect(target).toMatchObject({ kind: 'region', class: 2, mask, pixels: reference.regionPixels });
    const change = (reference.cases.region.fInput[0] as number) - (reference.cases.region.fBaseline[0] as number);
    const fScale = Math.max(Math.abs(reference.cases.region.fInput[0] as number), Math.abs(reference.cases.region.fBaseline[0] as number));
    expect(Math.abs(fullScore - change) / fScale).toBeLessThan(1e-6); // float32 rounding of F (measured 8e-8 in objective-targets.test.ts)
  });

  it("integrated-gradients: the whole input's score is the sum of Captum's attributions", () => {
    const run = hierarchy('integrated-gradients');
    expect(run.code).toBe(0);
    const captum = readFloat32Npy(fixture('segmentation', 'captum_region.npy')).data.subarray(0, 768);
    const sum = captum.reduce((s, v) => s + v, 0);
    const scale = captum.reduce((s, v) => s + Math.abs(v), 0);
    expect(Math.abs(run.json().fullScore - sum) / scale).toBeLessThan(2e-7); // as ig explain's sums (measured 1.9e-8)
  });

  it('with --target is refused', () => {
    const run = hierarchy('occlusion', ['--target', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--target-region defines what is explained; drop --target 1');
  });
});
