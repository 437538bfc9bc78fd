import { agglomerate, hierarchyToJson, sequenceUnits } from '@ig/core';
import type { GroupScoreOptions, Hierarchy, HierarchyJson } from '@ig/core';
import type * as OnnxNode from '@ig/onnx/node';
import { UsageError } from '../errors.js';
import { importOnnx } from '../onnx-module.js';
import { resolveTextTarget } from '../text/text-target.js';
import type { LoadedTokenizer } from '../text/tokenizer-file.js';
import { openTokenSession, sessionTextInputs, tokenIdOf } from '../text/token-session.js';
import type { HierarchyCommonSettings, HierarchyRun } from './run.js';
import { scorerOf } from './scorer.js';

export interface TextHierarchySettings extends HierarchyCommonSettings {
  readonly tokenizer: string | undefined;
  /** The float tensor the groups are scored at; default the embedding output. */
  readonly layer: string | undefined;
  readonly baselineToken: string | undefined;
  readonly tooLong: 'truncate' | 'error';
  /** ONNX graph cache: a folder, true for the platform's default folder, false or absent for none. */
  readonly cache?: string | boolean;
}

type OnnxEntry = typeof OnnxNode;

/**
 * tree.json for text: node features are token positions (flat indices into `input_ids`), not
 * indices into the embedding tensor the scores were computed at.
 */
function tokenJson(tree: Hierarchy, target: number | readonly number[], featuresPerToken: number): HierarchyJson {
  const json = hierarchyToJson(tree, target);
  return {
    ...json,
    levels: json.levels.map((level) => level.map((node) => ({ ...node, features: [...new Set(node.features.map((f) => Math.floor(f / featuresPerToken)))] }))),
  };
}

/**
 * An ACD hierarchy of one text on an ONNX model with token-id inputs. Every score is computed at
 * the embedding output (or `layer`), the other inputs (attention mask) held fixed: occlusion and
 * build-up replace a group's embedding rows by those of the baseline token id — for an embedding
 * lookup, exactly the model run with those ids replaced —, integrated-gradients sums layer IG
 * per token, and cd splits the embedding into the group's tokens (relevant) and the rest.
 */
export async function runTextHierarchy(text: string, settings: TextHierarchySettings, warn: (line: string) => void): Promise<HierarchyRun> {
  if (!settings.modelPath.endsWith('.onnx')) throw new UsageError('--text builds hierarchies of ONNX models with token-id inputs; give an .onnx --model');
  const started = performance.now();
  const session = await openTokenSession(
    {
      model: settings.modelPath,
      tokenizer: settings.tokenizer,
      layer: settings.layer,
      provider: 'cpu',
      baselineToken: settings.baselineToken,
      cache: settings.cache,
    },
    { needTokenizer: true, warn },
  );
  const { explainer, layer } = session;
  try {
    const { encoded, inputs, idsName, shape, baseline } = sessionTextInputs(session, text, settings.tooLong);
    encoded.warnings.forEach(warn);
    const output = await explainer.predict(inputs);
    const names = { labels: settings.labels, tokenId: tokenIdOf(session.tokenizer as LoadedTokenizer) };
    const { target, objective } = resolveTextTarget(settings.target, output, names, encoded.tokens.length - 1);
    const x = await explainer.activation(inputs);
    const reference = await explainer.activation({ ...inputs, [idsName]: { data: baseline, shape } });
    const context = Object.fromEntries(explainer.cut.passthrough.map((name) => [name, inputs[name] as { data: BigInt64Array; shape: number[] }]));
    if (x.shape.length !== 3 || x.shape[1] !== shape[1])
      throw new UsageError(`--layer ${layer} has shape [${x.shape.join(', ')}]; a text hierarchy needs [1, ${String(shape[1])}, features]`);
    const featuresPerToken = x.shape[2] as number;
    const head = await explainer.head(inputs);
    const options: GroupScoreOptions = {
      backend: head.backend,
      input: x,
      baseline: reference,
      target: typeof objective === 'number' ? objective : Float32Array.from((objective as { readonly weights: Float32Array }).weights),
      ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    };
    let tree: Hierarchy;
    let cost: { forwardPasses: number; gradientEvaluations: number };
    try {
      const { scorer, release } = await scorerOf(settings.score, options, settings.steps, async () => {
        const onnx = (await importOnnx('cpu')) as unknown as OnnxEntry;
        const decomposition = await onnx.onnxContextualDecomposition(explainer.cut.suffix, {
          input: layer,
          context,
          sessionOptions: { logSeverityLevel: 4, executionProviders: ['cpu'] },
        });
        return { decomposition, release: () => decomposition.dispose() };
      });
      try {
        tree = await agglomerate(scorer, sequenceUnits(encoded.tokens.length, featuresPerToken, settings.sweepDim), {
          percentileInclude: settings.percentileInclude,
          iterations: settings.iterations,
        });
        cost = { ...scorer.cost };
      } finally {
        await release();
      }
    } finally {
      await head.release();
    }
    const cls = typeof target === 'number' ? target : (target[1] as number);
    const label = settings.labels?.[cls];
    const unitLabels = tree.layout.features.map((_, u) => encoded.tokens.slice(u * settings.sweepDim, (u + 1) * settings.sweepDim).join(' '));
    return {
      tree,
      json: {
        ...tokenJson(tree, target, featuresPerToken),
        tokens: encoded.tokens,
        score: settings.score,
        ...(label !== undefined ? { label } : {}),
        forwardPasses: cost.forwardPasses,
        gradientEvaluations: cost.gradientEvaluations,
        seconds: (performance.now() - started) / 1000,
      },
      picture: null,
      labels: unitLabels,
    };
  } finally {
    await session.dispose();
  }
}
