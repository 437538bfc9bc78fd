/**
 * Drops as a person makes them: a new model under the old one's file name, a picture that cannot
 * be read after one that can, two pictures at once, a picture for the text model, and a model
 * dropped while a run prepares its input. The results are checked against the models' closed
 * forms (test/closed-form.ts) and @ig/tfjs in Node.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { argmax, explain, linearLogits, model, pageErrors, picture } from './closed-form.js';
import { waitForRun } from './page-result.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, colourPng, dropFiles, filesInPage, largeJpeg, type DroppedFile } from './user-files.js';
import { nodeTfjs, savedTfjsModel, type SavedTfjsModel } from './user-tfjs.js';

const RGB8 = { width: 8, height: 8, channels: 3, layout: 'nchw' } as const;
const notAPicture: DroppedFile = { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all') };
const tfjsFiles = (saved: SavedTfjsModel): DroppedFile[] => [
  { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved.modelJson)) },
  ...saved.shards,
];

describe.skipIf(!chromiumAvailable())('drops on the playground', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  const idle = async (query = '') => {
    const page = await site.open(query);
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    return page;
  };

  test('a second .onnx with the same file name is the model explained, not the first one', async () => {
    const page = await idle();
    await dropFiles(page, [model('mean-linear-a.onnx', 'model.onnx'), picture()]);
    const first = await explain(page);
    const input = Array.from(cliInput(picture().buffer, RGB8));
    expect(first.report?.target).toBe(argmax(linearLogits('a', input)));
    await dropFiles(page, [model('mean-linear-b.onnx', 'model.onnx')]);
    const second = await explain(page);
    expect(second.error).toBe('');
    const logits = linearLogits('b', input);
    expect(argmax(logits)).not.toBe(first.report?.target);
    expect(second.report?.target).toBe(argmax(logits));
    expect(second.report?.fInput).toBeCloseTo(logits[argmax(logits)] as number, 5);
    await page.close();
  });

  test('a second model.json with the same name (other weights) is the model explained', async () => {
    const [one, two] = [await savedTfjsModel(16, 16), await savedTfjsModel(16, 16, 3, 100)];
    const page = await idle();
    const photo: DroppedFile = { name: 'photo.png', mimeType: 'image/png', buffer: colourPng(40, 30) };
    await dropFiles(page, [...tfjsFiles(one), photo]);
    const first = await explain(page);
    await dropFiles(page, tfjsFiles(two));
    await page.selectOption('#target', String(first.report?.target));
    const second = await explain(page);
    expect(second.error).toBe('');
    const input = cliInput(photo.buffer, { width: 16, height: 16, channels: 3, layout: 'nhwc' });
    const node = await nodeTfjs(two, input, [1, 16, 16, 3], first.report?.target ?? -1, 50);
    expect(Math.abs((second.report?.fInput ?? NaN) - node.fInput)).toBeLessThan(5e-6);
    expect(Math.abs((first.report?.fInput ?? NaN) - node.fInput)).toBeGreaterThan(1e-3);
    expect(relativeDeviation(second.attributions, node.attributions)).toBeLessThan(1e-6);
    await page.close();
  });

  test('a picture that cannot be read keeps the one dropped before it in use', async () => {
    const page = await idle();
    await dropFiles(page, [model('mean-linear-a.onnx'), picture()]);
    await dropFiles(page, [notAPicture]);
    expect(await page.locator('#error').textContent()).toContain('notes.png');
    const run = await explain(page);
    expect(run.status).toBe('done');
    const input = Array.from(cliInput(picture().buffer, RGB8));
    expect(relativeDeviation(run.input, input)).toBeLessThan(1e-7);
    expect(run.report?.fInput).toBeCloseTo(linearLogits('a', input)[0] as number, 5);
    await page.close();
  });

  test('of two pictures dropped together the page says which one it uses, and uses it', async () => {
    const page = await idle();
    const other: DroppedFile = { name: 'second.png', mimeType: 'image/png', buffer: colourPng(8, 8, { colorType: 0 }) };
    await dropFiles(page, [model('mean-linear-a.onnx'), picture('first.png'), other]);
    expect(await page.locator('#notice').textContent()).toBe('2 pictures dropped: first.png is used, not second.png');
    const run = await explain(page);
    expect(relativeDeviation(run.input, Array.from(cliInput(picture().buffer, RGB8)))).toBeLessThan(1e-7);
    await page.close();
  });

  test('a picture dropped while the text model is selected is said not to be used', async () => {
    const page = await idle('?model=spam-text');
    await dropFiles(page, [picture('cat.png')]);
    expect(await page.locator('#notice').isVisible()).toBe(true);
    expect(await page.locator('#notice').textContent()).toMatch(/^cat\.png is not used: Spam classifier.* takes a text/);
    await page.close();
  });

  test('a model dropped while a run prepares its picture is for the next run; the run explains the model it started with', async () => {
    const page = await idle();
    const errors = pageErrors(page);
    const photo: DroppedFile = { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: largeJpeg(6000, 4000) };
    await dropFiles(page, [model('mean-linear-a.onnx'), photo]);
    const modelB = await filesInPage(page, [model('mean-linear-b.onnx')]);
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('stage')?.textContent === 'preparing the input');
    // The stage when the drop arrives (a busy host may finish the picture before the new model is read).
    await page.evaluate(() => {
      document
        .getElementById('drop')
        ?.addEventListener('drop', () => document.body.setAttribute('data-stage-at-drop', document.getElementById('stage')?.textContent ?? ''), {
          capture: true,
          once: true,
        });
    });
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: modelB });
    await page.waitForFunction(() => (document.getElementById('model') as HTMLSelectElement).value === 'user:mean-linear-b.onnx');
    expect(await page.locator('body').getAttribute('data-stage-at-drop')).toBe('preparing the input');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    expect(run.report?.model).toBe('mean-linear-a.onnx');
    const logits = linearLogits('a', run.input);
    expect(run.report?.target).toBe(argmax(logits));
    expect(run.report?.fInput).toBeCloseTo(logits[argmax(logits)] as number, 5);
    expect(errors).toEqual([]);
    await page.close();
  });
});
