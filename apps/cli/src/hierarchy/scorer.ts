import { buildUpScorer, contextualDecompositionScorer, groupPathIntegratedGradientsScorer, integratedGradientsScorer, occlusionScorer } from '@ig/core';
import type { ContextualDecomposition, GroupScoreOptions, GroupScorer, Tensor } from '@ig/core';
import { UsageError } from '../errors.js';
import type { LoadedModel } from '../load-model.js';
import { importOnnx } from '../onnx-module.js';
import { readModelBytes } from '../model-bytes.js';

export const SCORE_KINDS = ['occlusion', 'build-up', 'integrated-gradients', 'group-path-ig', 'cd'] as const;
export type ScoreKind = (typeof SCORE_KINDS)[number];

/** The part of `@ig/onnx/node` that builds a contextual decomposition (loaded only for --score cd). */
interface DecompositionModule {
  onnxContextualDecomposition(
    model: Uint8Array,
    options?: { readonly sessionOptions?: { readonly executionProviders?: readonly string[]; readonly logSeverityLevel?: number } },
  ): Promise<ContextualDecomposition & { dispose(): Promise<void> }>;
}

export interface ScorerSettings {
  readonly kind: ScoreKind;
  readonly modelPath: string;
  readonly input: Tensor;
  readonly baseline: number | Tensor;
  /** A class index, or one weight per output (--target-weights, --target-region). */
  readonly target: number | Float32Array;
  readonly steps: number;
  readonly batchSize: number | undefined;
}

/** A contextual decomposition of the model, and what to release after it. */
export type DecompositionFactory = () => Promise<{ decomposition: ContextualDecomposition; release: () => Promise<void> }>;

/** The group scorer of `kind` on the options' backend; `cd` takes its decomposition from `decompose`. */
export async function scorerOf(
  kind: ScoreKind,
  options: GroupScoreOptions,
  steps: number,
  decompose: DecompositionFactory,
): Promise<{ scorer: GroupScorer; release: () => Promise<void> }> {
  const none = async (): Promise<void> => undefined;
  switch (kind) {
    case 'occlusion':
      return { scorer: await occlusionScorer(options), release: none };
    case 'build-up':
      return { scorer: await buildUpScorer(options), release: none };
    case 'integrated-gradients':
      return { scorer: await integratedGradientsScorer({ ...options, steps }), release: none };
    case 'group-path-ig':
      return { scorer: await groupPathIntegratedGradientsScorer({ ...options, steps }), release: none };
    case 'cd': {
      const { decomposition, release } = await decompose();
      try {
        return { scorer: await contextualDecompositionScorer({ ...options, decomposition }), release };
      } catch (error) {
        await release();
        throw error;
      }
    }
  }
}

/** The group scorer named by --score, and what to release after it. */
export async function createScorer(model: LoadedModel, settings: ScorerSettings): Promise<{ scorer: GroupScorer; release: () => Promise<void> }> {
  const options: GroupScoreOptions = {
    backend: model.backend,
    input: settings.input,
    baseline: settings.baseline,
    target: settings.target,
    ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
  };
  return scorerOf(settings.kind, options, settings.steps, async () => {
    if (model.engine !== 'onnx') {
      if (!model.decomposition) throw new UsageError('--score cd runs on ONNX models and TensorFlow.js layers models; this is a TensorFlow.js graph model');
      return { decomposition: model.decomposition(), release: async () => undefined };
    }
    if (model.provider !== 'cpu') throw new UsageError('--score cd runs on --provider cpu');
    await importOnnx('cpu');
    const onnx = (await import('@ig/onnx/node')) as unknown as DecompositionModule;
    const decomposition = await onnx.onnxContextualDecomposition(await readModelBytes(settings.modelPath), {
      sessionOptions: { executionProviders: ['cpu'], logSeverityLevel: 3 },
    });
    return { decomposition, release: () => decomposition.dispose() };
  });
}
