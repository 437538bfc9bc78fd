import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeModel, inspect, UnsupportedOpError } from '../src/index.js';
import { onnxBackend } from '../src/node.js';
import { architecturesDir } from './helpers/architectures.js';

/** The model as onnxruntime saves it after optimizing at `level`, read back. */
async function optimizedBy(level: 'extended' | 'all', model: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'ig-ort-optimized-'));
  try {
    const optimizedModelFilePath = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(join(architecturesDir, model), {
      graphOptimizationLevel: level,
      optimizedModelFilePath,
      executionProviders: ['cpu'],
    });
    await session.release();
    return new Uint8Array(readFileSync(optimizedModelFilePath));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("a model saved after onnxruntime's layout optimization", () => {
  it('is refused by its blocked-layout ops, with the optimization level that writes none', async () => {
    const bytes = await optimizedBy('all', 'grouped_conv-opset17.onnx');
    const blocked = (decodeModel(bytes).graph?.node ?? []).filter((node) => node.domain === 'com.microsoft.nchwc').map((node) => node.opType);
    expect(new Set(blocked)).toEqual(new Set(['Conv', 'ReorderInput', 'ReorderOutput']));
    expect(inspect(bytes).gradientCoverage.unsupported).toEqual(expect.arrayContaining(['com.microsoft.nchwc.Conv', 'com.microsoft.nchwc.ReorderInput']));
    const error = await onnxBackend(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpError);
    expect((error as Error).message).toMatch(/com\.microsoft\.nchwc\.ReorderInput \(opset 1\) .*layout optimizer.*graphOptimizationLevel 'extended' instead/);
  });
});
