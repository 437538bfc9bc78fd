import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratedGradients } from '@ig/core';
import { decodeModel, encodeModel, ExternalDataError, inlineExternalData, mayHaveExternalData, onnx, onnxBackend } from '../../src/node.js';
import { expectExact, linear as inline, W, x } from '../helpers/linear-model.js';

/** 16 bytes of something else first, so that the offset is used. */
const PREFIX = 16;

/** The model with `w` moved to an external file, as onnx.save_model(save_as_external_data=True) writes it. */
function externalModel(entries: Record<string, string>): Uint8Array {
  const model = decodeModel(inline);
  const tensor = model.graph!.initializer![0]!;
  tensor.rawData = new Uint8Array(0);
  tensor.floatData = [];
  tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  tensor.externalData = Object.entries(entries).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
  return encodeModel(model);
}
const weightBytes = new Uint8Array(new Float32Array(W).buffer);
const dataFile = new Uint8Array(PREFIX + weightBytes.length);
dataFile.set(weightBytes, PREFIX);
const good = externalModel({ location: 'weights/model.data', offset: String(PREFIX), length: String(weightBytes.length) });

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ig-external-data-'));
  mkdirSync(join(dir, 'weights'));
  writeFileSync(join(dir, 'weights', 'model.data'), dataFile);
  writeFileSync(join(dir, 'model.onnx'), good);
  server = createServer((request, response) => {
    const path = join(dir, decodeURIComponent(request.url ?? ''));
    try {
      response.end(readFileSync(path));
    } catch {
      response.writeHead(404, 'Not Found').end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function attributions(source: Parameters<typeof onnxBackend>[0]): Promise<Float32Array> {
  const backend = await onnxBackend(source);
  try {
    return (await integratedGradients(backend, [x], { target: 1 })).attributions[0]!.data;
  } finally {
    await backend.dispose();
  }
}

describe('models with external data', () => {
  it('are read from a path, a file: URL and an http URL, the data files resolved next to the model', async () => {
    for (const source of [join(dir, 'model.onnx'), pathToFileURL(join(dir, 'model.onnx')), `${base}/model.onnx`]) expectExact(await attributions(source), 1);
  });

  it('given as bytes, are refused naming the tensor and the file, and run once inlined', async () => {
    await expect(attributions(good)).rejects.toThrow(/tensor "w" keeps its data in the external file "weights\/model.data".*file path or URL/);
    const model = await inlineExternalData(good, (location) => readFileSync(join(dir, location)));
    expectExact(await attributions(model), 1);
    expect(model.graph!.initializer![0]!.dataLocation).toBe(onnx.TensorProto.DataLocation.DEFAULT);
  });

  it('are told from inline models by the scan of their bytes', () => {
    expect(mayHaveExternalData(good)).toBe(true);
    expect(mayHaveExternalData(inline)).toBe(false);
  });

  it('fail with an ExternalDataError naming what is wrong', async () => {
    const read = (location: string): Uint8Array => readFileSync(join(dir, location));
    const cases: [Record<string, string>, RegExp][] = [
      [{ location: 'weights/missing.data' }, /tensor "w": external data file "weights\/missing.data" could not be read: ENOENT/],
      [
        { location: 'weights/model.data', offset: '20', length: '24' },
        /tensor "w": bytes 20\.\.44 of "weights\/model.data" are asked for, but the file has 40/,
      ],
      [{ location: 'weights/model.data', offset: String(PREFIX), length: '20' }, /tensor "w": 20 bytes in "weights\/model.data", but FLOAT \[2, 3\] needs 24/],
      [{ location: '../model.data' }, /tensor "w": external data location "..\/model.data" must be a relative path inside the model's folder/],
      [{ location: '/etc/passwd' }, /location "\/etc\/passwd" must be a relative path/],
      [{ location: 'weights/model.data', offset: '-4' }, /tensor "w": external data offset "-4" is not a byte count/],
      [{ offset: '0' }, /tensor "w" is marked external but names no location/],
    ];
    for (const [entries, message] of cases) {
      const error = await inlineExternalData(externalModel(entries), read).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExternalDataError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
