import { consecutiveExamples, type TargetSpec } from '@ig/core';
import type { Layout } from './image.js';
import type { LoadedInput } from './inputs.js';
import type { LoadedModel } from './load-model.js';
import { objectiveWeights, type ReportTarget } from './objective-target.js';
import type { ObjectiveTarget } from './objective-target-options.js';
import { targetsFromOutputs } from './target-choice.js';

/** What a run explains: the core's target and, per example, what the report records. */
export interface RunTargets {
  readonly spec: TargetSpec;
  readonly perExample: readonly ReportTarget[];
  /** Class index per example; empty for a --target-weights or --target-region objective. */
  readonly classes: readonly number[];
}

type TargetSettings = { readonly target: string; readonly labels: readonly string[] | null; readonly objectiveTarget?: ObjectiveTarget | undefined };

/**
 * --target (a class per example, from the model's outputs at the input, `outputs`, for `auto`),
 * or the objective of --target-weights / --target-region, checked against the shape of the
 * model's output. `inputLayout` places a region's class axis when --layout is not given.
 */
export function targetsOfOutputs(outputs: Float32Array, examples: number, model: LoadedModel, inputLayout: Layout, settings: TargetSettings): RunTargets {
  if (settings.objectiveTarget === undefined) {
    const classes = targetsFromOutputs(outputs, examples, settings.target, settings.labels, model.outputShape?.slice(1));
    return { spec: classes, perExample: classes, classes };
  }
  const { weights, record } = objectiveWeights(
    settings.objectiveTarget,
    { dims: model.outputShape?.slice(1), size: outputs.length / examples },
    { labels: settings.labels, inputLayout },
  );
  return { spec: { weights }, perExample: Array.from({ length: examples }, () => record), classes: [] };
}

/** targetsOfOutputs at the model's outputs for `input`. */
export async function runTargets(model: LoadedModel, input: LoadedInput, settings: TargetSettings): Promise<RunTargets> {
  return runTargetsOfInputs(model, [input], settings);
}

/** runTargets for a model with several inputs: one loaded input per model input, in its order. */
export async function runTargetsOfInputs(model: LoadedModel, inputs: readonly LoadedInput[], settings: TargetSettings): Promise<RunTargets> {
  const examples = inputs[0]?.tensor.shape[0] as number;
  const outputs = await model.backend.predict({
    points: inputs.map((input) => input.tensor.data),
    pointShapes: inputs.map((input) => input.tensor.shape.slice(1)),
    count: examples,
    exampleIndices: consecutiveExamples(examples),
  });
  const image = inputs.find((input) => input.tensor.shape.length === 4) ?? inputs[0];
  return targetsOfOutputs(outputs, examples, model, image?.layout ?? 'nchw', settings);
}
