/**
 * A user's TensorFlow.js model dropped on the built site: model.json with its weight shards in one
 * drop (as saved by tfjs, and wrapped as the Keras converter writes it), and model.json alone.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { waitForRun } from './page-result.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, colourPng, dropFiles, type DroppedFile } from './user-files.js';
import { nodeTfjs, savedTfjsModel, type SavedTfjsModel } from './user-tfjs.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
mkdirSync(RESULTS, { recursive: true });
const STEPS = 50;
/** As autorun.test.ts for tfjs-webgl against tfjs cpu in Node: measured 1.3e-7 of max |attr|, F within 9.5e-7. */
const ATTR = 1e-6;
const F = 5e-6;
const HEIGHT = 24;
const WIDTH = 36;

function modelJsonFile(json: object): DroppedFile {
  return { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) };
}

describe.skipIf(!chromiumAvailable())('a user’s TensorFlow.js model in the playground', () => {
  let site: Site;
  let saved: SavedTfjsModel;
  beforeAll(async () => {
    saved = await savedTfjsModel(HEIGHT, WIDTH);
    site = await openSite({ isolated: true });
  });
  afterAll(async () => site?.close());

  const layouts: readonly { readonly name: string; readonly json: (m: SavedTfjsModel) => object }[] = [
    { name: 'as model.save() writes it', json: (m) => m.modelJson },
    {
      name: 'as the Keras converter writes it (model_config)',
      json: (m) => ({ ...m.modelJson, modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: m.modelJson.modelTopology } }),
    },
  ];
  for (const layout of layouts) {
    test(`model.json and two weight shards dropped together, ${layout.name}, run and match @ig/tfjs in Node`, async () => {
      const page = await site.open('');
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      const picture = colourPng(50, 30);
      await dropFiles(page, [modelJsonFile(layout.json(saved)), ...saved.shards, { name: 'picture.png', mimeType: 'image/png', buffer: picture }]);
      // The target list offers the model's four classes (its last Dense layer's units), and the last one runs.
      expect(await page.locator('#target option').count()).toBe(1 + 4);
      await page.selectOption('#target', '3');
      await page.fill('#steps', String(STEPS));
      await page.selectOption('#engine', 'tfjs-webgl');
      await page.click('#run');
      const run = await waitForRun(page);
      await page.screenshot({ path: `${RESULTS}user-tfjs-${layout.name.split(' ')[2]}.png`, fullPage: true });
      expect(run.error).toBe('');
      expect(run.status).toBe('done');
      const report = run.report;
      if (report === null) throw new Error('no report');
      expect(report.target).toBe(3);
      const input = cliInput(picture, { width: WIDTH, height: HEIGHT, channels: 3, layout: 'nhwc' });
      expect(relativeDeviation(run.input, input)).toBeLessThan(1e-6);
      const node = await nodeTfjs(saved, input, [1, HEIGHT, WIDTH, 3], report.target, STEPS);
      const deviation = relativeDeviation(run.attributions, node.attributions);
      console.log(`tfjs model ${layout.name}: attr deviation ${deviation.toExponential(2)}, F(x) ${Math.abs(report.fInput - node.fInput).toExponential(2)}`);
      expect(deviation).toBeLessThan(ATTR);
      expect(Math.abs(report.fInput - node.fInput)).toBeLessThan(F);
      expect(Math.abs(report.fBaseline - node.fBaseline)).toBeLessThan(F);
      await page.close();
    });
  }

  test('a target the tfjs model does not have is an error naming its classes', async () => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [modelJsonFile(saved.modelJson), ...saved.shards, { name: 'picture.png', mimeType: 'image/png', buffer: colourPng(50, 30) }]);
    await page.selectOption('#engine', 'tfjs-webgl');
    await page.evaluate(() => {
      const select = document.getElementById('target') as HTMLSelectElement;
      select.append(new Option('class 5', '5'));
      select.value = '5';
    });
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.status).toBe('error');
    expect(run.error).toMatch(/target 5: model\.json has 4 classes \(0 … 3\)/);
    await page.close();
  });

  test('a grey model without a channel axis ([null, H, W]) runs and matches @ig/tfjs in Node', async () => {
    const grey = await savedTfjsModel(HEIGHT, WIDTH, 0);
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    const picture = colourPng(50, 30);
    await dropFiles(page, [modelJsonFile(grey.modelJson), ...grey.shards, { name: 'picture.png', mimeType: 'image/png', buffer: picture }]);
    await page.fill('#steps', String(STEPS));
    await page.selectOption('#engine', 'tfjs-webgl');
    await page.click('#run');
    const run = await waitForRun(page);
    await page.screenshot({ path: `${RESULTS}user-tfjs-grey-no-channel-axis.png`, fullPage: true });
    expect(run.error).toBe('');
    const report = run.report;
    if (report === null) throw new Error('no report');
    const input = cliInput(picture, { width: WIDTH, height: HEIGHT, channels: 1, layout: 'nhwc' });
    expect(relativeDeviation(run.input, input)).toBeLessThan(1e-6);
    const node = await nodeTfjs(grey, input, [1, HEIGHT, WIDTH], report.target, STEPS);
    const deviation = relativeDeviation(run.attributions, node.attributions);
    console.log(
      `grey tfjs model without a channel axis: attr deviation ${deviation.toExponential(2)}, F(x) ${Math.abs(report.fInput - node.fInput).toExponential(2)}`,
    );
    expect(deviation).toBeLessThan(ATTR);
    // Measured 3.6e-6 on this model (WebGL sums the convolution in another order than tfjs cpu).
    expect(Math.abs(report.fInput - node.fInput)).toBeLessThan(2e-5);
    expect(await page.evaluate(() => window.igResult?.shape)).toEqual([1, HEIGHT, WIDTH]);
    await page.close();
  });

  const missing: readonly {
    readonly name: string;
    readonly shards: (m: SavedTfjsModel) => readonly DroppedFile[];
    readonly json?: () => object;
    readonly says: RegExp;
  }[] = [
    { name: 'without its weights', shards: () => [], says: /model\.json needs the weight files? 'group1-shard1of2\.bin', 'group1-shard2of2\.bin'/ },
    {
      name: 'from a tfjs graph model',
      shards: () => [],
      json: () => ({ format: 'graph-model', modelTopology: { node: [{ name: 'x', op: 'Placeholder' }] }, weightsManifest: [] }),
      says: /model\.json is a tfjs graph model; the playground loads layers models/,
    },
    { name: 'with one of its two shards', shards: (m) => m.shards.slice(0, 1), says: /model\.json needs the weight files? 'group1-shard2of2\.bin'/ },
  ];
  for (const c of missing) {
    test(`model.json dropped ${c.name} is refused with what is wrong`, async () => {
      const page = await site.open('');
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      await dropFiles(page, [modelJsonFile(c.json?.() ?? saved.modelJson), ...c.shards(saved)]);
      // Refused on the drop, before anything is loaded.
      const run = await waitForRun(page, 5_000);
      await page.screenshot({ path: `${RESULTS}user-tfjs-refused-${c.name.replace(/\W+/g, '-')}.png`, fullPage: true });
      console.log(run.error);
      expect(run.status).toBe('error');
      expect(run.error).toMatch(c.says);
      expect(await page.locator('#error').isVisible()).toBe(true);
      await page.close();
    });
  }
});
