import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decodeModel, inspect, UnsupportedOpError } from '../src/index.js';
import { onnxBackend } from '../src/node.js';
import { architecturesDir } from './helpers/architectures.js';
import { optimizedByOnnxruntime } from './helpers/onnxruntime-optimized.js';

describe("a model saved after onnxruntime's layout optimization", () => {
  it('is refused by its blocked-layout ops, with the optimization level that writes none', async () => {
    const bytes = await optimizedByOnnxruntime(join(architecturesDir, 'grouped_conv-opset17.onnx'), 'all');
    const blocked = (decodeModel(bytes).graph?.node ?? []).filter((node) => node.domain === 'com.microsoft.nchwc').map((node) => node.opType);
    expect(new Set(blocked)).toEqual(new Set(['Conv', 'ReorderInput', 'ReorderOutput']));
    expect(inspect(bytes).gradientCoverage.unsupported).toEqual(expect.arrayContaining(['com.microsoft.nchwc.Conv', 'com.microsoft.nchwc.ReorderInput']));
    const error = await onnxBackend(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOpError);
    expect((error as Error).message).toMatch(/com\.microsoft\.nchwc\.ReorderInput \(opset 1\) .*layout optimizer.*graphOptimizationLevel 'extended' instead/);
  });
});
