/**
 * A user's ONNX model with several outputs (test/fixtures/heads-rgb-24x36.onnx, from
 * scripts/make_user_models.py): the page lists the graph's outputs with their class counts,
 * explains the one picked as @ig/onnx does on onnxruntime-node with that `output`, and refuses an
 * output that is not a classifier's.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import type { Page } from 'playwright-core';
import { waitForRun } from './page-result.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, colourPng, dropFiles, fixture, nodeOnnx } from './user-files.js';

const MODEL = 'heads-rgb-24x36.onnx';
const SPEC = { width: 36, height: 24, channels: 3, layout: 'nchw' } as const;
const SHAPE = [1, 3, 24, 36];
const STEPS = 50;
/** onnxruntime-web wasm on the page against onnxruntime-node: measured ≤ 1.5e-7 of max |attr| (kind 1.5e-7, colour 1.3e-7, pooled 2.7e-8), F within 2.3e-7. */
const ATTR = 1e-6;
const F = 1e-6;

const optionsOf = (page: Page, select: string): Promise<{ value: string; label: string }[]> =>
  page.locator(`${select} option`).evaluateAll((options) => options.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));

describe.skipIf(!chromiumAvailable())('a user’s ONNX model with several outputs in the playground', () => {
  let site: Site;
  const picture = colourPng(50, 30);
  const input = cliInput(picture, SPEC);
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  async function dropped(): Promise<Page> {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [fixture(MODEL), { name: 'picture.png', mimeType: 'image/png', buffer: picture }]);
    await page.fill('#steps', String(STEPS));
    await page.selectOption('#engine', 'ort-wasm');
    return page;
  }

  /** Runs the page as it is set and compares it with @ig/onnx on onnxruntime-node for `output`. */
  async function runAndCompare(page: Page, output: string): Promise<number> {
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    const report = run.report;
    if (report === null) throw new Error('no report');
    expect(relativeDeviation(run.input, input)).toBeLessThan(1e-6);
    const node = await nodeOnnx(MODEL, input, SHAPE, report.target, STEPS, output);
    const deviation = relativeDeviation(run.attributions, node.attributions);
    const dF = Math.max(Math.abs(report.fInput - node.fInput), Math.abs(report.fBaseline - node.fBaseline));
    console.log(`output ${output}: attr deviation ${deviation.toExponential(2)}, F ${dF.toExponential(2)}`);
    expect(deviation).toBeLessThan(ATTR);
    expect(dF).toBeLessThan(F);
    return report.target;
  }

  test('each graph output is listed with its class count; the one picked is explained as @ig/onnx explains that output', async () => {
    const page = await dropped();
    expect(await page.locator('#output').isVisible()).toBe(true);
    // The graph's outputs in order, as ig inspect lists them; the counts are the declared [N, K].
    expect(await optionsOf(page, '#output')).toEqual([
      { value: 'kind', label: 'kind (5 classes)' },
      { value: 'colour', label: 'colour (3 classes)' },
      { value: 'features', label: 'features' },
      { value: 'pooled', label: 'pooled' },
    ]);
    expect(await page.locator('#target option').count()).toBe(1 + 5);
    for (const [output, target, classes] of [
      ['colour', 2, 3],
      ['kind', 3, 5],
    ] as const) {
      await page.selectOption('#output', output);
      expect((await optionsOf(page, '#target')).map((o) => o.value)).toEqual(['', ...Array.from({ length: classes }, (_, i) => String(i))]);
      await page.selectOption('#target', String(target));
      expect(await runAndCompare(page, output)).toBe(target);
      // the ranking is of the picked output's classes
      const report = (await waitForRun(page)).report;
      expect(report?.top5.map((c) => c.index).sort()).toEqual(Array.from({ length: Math.min(classes, 5) }, (_, i) => i));
    }
    await page.close();
  });

  test('an output with a symbolic class axis gets its class count from its first run', async () => {
    const page = await dropped();
    await page.selectOption('#output', 'pooled');
    // [N, channels]: the page offers 10 until a run counts them.
    expect(await page.locator('#target option').count()).toBe(1 + 10);
    await runAndCompare(page, 'pooled');
    expect(await optionsOf(page, '#output')).toContainEqual({ value: 'pooled', label: 'pooled (4 classes)' });
    expect((await optionsOf(page, '#target')).map((o) => o.value)).toEqual(['', '0', '1', '2', '3']);
    await page.selectOption('#output', 'colour');
    expect(await page.locator('#target option').count()).toBe(1 + 3);
    await page.close();
  });

  test('an output that is not a classifier’s is refused naming it, its shape and rank', async () => {
    const page = await dropped();
    await page.selectOption('#output', 'features');
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.status).toBe('error');
    expect(run.error).toBe(
      "UNSUPPORTED_OUTPUT: heads-rgb-24x36.onnx: output 'features' has shape [N, 4, 12, 18], rank 4; the playground explains classifier outputs [batch, classes] and one value per example ([batch], or [] with a batch of 1); pick another output",
    );
    // The page goes on: another output of the same model runs.
    await page.selectOption('#output', 'kind');
    await runAndCompare(page, 'kind');
    await page.close();
  });
});
