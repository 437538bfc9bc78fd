/** A model whose class count the page did not know, with the count its first run found. */
import type { PlaygroundModel } from './models.js';

/**
 * The model with the class count a run found for `output` (or its only output) where the model
 * does not declare it; undefined when nothing was unknown.
 */
export function learnedModel(model: PlaygroundModel, output: string | undefined, classes: number): PlaygroundModel | undefined {
  if (model.kind !== 'image' || model.labels !== null) return undefined;
  const outputs = model.outputs;
  const unknown =
    output === undefined || outputs === undefined ? model.classes === undefined : outputs.some((o) => o.name === output && o.classes === undefined);
  if (!unknown) return undefined;
  return output === undefined || outputs === undefined
    ? { ...model, classes }
    : { ...model, outputs: outputs.map((o) => (o.name === output ? { ...o, classes } : o)) };
}

/**
 * The models with `ran` replaced by what its run taught (see learnedModel); the same list where
 * it taught nothing or `ran` is no longer listed (a drop replaced it during the run).
 */
export function learnFromRun(
  models: readonly PlaygroundModel[],
  ran: PlaygroundModel,
  output: string | undefined,
  classes: number,
): { readonly models: readonly PlaygroundModel[]; readonly learned?: PlaygroundModel } {
  const at = models.indexOf(ran);
  const learned = at < 0 ? undefined : learnedModel(ran, output, classes);
  if (learned === undefined) return { models };
  return { models: models.map((m, i) => (i === at ? learned : m)), learned };
}
