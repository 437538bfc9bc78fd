import { combineChannels, consecutiveExamples, formatBarValue, heatmapScale, renderPanel } from '@ig/core';
import type { Tensor } from '@ig/core';
import type { ExampleReport } from './explain-run.js';
import { exampleImage, exampleMaps } from './heatmap-output.js';
import type { HeatmapSettings } from './heatmap-output.js';
import { encodePng } from './image.js';
import type { LoadedInput } from './inputs.js';
import type { LoadedModel } from './load-model.js';
import { targetText, type ReportTarget } from './objective-target.js';
import { scaleFactor } from './picture-options.js';
import { UsageError } from './errors.js';

/** The probability of each example's target: softmax of the outputs, or the outputs when they already are probabilities. */
export interface TargetProbability {
  readonly value: number;
  readonly from: 'softmax' | 'output';
}

/** Outputs that are non-negative and sum to 1 (float32 rounding allowed) are read as probabilities. */
const SUMS_TO_ONE = 1e-4;

export function targetProbability(outputs: ArrayLike<number>, target: number): TargetProbability {
  const values = Array.from(outputs);
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) <= SUMS_TO_ONE) return { value: values[target] as number, from: 'output' };
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  return { value: (exps[target] as number) / exps.reduce((a, b) => a + b, 0), from: 'softmax' };
}

/**
 * One probability per example; null when the output has more than one axis after the batch (no
 * single softmax) or the target is an objective (--target-weights, --target-region), not a class.
 */
export async function targetProbabilities(model: LoadedModel, input: LoadedInput, targets: readonly ReportTarget[]): Promise<(TargetProbability | null)[]> {
  const examples = input.tensor.shape[0] as number;
  if ((model.outputShape?.length ?? 2) > 2 || targets.some((t) => typeof t !== 'number')) return targets.map(() => null);
  const outputs = await model.backend.predict({
    points: [input.tensor.data],
    pointShapes: [input.tensor.shape.slice(1)],
    count: examples,
    exampleIndices: consecutiveExamples(examples),
  });
  const size = outputs.length / examples;
  return targets.map((t, e) => targetProbability(outputs.subarray(e * size, (e + 1) * size), t as number));
}

/** The panel's title: the target, its probability, and the completeness figures of IG. */
export function panelTitle(example: ExampleReport, algorithm: string, probability: TargetProbability | null): string[] {
  const target = `target ${targetText(example.target, example.label)}`;
  const p = probability ? `, p = ${probability.value.toFixed(3)}${probability.from === 'softmax' ? ' (softmax)' : ''}` : '';
  const lines = [`${target}${p}`];
  const steps = `${example.steps} step${example.steps === 1 ? '' : 's'}`;
  if (example.fInput !== null && example.fBaseline !== null && example.delta !== null) {
    lines.push(
      `${algorithm}, ${steps}: F(x) = ${formatBarValue(example.fInput)}, F(x') = ${formatBarValue(example.fBaseline)}, completeness delta = ${formatBarValue(example.delta)}`,
    );
  } else {
    lines.push(`${algorithm}, ${steps} (no completeness identity)`);
  }
  return lines;
}

/**
 * One panel PNG per example — input | attribution | overlay, colour bar, title — on one shared
 * scale when there are several examples. The overlay is --heatmap-method (heat_map and polarity,
 * which do not draw over the image, fall back to the default overlay).
 */
export function panelPngs(attributions: Tensor, input: LoadedInput, settings: HeatmapSettings, titles: readonly (readonly string[])[]): Buffer[] {
  if (attributions.shape.length !== 4)
    throw new UsageError(`--panel needs an image-shaped input [N, C, H, W] or [N, H, W, C]; the attributions are [${attributions.shape.join(', ')}]`);
  const { maps, layout, channels, height, width } = exampleMaps(attributions, input);
  const shared =
    maps.length === 1
      ? undefined
      : heatmapScale(
          maps.map((m) => combineChannels(m, layout)),
          settings.sign,
          settings.outlierPercentile,
        );
  const style = settings.heatmapStyle;
  const overlayMethod = style === 'heat_map' || style === 'polarity' ? 'overlay' : style;
  return maps.map((map, k) => {
    const image = exampleImage(input, k, map.data.length, { channels, height, width, chw: layout === 'chw' });
    const panel = renderPanel(map, {
      image,
      layout,
      sign: settings.sign,
      outlierPercentile: settings.outlierPercentile,
      overlayMethod,
      upscale: scaleFactor(settings.scale ?? 'auto', width, height),
      title: titles[k] ?? [],
      ...(shared !== undefined ? { scale: shared } : {}),
    });
    return encodePng(panel.image);
  });
}

/** The panels of an explanation, titled from its report. */
export async function explanationPanels(
  model: LoadedModel,
  input: LoadedInput,
  attributions: Tensor,
  report: { readonly algorithm: string; readonly examples: readonly ExampleReport[] },
  settings: HeatmapSettings,
): Promise<Buffer[]> {
  const probabilities = await targetProbabilities(
    model,
    input,
    report.examples.map((e) => e.target),
  );
  const titles = report.examples.map((example, k) => panelTitle(example, report.algorithm, probabilities[k] ?? null));
  return panelPngs(attributions, input, settings, titles);
}
