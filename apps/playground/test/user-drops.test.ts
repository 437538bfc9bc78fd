/**
 * Drops as a person makes them: a new model under the old one's file name. The results are
 * checked against the models' closed forms (test/closed-form.ts) and @ig/tfjs in Node.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { argmax, explain, linearLogits, model, picture } from './closed-form.js';
import { relativeDeviation } from './reference.js';
import { openSite, type Site } from './site.js';
import { cliInput, colourPng, dropFiles, type DroppedFile } from './user-files.js';
import { nodeTfjs, savedTfjsModel, type SavedTfjsModel } from './user-tfjs.js';

const RGB8 = { width: 8, height: 8, channels: 3, layout: 'nchw' } as const;
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
});
