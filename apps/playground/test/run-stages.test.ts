/**
 * A run in Chromium against what happens around it: Cancel while the input is still being prepared,
 * a bad file dropped during the run, and a change of model during the run.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { pageErrors } from './closed-form.js';
import { waitForRun } from './page-result.js';
import { openSite, type Site } from './site.js';
import { colourPng, dropFiles, fixture } from './user-files.js';

const status = (page: Page): Promise<string | undefined> => page.evaluate(() => document.body.dataset.igStatus);

describe.skipIf(!chromiumAvailable())('a run and what happens during it', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  test('Cancel while the model is still being fetched ends the run as cancelled, and nothing runs after it', async () => {
    const page = await site.open('?model=small-cnn-onnx&sample=sample0&engine=ort-wasm&steps=20');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    const errors = pageErrors(page);
    // The model's bytes come late, so the run is in its page-side preparation when Cancel is clicked.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/*.onnx', async (route) => {
      await held;
      await route.continue();
    });
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('stage')?.textContent === 'preparing the input');
    await page.click('#cancel');
    const run = await waitForRun(page, 10_000);
    expect(run.status).toBe('cancelled');
    expect(await page.locator('#stage').textContent()).toBe('cancelled');
    expect(await page.locator('#run').isEnabled()).toBe(true);
    release();
    // The model arrives after the cancel: the run stays cancelled and reports nothing.
    await page.waitForTimeout(1500);
    expect(await status(page)).toBe('cancelled');
    expect(await page.locator('#ig-report').textContent()).toBe('');
    expect(errors).toEqual([]);
    await page.unroute('**/*.onnx');
    const next = await (await page.click('#run'), waitForRun(page));
    expect(next.status).toBe('done');
    expect(next.report?.steps).toBe(20);
    await page.close();
  });

  test('a bad file dropped during a run is named, and the run goes on and can still be cancelled', async () => {
    const page = await site.open('?model=fashion-mnist&sample=tshirt&engine=tfjs-cpu&steps=10000');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await page.click('#run');
    await page.waitForFunction(() => /^[1-9]\d* \/ 10000 points/.test(document.getElementById('eta')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await dropFiles(page, [{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }]);
    expect(await page.locator('#error').textContent()).toMatch(/^BAD_INPUT: nothing usable in notes\.txt/);
    expect(await status(page)).toBe('running');
    expect(await page.locator('#cancel').isEnabled()).toBe(true);
    await page.click('#cancel');
    expect((await waitForRun(page, 10_000)).status).toBe('cancelled');
    await page.close();
  });

  test('a model chosen during a run keeps its own Target list; the model that ran learns its class count', async () => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [fixture('heads-rgb-24x36.onnx'), { name: 'picture.png', mimeType: 'image/png', buffer: colourPng(36, 24) }]);
    await page.selectOption('#output', 'pooled');
    // 'pooled' is [N, channels]: its class count is unknown until a run counts it (4).
    await page.fill('#steps', '3000');
    await page.click('#run');
    await page.selectOption('#model', 'fashion-mnist');
    const run = await waitForRun(page);
    expect(run.status).toBe('done');
    const labels = await page.locator('#target option').allTextContents();
    expect(labels).toHaveLength(11);
    expect(labels[1]).toBe('0: T-shirt/top');
    await page.selectOption('#model', 'user:heads-rgb-24x36.onnx');
    await page.selectOption('#output', 'pooled');
    expect(await page.locator('#output option[value="pooled"]').textContent()).toBe('pooled (4 classes)');
    expect(await page.locator('#target option').count()).toBe(1 + 4);
    await page.close();
  });
});
