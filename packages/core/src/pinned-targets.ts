import type { AbortSignalLike } from './abort.js';
import type { GradientBackend } from './backend.js';
import { resolveBatchSize } from './batching.js';
import { predictAtInput } from './predict.js';
import { resolveTargets, type TargetSpec } from './targets.js';
import type { ModelInputs } from './validate.js';

/**
 * `'predicted'` and `{ top }` turned into class indices from the model's outputs at the clean
 * input, so that methods which evaluate noisy copies (SmoothGrad, NoiseTunnel) explain the same
 * classes in every sample. Other specs are returned unchanged.
 */
export async function pinTargets(
  backend: GradientBackend,
  model: ModelInputs,
  spec: TargetSpec | undefined,
  options: { readonly batchSize?: number; readonly memoryBudgetBytes?: number; readonly signal?: AbortSignalLike },
): Promise<TargetSpec | undefined> {
  const ranked = spec === 'predicted' || (typeof spec === 'object' && spec !== null && 'top' in spec);
  if (!ranked) return spec;
  const { examples, pointSizes } = model;
  const batchSize = resolveBatchSize(
    pointSizes.reduce((a, b) => a + b, 0),
    options.batchSize,
    options.memoryBudgetBytes,
  );
  const atInput = await predictAtInput(backend, model, batchSize, options.signal);
  const targets = resolveTargets(spec, examples, atInput.outputSize, atInput.outputs);
  const labels = targets.labels as number[];
  const rows = Array.from({ length: examples }, (_, e) => labels.slice(e * targets.perExample, (e + 1) * targets.perExample));
  return targets.hasTargetAxis ? rows : rows.map((row) => row[0] as number);
}
