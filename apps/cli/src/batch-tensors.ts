import { algorithmRun, asOneChannel } from './algorithm-run.js';
import { itemContextSource } from './batch-context.js';
import type { BatchItem } from './batch-items.js';
import type { ItemExplainer, ItemOutput } from './batch-tokens.js';
import { checkContextRows, readContextValues } from './context-inputs.js';
import { detail, type GlobalFlags } from './context.js';
import type { ContextValues, LoadedModel } from './engines/engine.js';
import { UsageError } from './errors.js';
import { runExplanation, type RunSettings } from './explain-run.js';
import { heatmapPngs } from './heatmap-output.js';
import { loadInput } from './inputs.js';
import { loadModel } from './load-model.js';
import { loadOptionsOf } from './model-options.js';
import { formatNpy } from './npy.js';
import type { ObjectiveTarget } from './objective-target-options.js';
import type { ExplainSettings } from './options.js';
import type { Progress } from './progress.js';
import { runSettingsOf } from './commands/explain.js';
import { startTiming, timeLine } from './timing.js';

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/** Whether loading failed for want of values of the model's inputs held fixed. */
const needsContext = (error: unknown): boolean => (error as { cause?: { code?: string } }).cause?.code === 'ONNX_CONTEXT_INPUT';

/**
 * Tensor inputs (.npy, images) through the model's engine; `close` prints the run's time with
 * --verbose. Manifest lines may give the values of the model's inputs held fixed ("context": a
 * length, a mask), each line its own, fed on the same sessions; a model that cannot load without
 * them is loaded with the first such line's.
 */
export async function tensorItemExplainer(
  settings: ExplainSettings,
  raw: Record<string, string | boolean>,
  run: { readonly stepsGiven: boolean; readonly objectiveTarget: ObjectiveTarget | undefined; readonly items: readonly BatchItem[] },
  global: GlobalFlags,
): Promise<ItemExplainer> {
  const manifest = String(raw['inputs']);
  const contextOf = (item: BatchItem, files: ReadonlyMap<string, string>): ContextValues =>
    readContextValues(files, itemContextSource(manifest, item.line ?? 0).label);
  const first = run.items.find((item) => item.context !== undefined);
  const timing = startTiming();
  let needed = false;
  const model = await loadModel(settings.model, loadOptionsOf(settings, global)).catch((error: unknown) => {
    if (!needsContext(error) || first?.context === undefined) throw error;
    needed = true;
    return loadModel(settings.model, { ...loadOptionsOf(settings, global), context: contextOf(first, first.context) });
  });
  timing.loaded(model);
  const base: RunSettings = {
    ...runSettingsOf(settings),
    ...algorithmRun(raw, settings, model.inputShape, run.stepsGiven),
    ...(run.objectiveTarget !== undefined ? { objectiveTarget: run.objectiveTarget } : {}),
  };
  const heatmaps = raw['heatmaps'] === true;
  /** The model as this item sees it: fed its own context values, when the manifest gives them. */
  const modelFor = (item: BatchItem, examples: number): LoadedModel => {
    const where = `${manifest} line ${String(item.line)}`;
    if (item.context === undefined) {
      if (needed) throw new UsageError(`${where}: the model has inputs held fixed, which other lines give in "context"; give this one its own`);
      return model;
    }
    if (model.withContext === undefined) throw new UsageError(`${where}: "context" goes with an ONNX model`);
    const values = contextOf(item, item.context);
    checkContextRows(values, examples, item.input, itemContextSource(manifest, item.line ?? 0).label);
    try {
      return { ...model, backend: model.withContext(values) };
    } catch (error) {
      throw new UsageError(`${where}: "context": ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    async outputs(item) {
      const input = loadInput(item.input, settings, model.inputShape);
      const itemModel = modelFor(item, input.tensor.shape[0] as number);
      const itemTiming = startTiming();
      itemTiming.loaded(model);
      const { attributions, report } = await runExplanation(itemModel, input, { ...base, target: item.target ?? base.target }, SILENT);
      const outputs: ItemOutput[] = [{ name: `${item.id}.npy`, data: formatNpy(attributions.data, attributions.shape) }];
      if (heatmaps && !settings.layer && input.tensor.shape.length === 4) {
        // As `ig explain --heatmap`: one picture per example, on one shared scale.
        const pngs = heatmapPngs(asOneChannel(attributions, input), input, settings);
        pngs.forEach((data, k) => outputs.push({ name: pngs.length === 1 ? `${item.id}.png` : `${item.id}-${k}.png`, data }));
      }
      // The report goes last: its presence marks the item done.
      outputs.push({
        name: `${item.id}.json`,
        data: `${JSON.stringify({ id: item.id, input: item.input, status: 'ok', ...report, time: itemTiming.finish(model, 'load') })}\n`,
      });
      return outputs;
    },
    async close() {
      detail(global, timeLine(timing.finish(model)));
      await model.dispose();
    },
  };
}
