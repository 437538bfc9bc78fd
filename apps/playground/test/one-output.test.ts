/**
 * Models with one output in Chromium: a sigmoid's [1, 1], a regression's [N] and a scalar []. The
 * page lists one target, shows the output's value (no probability) and explains it as `ig explain`
 * does; the values and attributions are those of the models' closed forms (test/closed-form.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { explain, model, picture, regressionAttributions, regressionOutput, sigmoidOutput } from './closed-form.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, dropFiles } from './user-files.js';

const input = (): number[] => Array.from(cliInput(picture().buffer, { width: 8, height: 8, channels: 3, layout: 'nchw' }));

describe.skipIf(!chromiumAvailable())('a model with one output', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  const dropped = async (file: string) => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [model(file), picture()]);
    expect(await page.locator('#error').isVisible()).toBe(false);
    return page;
  };

  test('a sigmoid output is shown as its value, not as a 100% class', async () => {
    const page = await dropped('mean-sigmoid.onnx');
    expect(await page.locator('#target option').allTextContents()).toEqual(['predicted class', '0: the output']);
    const run = await explain(page);
    expect(run.error).toBe('');
    const value = sigmoidOutput(input());
    expect(run.report?.value).toBeCloseTo(value, 6);
    expect(run.report?.fInput).toBeCloseTo(value, 6);
    expect(run.report?.top5).toEqual([]);
    expect(await page.locator('#top5 li').allTextContents()).toEqual([`output: ${value.toFixed(4)} ← explained`]);
    expect(await page.locator('#top5').textContent()).not.toContain('%');
    await page.close();
  });

  for (const file of ['mean-regress-n.onnx', 'mean-regress-scalar.onnx'])
    test(`a regression output (${file}) gets one target on the drop and is explained as ig explain explains it`, async () => {
      const page = await dropped(file);
      expect(await page.locator('#target option').count()).toBe(2);
      const run = await explain(page);
      expect(run.error).toBe('');
      const x = input();
      expect(run.report).toMatchObject({ target: 0, classes: 1, top5: [] });
      expect(run.report?.value).toBeCloseTo(regressionOutput(x), 5);
      expect(run.report?.fInput).toBeCloseTo(regressionOutput(x), 5);
      expect(run.report?.fBaseline).toBeCloseTo(-0.5, 6);
      // Linear in the input: from the zero baseline each pixel's attribution is exactly 3·xᵢ / n.
      expect(relativeDeviation(run.attributions, regressionAttributions(x))).toBeLessThan(1e-6);
      await page.close();
    });
});
