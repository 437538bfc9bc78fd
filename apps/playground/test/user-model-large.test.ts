/**
 * A large user ONNX model dropped on the built site: the checks that decode it (its input, its
 * classes, its external data) run off the page's thread, so the page makes no long task while a
 * model of tens of MB is checked.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { decodeModel, encodeModel, onnx } from '@ig/onnx';
import { longTasksSince, waitForRun } from './page-result.js';
import { openSite, type Site } from './site.js';
import { dropInPage, filesInPage, fixture, type DroppedFile } from './user-files.js';

/** A read of at least this many bytes on the page's thread would be the model's weights. */
const LARGE_READ_BYTES = 1 << 20;
/** 3000 × 3000 float32 weights: 36 MB, about a ResNet-18's 45 MB. */
const SIDE = 3000;

/**
 * rgb-32x32.onnx with a 3000 × 3000 weight that nothing uses, stored as exporters store weights:
 * as raw bytes, as `float_data` (onnx.helper's default) or in a side file (external data).
 */
function largeModel(storage: 'raw' | 'float-data' | 'external'): readonly DroppedFile[] {
  const model = decodeModel(fixture('rgb-32x32.onnx').buffer);
  const values = new Float32Array(SIDE * SIDE).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const bytes = new Uint8Array(values.buffer);
  const name = `large-${storage}.onnx`;
  const tensor = onnx.TensorProto.create({ name: 'unused_weight', dims: [SIDE, SIDE], dataType: onnx.TensorProto.DataType.FLOAT });
  if (storage === 'raw') tensor.rawData = bytes;
  else if (storage === 'float-data') tensor.floatData = Array.from(values);
  else {
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: `${name}.data` }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: '0' }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(bytes.length) }),
    ];
  }
  const initializers = model.graph?.initializer;
  if (!initializers) throw new Error('rgb-32x32.onnx has no initializer list');
  initializers.push(tensor);
  const file = (n: string, data: Uint8Array): DroppedFile => ({ name: n, mimeType: 'application/octet-stream', buffer: Buffer.from(data) });
  const encoded = encodeModel(model);
  return storage === 'external' ? [file(name, encoded), file(`${name}.data`, bytes)] : [file(name, encoded)];
}

describe.skipIf(!chromiumAvailable())('a large user ONNX model in the playground', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  for (const storage of ['raw', 'float-data', 'external'] as const) {
    test(`a 36 MB model (${storage} weights) is checked on the drop without the page's thread reading it`, async () => {
      const files = largeModel(storage);
      const page = await site.open('');
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      const transfer = await filesInPage(page, files);
      // Counts the large files the page's own thread reads (a worker has its own Blob and FileReader).
      await page.evaluate((large) => {
        const counted = window as unknown as { igPageLargeReads: number };
        counted.igPageLargeReads = 0;
        const count = (blob: Blob): void => {
          if (blob.size >= large) counted.igPageLargeReads++;
        };
        for (const method of ['arrayBuffer', 'text', 'stream'] as const) {
          const original = Blob.prototype[method] as (this: Blob) => unknown;
          Object.defineProperty(Blob.prototype, method, {
            value(this: Blob) {
              count(this);
              return original.call(this);
            },
          });
        }
        for (const method of ['readAsArrayBuffer', 'readAsText', 'readAsDataURL', 'readAsBinaryString'] as const) {
          const original = FileReader.prototype[method] as (this: FileReader, blob: Blob) => void;
          Object.defineProperty(FileReader.prototype, method, {
            value(this: FileReader, blob: Blob) {
              count(blob);
              original.call(this, blob);
            },
          });
        }
      }, LARGE_READ_BYTES);
      const since = await page.evaluate(() => performance.now());
      await dropInPage(page, transfer);
      // The long-task observer reports a task after it ends; give it a frame to arrive.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
      const tasks = await longTasksSince(page, since);
      console.log(
        `${files[0]?.name}: ${files.reduce((s, f) => s + f.buffer.length, 0)} bytes, longest task ${Math.max(0, ...tasks).toFixed(0)} ms (${tasks.length} over 50 ms)`,
      );
      expect(await page.locator('#error').isVisible()).toBe(false);
      expect(await page.locator('#model').inputValue()).toBe(`user:${files[0]?.name}`);
      // The checks read the model: its five classes, from its output shape.
      expect(await page.locator('#target option').count()).toBe(1 + 5);
      // Responsiveness is a timing, logged above and not asserted (it depends on the host's load);
      // what keeps the page responsive is asserted: the page's thread never reads the model's bytes.
      expect(await page.evaluate(() => (window as unknown as { igPageLargeReads: number }).igPageLargeReads)).toBe(0);
      await page.close();
    });
  }

  test('a large model whose external data is missing is still refused on the drop', async () => {
    const [model] = largeModel('external');
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
    await dropInPage(page, await filesInPage(page, [model as DroppedFile]));
    const run = await waitForRun(page, 5_000);
    expect(run.status).toBe('error');
    expect(run.error).toMatch(/large-external\.onnx keeps its weights in 'large-external\.onnx\.data'; drop it together with large-external\.onnx/);
    await page.close();
  });
});
