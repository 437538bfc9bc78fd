/**
 * A user's TensorFlow.js model with several outputs: the page lists them with their class counts,
 * explains the one picked as `ig explain --output` does, and refuses what it cannot explain.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { parseNpy, toFloat32 } from '@ig/cli';
import type { Page } from 'playwright-core';
import { waitForRun } from './page-result.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, colourPng, dropFiles, type DroppedFile } from './user-files.js';
import { savedMultiOutputModel, savedTwoInputModel, type SavedTfjsModel } from './user-tfjs.js';

const CLI = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const STEPS = 50;
const HEIGHT = 24;
const WIDTH = 36;
/** tfjs-webgl on the page against tfjs cpu in the CLI, as user-tfjs.test.ts: measured ≤ 1.0e-7 of max |attr|, F within 1.9e-6. */
const ATTR = 1e-6;
const F = 5e-6;

const modelJsonFile = (saved: SavedTfjsModel): DroppedFile => ({
  name: 'model.json',
  mimeType: 'application/json',
  buffer: Buffer.from(JSON.stringify(saved.modelJson)),
});

/** `ig explain --output` on the same files: attributions and the report. */
function cliExplain(saved: SavedTfjsModel, picture: Buffer, output: string, target: number) {
  const dir = mkdtempSync(join(tmpdir(), 'playground-outputs-'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(saved.modelJson));
  for (const shard of saved.shards) writeFileSync(join(dir, shard.name), shard.buffer);
  writeFileSync(join(dir, 'picture.png'), picture);
  const [out, json] = [join(dir, 'attributions.npy'), join(dir, 'report.json')];
  const args = ['--model', join(dir, 'model.json'), '--input', join(dir, 'picture.png'), '--output', output, '--target', String(target)];
  const run = spawnSync(process.execPath, [CLI, 'explain', ...args, '--steps', String(STEPS), '--out', out, '--json', json, '--quiet'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ig explain failed: ${run.stderr}`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { fInput: number; fBaseline: number };
  return { attributions: toFloat32(parseNpy(readFileSync(out))), ...report };
}

const optionsOf = (page: Page, select: string): Promise<{ value: string; label: string }[]> =>
  page.locator(`${select} option`).evaluateAll((options) => options.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent ?? '' })));

describe.skipIf(!chromiumAvailable())('a user’s TensorFlow.js model with several outputs in the playground', () => {
  let site: Site;
  let saved: SavedTfjsModel;
  const picture = colourPng(50, 30);
  beforeAll(async () => {
    saved = await savedMultiOutputModel(HEIGHT, WIDTH);
    site = await openSite({ isolated: true });
  });
  afterAll(async () => site?.close());

  async function dropped(): Promise<Page> {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [modelJsonFile(saved), ...saved.shards, { name: 'picture.png', mimeType: 'image/png', buffer: picture }]);
    await page.fill('#steps', String(STEPS));
    await page.selectOption('#engine', 'tfjs-webgl');
    return page;
  }

  test('each output is listed with its class count; the one picked is explained as ig explain --output explains it', async () => {
    const page = await dropped();
    expect(await page.locator('#output').isVisible()).toBe(true);
    expect(await optionsOf(page, '#output')).toEqual([
      { value: 'kind', label: 'kind (4 classes)' },
      { value: 'colour', label: 'colour (3 classes)' },
      { value: 'features', label: 'features' },
      { value: 'pooled', label: 'pooled' },
    ]);
    expect(await page.locator('#target option').count()).toBe(1 + 4);
    await page.selectOption('#output', 'colour');
    expect((await optionsOf(page, '#target')).map((o) => o.value)).toEqual(['', '0', '1', '2']);
    for (const [output, target] of [
      ['colour', 2],
      ['kind', 3],
    ] as const) {
      await page.selectOption('#output', output);
      await page.selectOption('#target', String(target));
      await page.click('#run');
      const run = await waitForRun(page);
      expect(run.error).toBe('');
      const report = run.report;
      if (report === null) throw new Error('no report');
      expect(report.target).toBe(target);
      // the ranking is of the picked output's classes
      expect(report.top5.map((c) => c.index).sort()).toEqual(output === 'colour' ? [0, 1, 2] : [0, 1, 2, 3]);
      expect(relativeDeviation(run.input, cliInput(picture, { width: WIDTH, height: HEIGHT, channels: 3, layout: 'nhwc' }))).toBeLessThan(1e-6);
      const cli = cliExplain(saved, picture, output, target);
      const deviation = relativeDeviation(run.attributions, cli.attributions);
      console.log(`output ${output}: attr deviation ${deviation.toExponential(2)}, F(x) ${Math.abs(report.fInput - cli.fInput).toExponential(2)}`);
      expect(deviation).toBeLessThan(ATTR);
      expect(Math.abs(report.fInput - cli.fInput)).toBeLessThan(F);
      expect(Math.abs(report.fBaseline - cli.fBaseline)).toBeLessThan(F);
    }
    await page.close();
  });

  test('an output whose class count model.json does not declare gets it from its first run', async () => {
    const page = await dropped();
    await page.selectOption('#output', 'pooled');
    // Not declared (a global average pool of 4 channels): the page offers 10 until a run counts them.
    expect(await page.locator('#target option').count()).toBe(1 + 10);
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    const report = run.report;
    if (report === null) throw new Error('no report');
    expect(await optionsOf(page, '#output')).toContainEqual({ value: 'pooled', label: 'pooled (4 classes)' });
    expect((await optionsOf(page, '#target')).map((o) => o.value)).toEqual(['', '0', '1', '2', '3']);
    const cli = cliExplain(saved, picture, 'pooled', report.target);
    const deviation = relativeDeviation(run.attributions, cli.attributions);
    console.log(`output pooled: attr deviation ${deviation.toExponential(2)}, F(x) ${Math.abs(report.fInput - cli.fInput).toExponential(2)}`);
    expect(deviation).toBeLessThan(ATTR);
    expect(Math.abs(report.fInput - cli.fInput)).toBeLessThan(F);
    // the other outputs keep their own lists
    await page.selectOption('#output', 'colour');
    expect(await page.locator('#target option').count()).toBe(1 + 3);
    await page.close();
  });

  test('an output that is not a classifier’s is refused naming it and its shape', async () => {
    const page = await dropped();
    await page.selectOption('#output', 'features');
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.status).toBe('error');
    expect(run.error).toBe(
      "UNSUPPORTED_OUTPUT: model.json: output 'features' has shape [batch, 12, 18, 4], rank 4; the playground explains classifier outputs [batch, classes] and one value per example ([batch], or [] with a batch of 1); pick another output",
    );
    await page.close();
  });

  test('a model with two inputs is refused on the drop, naming them', async () => {
    const twoInputs = await savedTwoInputModel(HEIGHT, WIDTH);
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [modelJsonFile(twoInputs), ...twoInputs.shards]);
    const run = await waitForRun(page, 5_000);
    expect(run.status).toBe('error');
    expect(run.error).toBe('BAD_INPUT: model.json takes 2 inputs (left, right); the playground explains models with one image input');
    await page.close();
  });

  test('a model with one output shows no output picker', async () => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    expect(await page.locator('#output').isVisible()).toBe(false);
    await page.close();
  });
});
