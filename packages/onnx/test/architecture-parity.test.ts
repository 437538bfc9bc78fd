import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { architectureDeviation, architectureModels, architecturesDir } from './helpers/architectures.js';
import { runtimes } from './helpers/ort.js';

interface Measured {
  readonly tolerance: number;
  readonly webTolerance: number;
  readonly logitTolerance: number;
}

// Tiny modules with the constructs of EfficientNet (SiLU, squeeze-excitation), MobileNetV3
// (Hardswish, Hardsigmoid gate), ShuffleNetV2 (channel shuffle, chunk, Concat), RegNetX (grouped
// convolution), DenseNet and SqueezeNet (Concat of branches, ceil-mode max-pool), a transformer
// encoder layer (attention, LayerNorm, GELU), ViT (class token, position embedding), Swin
// (shifted windows, relative position bias, patch merging) and ConvNeXt (channels-last
// LayerNorm, layer scale), exported by torch at opset 13 and 17
// (scripts/architecture_references.py). The truth is torch autograd in float64 on the same float32
// weights; our float32 gradient differs from it by rounding, as torch's own float32 gradient does
// (references.json: torchFloat32Deviation, 1.4e-7 to 4.9e-7). Tolerances are 4× the deviation
// measured by test/measure/architecture-deviations.measure.ts, rounded up to one digit.
const measured = (JSON.parse(readFileSync(join(architecturesDir, 'tolerances.json'), 'utf8')) as { cases: Record<string, Measured> }).cases;

function measuredFor(key: string): Measured {
  const m = measured[key];
  if (!m) throw new Error(`no measured tolerance for "${key}": run pnpm --filter @ig/onnx measure:tolerances`);
  return m;
}

describe('torchvision constructs: input gradients equal torch autograd', () => {
  it.each(architectureModels.map((m) => [m.key, m] as const))('%s (onnxruntime-node)', async (key, { c, opset }) => {
    const d = await architectureDeviation(runtimes.node, c, opset);
    // Not a vanishing gradient: the smallest max |∂logit/∂x| of any point is 4.9e-5 (hardswish_se,
    // whose gates saturate), far above float32 rounding of the logits (~1e-8).
    expect(d.scale).toBeGreaterThan(1e-5);
    expect(d.gradient).toBeLessThanOrEqual(measuredFor(key).tolerance);
    expect(d.logit).toBeLessThanOrEqual(measuredFor(key).logitTolerance);
  });

  it.each(architectureModels.map((m) => [m.key, m] as const))('%s (onnxruntime-web)', async (key, { c, opset }) => {
    const d = await architectureDeviation(runtimes.web, c, opset, 'wasm');
    expect(d.gradient).toBeLessThanOrEqual(measuredFor(key).webTolerance);
    expect(d.logit).toBeLessThanOrEqual(measuredFor(key).logitTolerance);
  });
});
