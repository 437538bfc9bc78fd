/** Builds the example with Vite (the package's test script) and runs the page in Chromium; the result must match Node. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { chromiumAvailable, openPage } from '@ig/browser-harness';
import { integratedGradients } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';

const root = fileURLToPath(new URL('..', import.meta.url));

test.skipIf(!chromiumAvailable())(
  'the built page explains the model as Node does',
  async () => {
    const session = await openPage({
      files: { '/': readFileSync(`${root}dist/index.html`, 'utf8'), '/model.onnx': readFileSync(`${root}dist/model.onnx`) },
      directories: { '/assets/': `${root}dist/assets` },
      ready: `!document.querySelector('#result').textContent.startsWith('computing')`,
    });
    try {
      const page = JSON.parse((await session.page.textContent('#result')) ?? '') as {
        backend: string;
        fInput: number;
        fBaseline: number;
        delta: number;
        attributions: number[];
      };
      const backend = await onnxBackend(readFileSync(`${root}public/model.onnx`));
      const input = { data: Float32Array.from({ length: 28 * 28 }, (_, i) => Math.sin(i / 7) * Math.cos(i / 53)), shape: [1, 1, 28, 28] };
      const node = await integratedGradients(backend, input, { target: 3, steps: 32 });
      await backend.dispose();
      expect(page.backend).toBe('onnxruntime-web/wasm');
      const expected = node.attributions[0]?.data as Float32Array;
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const deviation = Math.max(...page.attributions.map((v, i) => Math.abs(v - (expected[i] as number)))) / scale;
      console.log(`attributions deviate from Node's by ${deviation.toExponential(2)} of max |attr|`);
      // Measured 8.9e-8 of max |attr| (onnxruntime-web wasm against onnxruntime-node); 1e-6 allows for summation order.
      expect(deviation).toBeLessThan(1e-6);
      expect(Math.abs(page.delta)).toBeLessThan(0.01 * Math.abs(page.fInput - page.fBaseline));
    } finally {
      await session.close();
    }
  },
  120_000,
);
