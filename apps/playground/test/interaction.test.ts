/**
 * A person's use of the built site in Chromium: a dropped image, Cancel in a long run and a new
 * run after it, a corrupt model file; the model runs in a worker, off the page’s thread.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { longTasksSince, scriptsByThread, waitForRun } from './page-result.js';
import { ASSETS, cliImageInput, nodeFashion, relativeDeviation } from './reference.js';
import { DIST, openSite, type Site } from './site.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
mkdirSync(RESULTS, { recursive: true });
/** Attributions against Node's on tfjs: 4× the largest deviation measured in autorun.test.ts (2.4e-7). */
const ATTR = 1e-6;
/** The name of a tfjs gradient kernel: a script that holds it holds TensorFlow.js. */
const TFJS_MARKER = 'Conv2DBackpropInput';

/** A 60×45 RGB picture (a bright sandal-like bar on a dark ground), to be resized to 28×28. */
function syntheticPng(): Buffer {
  const png = new PNG({ width: 60, height: 45 });
  for (let y = 0; y < 45; y++) {
    for (let x = 0; x < 60; x++) {
      const inside = y > 25 && y < 36 && x > 6 && x < 54;
      const strap = x > 20 && x < 26 && y > 12 && y <= 25;
      const at = (y * 60 + x) * 4;
      png.data[at] = inside || strap ? 220 : 10;
      png.data[at + 1] = inside ? 200 : strap ? 180 : 12;
      png.data[at + 2] = inside ? 160 : strap ? 90 : 30;
      png.data[at + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

describe.skipIf(!chromiumAvailable())('using the playground in Chromium', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  test('a dropped image is resized like the CLI does and explained, with the model run in a worker', async () => {
    const page = await site.open('?model=fashion-mnist&engine=tfjs-webgl&steps=50');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    const bytes = syntheticPng();
    const path = `${RESULTS}dropped.png`;
    writeFileSync(path, bytes);
    const dataTransfer = await page.evaluateHandle((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' }));
      return transfer;
    }, Array.from(bytes));
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    const since = await page.evaluate(() => performance.now());
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    await page.screenshot({ path: `${RESULTS}dropped-image.png`, fullPage: true });
    const input = cliImageInput(path, 'nhwc');
    expect(relativeDeviation(run.input, input)).toBeLessThan(1e-6);
    const node = await nodeFashion(input, run.report?.target ?? -1, 50);
    expect(relativeDeviation(run.attributions, node.attributions)).toBeLessThan(ATTR);
    // Responsiveness is a timing, logged and not asserted (it depends on the host's load); what
    // keeps the page responsive is asserted: TensorFlow.js runs in a worker, and no script on the page has it.
    const tasks = await longTasksSince(page, since);
    console.log(`long tasks during the run: ${tasks.length ? tasks.map((t) => t.toFixed(0)).join(', ') + ' ms' : 'none'}`);
    const scripts = await scriptsByThread(page);
    const withTfjs = (name: string): boolean => readFileSync(`${DIST}assets/${name}`, 'utf8').includes(TFJS_MARKER);
    expect(scripts.page.length).toBeGreaterThan(0);
    expect(scripts.page.filter(withTfjs)).toEqual([]);
    expect(scripts.workers.filter(withTfjs)).toHaveLength(1);
    await page.close();
  });

  test('Cancel stops a long run before its end, and a new run works after it', async () => {
    const page = await site.open('?model=fashion-mnist&sample=tshirt&engine=tfjs-cpu&steps=10000');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
    const since = await page.evaluate(() => performance.now());
    await page.click('#run');
    // Wait until the integration is under way (at least one batch of points reported).
    await page.waitForFunction(() => /^[1-9]\d* \/ 10000 points/.test(document.getElementById('eta')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.screenshot({ path: `${RESULTS}cancel-in-progress.png`, fullPage: true });
    const stopped = await page.evaluate(
      () =>
        new Promise<{ ms: number; status: string; progress: string }>((resolve) => {
          const start = performance.now();
          const progress = document.getElementById('eta')?.textContent ?? '';
          const observer = new MutationObserver(() => {
            if (document.body.dataset.igStatus === 'running') return;
            observer.disconnect();
            resolve({ ms: performance.now() - start, status: document.body.dataset.igStatus ?? '', progress });
          });
          observer.observe(document.body, { attributes: true, attributeFilter: ['data-ig-status'] });
          (document.getElementById('cancel') as HTMLButtonElement).click();
        }),
    );
    console.log(`cancelled after ${stopped.progress} in ${stopped.ms.toFixed(0)} ms`);
    expect(stopped.status).toBe('cancelled');
    // How fast is a timing, logged and not asserted: the runner terminates a worker that has not
    // answered within its grace period, so it does not wait for the batch in flight.
    console.log(`long tasks around the cancel: ${(await longTasksSince(page, since)).map((t) => t.toFixed(0)).join(', ') || 'none'}`);
    // The bar stays where the run stopped, the stage says so, and no time left is promised.
    const shown = await page.evaluate(() => ({
      bar: (document.getElementById('progress') as HTMLProgressElement).value,
      stage: document.getElementById('stage')?.textContent,
      eta: document.getElementById('eta')?.textContent,
    }));
    expect(shown.bar).toBeLessThan(1);
    expect(shown).toMatchObject({ stage: 'cancelled', eta: '' });
    // Cancel ends the run once: no uncaught error (it used to recurse until the stack overflowed).
    expect(errors).toEqual([]);

    await page.fill('#steps', '20');
    await page.click('#run');
    const run = await waitForRun(page);
    expect(run.status).toBe('done');
    expect(run.report?.steps).toBe(20);
    const node = await nodeFashion(cliImageInput(`${ASSETS}fashion-mnist/tshirt.png`, 'nhwc'), run.report?.target ?? -1, 20);
    expect(relativeDeviation(run.attributions, node.attributions)).toBeLessThan(ATTR);
    await page.close();
  });

  const corrupt: readonly { readonly name: string; readonly bytes: () => Buffer; readonly says: RegExp }[] = [
    { name: 'broken.onnx', bytes: () => Buffer.from('this is not an ONNX model, just text'), says: /broken\.onnx is not a readable ONNX model/ },
    { name: 'truncated.onnx', bytes: () => readFileSync(`${ASSETS}small_cnn.onnx`).subarray(0, 3000), says: /truncated\.onnx/ },
    { name: 'model.json', bytes: () => Buffer.from('{"modelTopology": {"class_name"'), says: /model\.json is not valid JSON/ },
  ];
  for (const file of corrupt) {
    test(`a corrupt model file (${file.name}) shows a readable error in the page`, async () => {
      const page = await site.open('');
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      await page.setInputFiles('#files', { name: file.name, mimeType: 'application/octet-stream', buffer: file.bytes() });
      let run = await waitForRun(page, 30_000);
      // A file that still parses as a model fails when the worker loads it: run it to see that error.
      if (run.status !== 'error') {
        await page.click('#run');
        run = await waitForRun(page);
      }
      expect(run.status).toBe('error');
      expect(run.error).toMatch(file.says);
      expect(await page.locator('#error').isVisible()).toBe(true);
      await page.screenshot({ path: `${RESULTS}corrupt-${file.name}.png`, fullPage: true });
      await page.close();
    });
  }
});
