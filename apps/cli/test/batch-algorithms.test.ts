import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumMethodCases, captumMethodPath, captumPath } from '@ig/test-fixtures';
import { readFloat32Npy } from './helpers.js';
import { CNN, IRIS, METHODS, deviation, dir, explain, items, logits, measured, output, runAll, softmax, sum, type Output } from './batch-algorithm-runs.js';

/**
 * `ig batch --algorithm`: every item equals `ig explain` with the same method on the same input,
 * and each method's output meets its own truth (Captum's attributions and logits, completeness,
 * the identities between the methods).
 */

beforeAll(runAll, 180_000);

describe('ig batch --algorithm: each item is what ig explain gives', () => {
  it.each(METHODS.map((m) => [m.name, m] as const))('%s', (name, method) => {
    for (const item of items[method.model]) {
      const [fromBatch, fromExplain] = [output(name, item.id), explain.get(name)?.get(item.id) as Output];
      expect(fromBatch.attributions.shape).toEqual(fromExplain.attributions.shape);
      // The same engine, kernels and seeds on the same single input: bit-identical.
      expect(Array.from(fromBatch.attributions.data)).toEqual(Array.from(fromExplain.attributions.data));
      for (const key of ['algorithm', 'target', 'steps', 'fInput', 'fBaseline', 'delta', 'gradientEvaluations'])
        expect([key, fromBatch.report[key]]).toEqual([key, fromExplain.report[key]]);
      expect(fromBatch.report['status']).toBe('ok');
    }
  });

  it('the record names the method that produced it', () => {
    const label = (name: string): unknown => output(name, items[METHODS.find((m) => m.name === name)?.model ?? 'iris'][0]?.id as string).report['algorithm'];
    expect(label('ig')).toBe('integrated-gradients');
    expect(label('no-multiply')).toBe('integrated-gradients without multiply-by-inputs');
    expect(label('saliency')).toBe('saliency');
    expect(label('probability')).toBe('integrated-gradients of the probability');
    expect(label('guided')).toBe('guided-ig');
    expect(label('expected')).toBe('expected-gradients');
    expect(label('smoothgrad-sq')).toBe('saliency under smoothgrad-sq');
    expect(label('blur')).toBe('blur-ig');
    const summary = readFileSync(join(dir, 'saliency', 'summary.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(summary.map((line) => (JSON.parse(line) as { algorithm: string }).algorithm)).toEqual(['saliency', 'saliency']);
  });
});

describe('ig batch --algorithm: each method meets its own truth', () => {
  const captumMethod = (id: string): Float32Array => {
    const c = captumMethodCases().find((k) => k.id === id);
    if (c === undefined) throw new Error(`no Captum method case ${id}`);
    return readFloat32Npy(captumMethodPath(c.attribution_file)).data;
  };
  /** Another engine's float32 gradients of the same network: methods.test.ts measured ≤ 2.7e-7 of max |attr|. */
  const FLOAT32_ATTR = 2e-6;

  it("saliency, input × gradient, IG with and without multiply-by-inputs match Captum's", () => {
    expect(measured('saliency', deviation(output('saliency', 'setosa').attributions.data, captumMethod('iris_mlp/c0_saliency')))).toBeLessThan(FLOAT32_ATTR);
    expect(measured('ixg', deviation(output('input-x-gradient', 'setosa').attributions.data, captumMethod('iris_mlp/c0_input_x_gradient')))).toBeLessThan(
      FLOAT32_ATTR,
    );
    expect(
      measured('no-multiply', deviation(output('no-multiply', 'setosa').attributions.data, captumMethod('iris_mlp/c0_ig_no_multiply_gausslegendre_50'))),
    ).toBeLessThan(FLOAT32_ATTR);
    for (const item of IRIS) {
      const captum = readFloat32Npy(captumPath('data', 'iris_mlp', `${item.captum}_gausslegendre_50_attr.npy`)).data;
      expect(measured(`ig ${item.id}`, deviation(output('ig', item.id).attributions.data, captum))).toBeLessThan(FLOAT32_ATTR);
    }
    // the reduced map of a one-channel image is its input × gradient
    expect(measured('reduced', deviation(output('reduced', 'digit1').attributions.data, captumMethod('small_cnn/c1_input_x_gradient')))).toBeLessThan(
      FLOAT32_ATTR,
    );
    expect(output('reduced', 'digit1').attributions.shape).toEqual([1, 28, 28]);
    // the heatmap draws the reduced map: a PNG of the image's 28 × 28 pixels, scaled up
    const png = readFileSync(join(dir, 'reduced', 'digit1.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16) % 28).toBe(0);
  });

  it('input × gradient is input ∘ saliency; IG is (x − x′) ∘ its no-multiply form; smoothgrad-sq without noise is saliency²', () => {
    for (const item of IRIS) {
      const x = readFloat32Npy(item.input).data;
      const saliency = output('saliency', item.id).attributions.data;
      // one float32 product per feature, as the engine forms it
      expect(Array.from(output('input-x-gradient', item.id).attributions.data)).toEqual(Array.from(x, (v, i) => Math.fround(v * (saliency[i] as number))));
      const noMultiply = output('no-multiply', item.id).attributions.data;
      // baseline zeros: x − x′ = x; float32 rounding of the product and of the summed nodes
      const scaled = Array.from(x, (v, i) => v * (noMultiply[i] as number));
      expect(measured(`ig-vs-no-multiply ${item.id}`, deviation(output('ig', item.id).attributions.data, scaled))).toBeLessThan(1e-6);
      // with --stdev 0 every noisy copy is the input itself
      expect(Array.from(output('smoothgrad-sq-0', item.id).attributions.data)).toEqual(Array.from(saliency, (g) => Math.fround(g * g)));
      expect(output('smoothgrad-sq', item.id).attributions.data.every((v) => v >= 0)).toBe(true);
    }
  });

  it("guided-ig with --max-dist 0 is IG on Captum's left Riemann rule", () => {
    for (const item of IRIS) {
      const captum = readFloat32Npy(captumPath('data', 'iris_mlp', `${item.captum}_riemann_left_32_attr.npy`)).data;
      expect(measured(`guided-straight ${item.id}`, deviation(output('guided-straight', item.id).attributions.data, captum))).toBeLessThan(FLOAT32_ATTR);
    }
  });

  it('F(x) and F(x′) are the model outputs Captum computed, and the IG-like methods are complete against them', () => {
    for (const item of IRIS) {
      const [zx, zb] = [logits('iris_mlp', item, 'input'), logits('iris_mlp', item, 'baseline')];
      for (const name of ['ig', 'guided', 'guided-straight']) {
        expect(output(name, item.id).report['fInput'] as number).toBeCloseTo(zx[item.target] as number, 6);
        expect(output(name, item.id).report['fBaseline'] as number).toBeCloseTo(zb[item.target] as number, 6);
      }
      const difference = (zx[item.target] as number) - (zb[item.target] as number);
      const probability = output('probability', item.id);
      const [px, pb] = [softmax(zx, item.target), softmax(zb, item.target)];
      expect(probability.report['fInput'] as number).toBeCloseTo(px, 6);
      expect(probability.report['fBaseline'] as number).toBeCloseTo(pb, 6);
      // 64 Gauss–Legendre nodes across the MLP's ReLU kinks: measured ≤ 7.7e-4
      expect(measured(`probability completeness ${item.id}`, Math.abs(sum(probability.attributions.data) - (px - pb)))).toBeLessThan(1.5e-3);
      // One reference (the zero baseline): 200 draws of α estimate the IG integral; the Monte-Carlo
      // error of seed 5's draws, measured ≤ 0.020 on a difference of 0.27.
      const expected = output('expected', item.id);
      expect(measured(`expected completeness ${item.id}`, Math.abs(sum(expected.attributions.data) - difference))).toBeLessThan(0.04);
    }
    for (const item of CNN) {
      const blur = output('blur', item.id);
      expect(blur.report['fInput'] as number).toBeCloseTo(logits('small_cnn', item, 'input')[item.target] as number, 6);
      const toBlurred = (blur.report['fInput'] as number) - (blur.report['fBaseline'] as number);
      // 200 steps over σ ∈ [0, 4]: measured ≤ 2.1e-2 of F(x) − F(blurred x)
      expect(measured(`blur completeness ${item.id}`, Math.abs(sum(blur.attributions.data) - toBlurred) / Math.abs(toBlurred))).toBeLessThan(0.04);
    }
  });
});
