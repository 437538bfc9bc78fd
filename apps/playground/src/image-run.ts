/** An image model's run: the input prepared on the page (decoded, resized, normalized), IG in the worker. */
import { abortable } from './abortable.js';
import { byId, NORMALIZATIONS, readViewOptions, redrawClassLists, type RunOptions } from './controls.js';
import { ModelInputError } from './errors.js';
import { modelSource, prepareInput } from './inputs.js';
import { learnFromRun } from './learn-classes.js';
import type { ImageModel } from './models.js';
import { showExplanation, showInput } from './output.js';
import { page, runner } from './page-state.js';
import type { ProgressView } from './progress.js';
import type { Outcome } from './runner.js';

export type Done = Extract<Outcome, { kind: 'done' }>;

export interface PageRun {
  readonly outcome: Outcome;
  /** Shows a finished run's result. */
  readonly show: (done: Done) => void;
}

/**
 * Everything the run takes from the page (the model and its files, the picture, the options) is
 * read when it starts, before its first await: a drop or a change of model during the run is for
 * the next one.
 */
export async function runImage(model: ImageModel, options: RunOptions, signal: AbortSignal, progress: ProgressView): Promise<PageRun> {
  const normalization = NORMALIZATIONS[byId<HTMLSelectElement>('normalization').value] ?? NORMALIZATIONS.none;
  const spec = { ...model.input, ...normalization };
  const sample = model.samples.find((s) => s.id === byId<HTMLSelectElement>('sample').value);
  const picture = page.droppedImage;
  const inputSource = picture !== undefined ? { image: picture } : sample !== undefined ? { sample } : undefined;
  if (inputSource === undefined) throw new ModelInputError(`${model.label} has no sample: drop or paste an image`);
  progress.stage('preparing the input');
  const input = await abortable(prepareInput(spec, inputSource), signal);
  showInput(input.picture);
  const source = await abortable(modelSource(model), signal);
  // A model without a channel axis takes the same values in its own shape.
  const modelInput = model.input.modelShape === undefined ? input.tensor : { data: input.tensor.data, shape: model.input.modelShape };
  const outcome = await runner.run({ ...options, type: 'run', model: source, input: modelInput }, progress, signal);
  const show = (done: Done): void => {
    page.last = {
      report: done.report,
      attributions: done.attributions,
      shape: input.tensor.shape,
      layout: model.input.layout,
      picture: input.picture,
      labels: model.labels,
    };
    showExplanation(page.last, readViewOptions());
    // An output whose class count the model does not declare: the run has counted them. Only the
    // model that ran learns it, and its lists are redrawn only while it is the one selected.
    const { models, learned } = learnFromRun(page.models, model, options.output, done.report.classes);
    page.models = models;
    if (learned !== undefined && byId<HTMLSelectElement>('model').value === learned.id) redrawClassLists(learned);
    window.igResult = { attributions: Array.from(done.attributions), input: Array.from(input.tensor.data), shape: done.shape };
  };
  return { outcome, show };
}
