/**
 * Models that are not the playground's own, dropped on the built site: ONNX image classifiers of
 * other layouts, sizes and batch axes (test/fixtures, from scripts/make_user_models.py). Each one
 * either runs and matches onnxruntime-node, or the page says what is wrong with it.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { waitForRun } from './page-result.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, colourPng, dropFiles, fixture, nodeForward, nodeOnnx } from './user-files.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
mkdirSync(RESULTS, { recursive: true });
const STEPS = 50;
/** As autorun.test.ts for ort-wasm: measured 9.7e-8 of max |attr| and F within 2.2e-7 there. */
const ATTR = 1e-6;
const F = 1e-6;

interface RunsCase {
  readonly model: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly layout: 'nchw' | 'nhwc';
  /** Files dropped with the model (its external data). */
  readonly with?: readonly string[];
  /** The model onnxruntime-node runs for the reference, where it is not the dropped file. */
  readonly reference?: string;
}

const RUNS: readonly RunsCase[] = [
  { model: 'rgb-32x32.onnx', width: 32, height: 32, channels: 3, layout: 'nchw' },
  { model: 'rgb-32x48.onnx', width: 48, height: 32, channels: 3, layout: 'nchw' },
  { model: 'nhwc-rgb-32x32.onnx', width: 32, height: 32, channels: 3, layout: 'nhwc' },
  { model: 'batch-n-rgb-32x32.onnx', width: 32, height: 32, channels: 3, layout: 'nchw' },
  { model: 'batch-unknown-rgb-32x32.onnx', width: 32, height: 32, channels: 3, layout: 'nchw' },
  { model: 'two-outputs-rgb-32x32.onnx', width: 32, height: 32, channels: 3, layout: 'nchw' },
  { model: 'grey-28x28-batch-n.onnx', width: 28, height: 28, channels: 1, layout: 'nchw' },
  { model: 'softmax-rgb-32x32.onnx', width: 32, height: 32, channels: 3, layout: 'nchw' },
  {
    model: 'external-data-rgb-32x32.onnx',
    width: 32,
    height: 32,
    channels: 3,
    layout: 'nchw',
    with: ['external-data-rgb-32x32.onnx.data'],
    reference: 'external-data-rgb-32x32.inlined.onnx',
  },
];

function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / sum);
}

describe.skipIf(!chromiumAvailable())('a user’s ONNX image classifier in the playground', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  for (const c of RUNS) {
    test(`${c.model} runs and matches onnxruntime-node`, async () => {
      const page = await site.open('');
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      const picture = colourPng(60, 40);
      await dropFiles(page, [fixture(c.model), ...(c.with ?? []).map(fixture), { name: 'picture.png', mimeType: 'image/png', buffer: picture }]);
      await page.fill('#steps', String(STEPS));
      await page.selectOption('#engine', 'ort-wasm');
      await page.click('#run');
      const run = await waitForRun(page);
      await page.screenshot({ path: `${RESULTS}user-${c.model}.png`, fullPage: true });
      expect(run.error).toBe('');
      expect(run.status).toBe('done');
      const report = run.report;
      if (report === null) throw new Error('no report');
      const input = cliInput(picture, c);
      expect(relativeDeviation(run.input, input)).toBeLessThan(1e-6);
      const shape = c.layout === 'nchw' ? [1, c.channels, c.height, c.width] : [1, c.height, c.width, c.channels];
      const node = await nodeOnnx(c.reference ?? c.model, input, shape, report.target, STEPS);
      const deviation = relativeDeviation(run.attributions, node.attributions);
      console.log(`${c.model}: attr deviation ${deviation.toExponential(2)}, F(x) ${Math.abs(report.fInput - node.fInput).toExponential(2)}`);
      expect(deviation).toBeLessThan(ATTR);
      expect(Math.abs(report.fInput - node.fInput)).toBeLessThan(F);
      expect(Math.abs(report.fBaseline - node.fBaseline)).toBeLessThan(F);
      // The completeness report is the identity on the attributions shown, as on Node (50 points leave
      // 1.3 % on the 32×48 model's kinks, for both).
      const sum = run.attributions.reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - (report.fInput - report.fBaseline) - report.delta)).toBeLessThan(1e-4 * Math.abs(report.fInput - report.fBaseline));
      expect(Math.abs(report.relativeError - node.relativeError)).toBeLessThan(1e-4);
      expect(await page.locator('#completeness').textContent()).toContain('relative error');
      // The target list offers the model's five classes, not a guess.
      expect(await page.locator('#target option').count()).toBe(1 + 5);
      // The top 5 are the model's probabilities: softmax of its logits, or its own softmax as it is.
      const output = await nodeForward(c.reference ?? c.model, input, shape);
      const probabilities = c.model.startsWith('softmax') ? Array.from(output) : softmax(output);
      for (const { index, probability } of report.top5) expect(Math.abs(probability - (probabilities[index] as number))).toBeLessThan(1e-6);
      await page.close();
    });
  }

  const refused: readonly { readonly model: string; readonly says: RegExp }[] = [
    { model: 'uint8-rgb-32x32.onnx', says: /uint8-rgb-32x32\.onnx: its input 'image' is uint8; the playground attributes a float image input/ },
    { model: 'two-inputs.onnx', says: /two-inputs\.onnx has 2 inputs \('image', 'scale'\)/ },
    {
      model: 'external-data-rgb-32x32.onnx',
      says: /external-data-rgb-32x32\.onnx keeps its weights in 'external-data-rgb-32x32\.onnx\.data'; drop it together with/,
    },
    { model: 'any-size-rgb.onnx', says: /any-size-rgb\.onnx: the input shape \[N, 3, H, W\] leaves the image size open/ },
  ];
  for (const c of refused) {
    test(`${c.model} is refused on the drop with what is wrong`, async () => {
      const page = await site.open('');
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      await dropFiles(page, [fixture(c.model), { name: 'picture.png', mimeType: 'image/png', buffer: colourPng(60, 40) }]);
      await page.screenshot({ path: `${RESULTS}user-refused-${c.model}.png`, fullPage: true });
      const run = await waitForRun(page, 5_000);
      expect(run.status).toBe('error');
      expect(run.error).toMatch(c.says);
      expect(await page.locator('#error').isVisible()).toBe(true);
      // The page still works: the bundled model is selected and runs.
      expect(await page.locator('#model').inputValue()).toBe('fashion-mnist');
      await page.close();
    });
  }

  test('a model dropped without a picture asks for one when run', async () => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [fixture('rgb-32x32.onnx')]);
    await page.click('#run');
    const run = await waitForRun(page, 10_000);
    expect(run.status).toBe('error');
    expect(run.error).toBe('BAD_INPUT: rgb-32x32.onnx (yours) has no sample: drop or paste an image');
    await page.close();
  });

  test('a target the model does not have is an error naming its classes', async () => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [fixture('rgb-32x32.onnx'), { name: 'picture.png', mimeType: 'image/png', buffer: colourPng(60, 40) }]);
    await page.evaluate(() => {
      const select = document.getElementById('target') as HTMLSelectElement;
      select.append(new Option('class 7', '7'));
      select.value = '7';
    });
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.status).toBe('error');
    expect(run.error).toMatch(/target 7: rgb-32x32\.onnx has 5 classes \(0 … 4\)/);
    await page.close();
  });
});
