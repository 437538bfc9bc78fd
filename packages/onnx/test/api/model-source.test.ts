import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratedGradients, ShapeMismatchError } from '@ig/core';
import { fromOrtTensor, ModelSourceError, onnxBackend, toTensor } from '../../src/node.js';
import { expectExact, linear, W, x } from '../helpers/linear-model.js';
import { makeModel } from '../helpers/model.js';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ig-model-source-'));
  writeFileSync(join(dir, 'linear.onnx'), linear);
  writeFileSync(join(dir, 'empty.onnx'), new Uint8Array(0));
  server = createServer((request, response) => {
    if (request.url === '/linear.onnx') response.end(Buffer.from(linear));
    else response.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('onnxBackend(pathOrUrlOrBytes)', () => {
  it('reads a file path, a file: URL, an http URL, an ArrayBuffer and bytes alike', async () => {
    const path = join(dir, 'linear.onnx');
    const sources = [
      path,
      pathToFileURL(path),
      pathToFileURL(path).href,
      `${base}/linear.onnx`,
      new URL(`${base}/linear.onnx`),
      new Uint8Array(linear).buffer,
      linear,
    ];
    for (const source of sources) {
      const backend = await onnxBackend(source);
      try {
        const result = await integratedGradients(backend, [x], { target: 2 });
        expectExact(result.attributions[0]!.data, 2);
      } finally {
        await backend.dispose();
      }
    }
  });

  it('names the missing file, the empty file, the folder and the failed URL in a ModelSourceError', async () => {
    const missing = join(dir, 'no-such-model.onnx');
    const cases: [unknown, string][] = [
      [missing, `model ${missing}: no such file (looked for ${missing})`],
      ['model.onnx', `model model.onnx: no such file (looked for ${join(process.cwd(), 'model.onnx')})`],
      [join(dir, 'empty.onnx'), 'is empty (0 bytes)'],
      [dir, 'is a folder, not an .onnx file'],
      [`${base}/missing.onnx`, `model ${base}/missing.onnx: could not be fetched: HTTP 404 Not Found`],
    ];
    for (const [source, message] of cases) {
      const error = await onnxBackend(source as string).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelSourceError);
      expect((error as Error).message).toContain(message);
    }
  });
});

describe('ort.Tensor in and out', () => {
  it('an ort.Tensor input gives the attributions of the same Float32Array, and toTensor turns them back into an ort.Tensor', async () => {
    const backend = await onnxBackend(linear);
    try {
      const input = new ort.Tensor('float32', Float32Array.from(x), [1, 2]);
      const fromOrt = await integratedGradients(backend, input, { target: 'predicted' });
      // Outputs at x: (−0.75 − 6, −1.5 − 3, 2.25 + 1.5) = (−6.75, −4.5, 3.75): class 2 is predicted.
      expect(fromOrt.reports[0]!.target).toBe(2);
      expectExact(fromOrt.attributions[0]!.data, 2);
      const asOrt = toTensor(fromOrt.attributions[0]!);
      expect(asOrt).toBeInstanceOf(ort.Tensor);
      expect(asOrt.type).toBe('float32');
      expect(asOrt.dims).toEqual([1, 2]);
      expect(asOrt.data).toBe(fromOrt.attributions[0]!.data);
      const float64 = new ort.Tensor('float64', Float64Array.from(x), [1, 2]);
      expect(fromOrtTensor(float64)).toEqual({ data: Float32Array.from(x), shape: [1, 2] });
      expect(() => fromOrtTensor(new ort.Tensor('string', ['a', 'b'], [1, 2]))).toThrow(ShapeMismatchError);
    } finally {
      await backend.dispose();
    }
  });
});

describe('quiet by default', () => {
  it("prints nothing for a model with initializers among its inputs; logSeverityLevel 2 shows onnxruntime's warnings", () => {
    // IR 7 with the weight listed as a graph input: onnxruntime warns "Initializer w appears in graph inputs".
    const oldExport = join(dir, 'old-export.onnx');
    const model = makeModel({
      opset: 11,
      inputs: { x: ['N', 2], w: [2, 3] },
      constants: { w: { dims: [2, 3], values: W } },
      nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
      outputs: ['y'],
    });
    writeFileSync(oldExport, model);
    const entry = pathToFileURL(fileURLToPath(new URL('../../dist/node.js', import.meta.url))).href;
    const core = import.meta.resolve('@ig/core');
    const script = (options: string): string =>
      `const { onnxBackend } = await import(${JSON.stringify(entry)}); const { integratedGradients } = await import(${JSON.stringify(core)});` +
      `const b = await onnxBackend(${JSON.stringify(oldExport)}, ${options}); await integratedGradients(b, [[0.75, -1.5]], { target: 0, steps: 'auto' }); await b.dispose();`;
    const run = (options: string) => spawnSync(process.execPath, ['--input-type=module', '-e', script(options)], { encoding: 'utf8' });
    const quiet = run('{}');
    expect(quiet.status).toBe(0);
    expect(quiet.stderr + quiet.stdout).toBe('');
    const verbose = run('{ sessionOptions: { logSeverityLevel: 2 } }');
    expect(verbose.status).toBe(0);
    expect(verbose.stderr).toContain('Initializer w appears in graph inputs');
  });
});
