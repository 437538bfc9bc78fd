/**
 * A person's own pictures on the built site: a PNG with alpha, a grey PNG, a large JPEG (resized,
 * the page responsive: decoded in a worker) and a file that is not an image, with a user's RGB ONNX model.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { longTasksSince, waitForRun } from './page-result.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, colourPng, dropFiles, dropInPage, filesInPage, fixture, largeJpeg, nodeOnnx, type DroppedFile } from './user-files.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
mkdirSync(RESULTS, { recursive: true });
const STEPS = 50;
const MODEL = 'rgb-32x32.onnx';
const SPEC = { width: 32, height: 32, channels: 3, layout: 'nchw' } as const;
/** As autorun.test.ts for ort-wasm (measured 9.7e-8 of max |attr| there). */
const ATTR = 1e-6;

async function explainPicture(site: Site, picture: DroppedFile, shot: string) {
  const page = await site.open('');
  await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
  await dropFiles(page, [fixture(MODEL)]);
  const transfer = await filesInPage(page, [picture]);
  // Counts the pictures the page's own thread decodes (a worker has its own createImageBitmap).
  await page.evaluate(() => {
    const decode = window.createImageBitmap.bind(window) as (...args: unknown[]) => Promise<ImageBitmap>;
    const counted = window as unknown as { igPageDecodes: number };
    counted.igPageDecodes = 0;
    (window as unknown as { createImageBitmap: (...args: unknown[]) => Promise<ImageBitmap> }).createImageBitmap = (...args: unknown[]) => {
      counted.igPageDecodes++;
      return decode(...args);
    };
  });
  const since = await page.evaluate(() => performance.now());
  await dropInPage(page, transfer);
  await page.fill('#steps', String(STEPS));
  await page.selectOption('#engine', 'ort-wasm');
  await page.click('#run');
  const run = await waitForRun(page);
  await page.screenshot({ path: `${RESULTS}${shot}.png`, fullPage: true });
  const tasks = await longTasksSince(page, since);
  const pageDecodes = await page.evaluate(() => (window as unknown as { igPageDecodes: number }).igPageDecodes);
  await page.close();
  return { run, tasks, pageDecodes };
}

describe.skipIf(!chromiumAvailable())('a user’s pictures in the playground', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  const pngs: readonly { readonly name: string; readonly bytes: () => Buffer }[] = [
    { name: 'rgba', bytes: () => colourPng(45, 40, { alpha: (x, y) => (x < 10 ? 0 : Math.min(255, 60 + 4 * y)) }) },
    { name: 'grey', bytes: () => colourPng(45, 40, { colorType: 0 }) },
    { name: 'grey-alpha', bytes: () => colourPng(45, 40, { colorType: 4, alpha: (x) => (x < 10 ? 0 : 200) }) },
  ];
  for (const png of pngs) {
    test(`a ${png.name} PNG is read as ig explain reads it and explained`, async () => {
      const bytes = png.bytes();
      const { run } = await explainPicture(site, { name: `${png.name}.png`, mimeType: 'image/png', buffer: bytes }, `user-image-${png.name}`);
      expect(run.error).toBe('');
      expect(run.status).toBe('done');
      const input = cliInput(bytes, SPEC);
      expect(relativeDeviation(run.input, input)).toBeLessThan(1e-6);
      const node = await nodeOnnx(MODEL, input, [1, 3, 32, 32], run.report?.target ?? -1, STEPS);
      expect(relativeDeviation(run.attributions, node.attributions)).toBeLessThan(ATTR);
    });
  }

  test('a 6000×4000 JPEG (a phone photo) is resized and explained, and the page stays responsive', async () => {
    const bytes = largeJpeg(6000, 4000);
    const { run, tasks, pageDecodes } = await explainPicture(site, { name: 'large.jpg', mimeType: 'image/jpeg', buffer: bytes }, 'user-image-large-jpeg');
    // Responsiveness is a timing, reported here and not asserted (it depends on the host's load);
    // what keeps the page responsive is asserted: the picture is decoded off the page's thread.
    console.log(`long tasks from the drop to the end of the run: ${tasks.map((t) => t.toFixed(0)).join(', ') || 'none'}`);
    expect(run.error).toBe('');
    expect(run.status).toBe('done');
    const input = cliInput(bytes, SPEC);
    const worst = run.input.reduce((m, v, i) => Math.max(m, Math.abs(v - (input[i] as number))), 0);
    console.log(`JPEG input: largest difference from ig explain's ${(worst * 255).toFixed(2)} / 255`);
    expect(run.input.length).toBe(input.length);
    // Chromium's JPEG decoder (libjpeg-turbo) and the CLI's (jpeg-js) round the IDCT and the chroma
    // upsampling differently: measured 2 levels of 255 at most on this picture.
    expect(worst).toBeLessThanOrEqual(3 / 255);
    expect(run.report?.relativeError).toBeLessThan(0.01);
    expect(pageDecodes).toBe(0);
  });

  test('a non-image file named .png says the picture cannot be read', async () => {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropFiles(page, [fixture(MODEL), { name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4 not a picture at all') }]);
    await page.screenshot({ path: `${RESULTS}user-image-not-an-image.png`, fullPage: true });
    const error = (await page.locator('#error').textContent()) ?? '';
    console.log(error);
    expect(await page.locator('#error').isVisible()).toBe(true);
    expect(error).toMatch(/holiday\.png/);
    await page.close();
  });
});
