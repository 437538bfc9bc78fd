import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decodeModel, inspect, UnsupportedOpError } from '../src/index.js';
import { onnxBackend } from '../src/node.js';
import { architecturesDir } from './helpers/architectures.js';
import { optimizedByOnnxruntime } from './helpers/onnxruntime-optimized.js';
import { fixturesDir } from './helpers/fixtures.js';

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

describe("a model saved after onnxruntime's basic optimizations", () => {
  // What the refusals of contrib ops without a decomposition rule point to: the file saved at 'basic'
  // (these fixtures are at opsets 13 and 14, where LayerNormalization is an onnxruntime contrib op too).
  it.each(['architectures/se_silu-opset13.onnx', 'cd-transformer/encoder_additive-opset14.onnx', 'architectures/window_attention-opset13.onnx'])(
    '%s holds no contrib op (where level extended fuses some)',
    async (file) => {
      const contribOps = async (level: 'basic' | 'extended'): Promise<string[]> =>
        (decodeModel(await optimizedByOnnxruntime(join(fixturesDir, file), level)).graph?.node ?? [])
          .filter((node) => node.domain === 'com.microsoft' || ['LayerNormalization', 'SimplifiedLayerNormalization'].includes(node.opType ?? ''))
          .map((node) => node.opType ?? '');
      expect((await contribOps('extended')).length).toBeGreaterThan(0);
      expect(await contribOps('basic')).toEqual([]);
    },
  );
});
