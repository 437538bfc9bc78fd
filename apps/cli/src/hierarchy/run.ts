import { agglomerate, hierarchyToAnsi, hierarchyToHtml, hierarchyToJson, renderHierarchyLevels } from '@ig/core';
import type { Hierarchy, HierarchyJson, RgbaImage, Tensor } from '@ig/core';
import { buildBaselines } from '../baselines.js';
import type { BaselineSettings } from '../baselines.js';
import { UsageError } from '../errors.js';
import { targetText, type ReportTarget } from '../objective-target.js';
import type { ObjectiveTarget } from '../objective-target-options.js';
import { runTargets } from '../run-targets.js';
import { encodePng } from '../image.js';
import type { LoadedInput } from '../inputs.js';
import type { LoadedModel } from '../load-model.js';
import { createScorer, type ScoreKind } from './scorer.js';
import { unitsOf } from './units.js';

/** The settings every hierarchy run takes, over images, tables or text. */
export interface HierarchyCommonSettings {
  readonly modelPath: string;
  readonly score: ScoreKind;
  readonly target: string;
  readonly labels: readonly string[] | null;
  readonly percentileInclude: number;
  readonly sweepDim: number;
  readonly iterations: number;
  readonly steps: number;
  readonly batchSize: number | undefined;
}

export interface HierarchySettings extends HierarchyCommonSettings, BaselineSettings {
  readonly tokens: readonly string[] | null;
  /** --target-weights or --target-region (then `target` is unused). */
  readonly objectiveTarget?: ObjectiveTarget;
}

export interface HierarchyRun {
  readonly tree: Hierarchy;
  /** What tree.json holds. */
  readonly json: Omit<HierarchyJson, 'target'> & {
    /** The class (a position and class for texts), or the --target-weights / --target-region objective. */
    readonly target: HierarchyJson['target'] | Exclude<ReportTarget, number>;
    readonly score: ScoreKind;
    readonly label?: string;
    readonly tokens?: readonly string[];
    readonly forwardPasses: number;
    readonly gradientEvaluations: number;
    readonly seconds: number;
  };
  readonly picture: RgbaImage | null;
  readonly labels: readonly string[] | null;
}

function singleBaseline(settings: HierarchySettings, input: LoadedInput): number | Tensor {
  const spec = buildBaselines(settings, input);
  if (typeof spec === 'number' || (typeof spec === 'object' && 'data' in spec && 'shape' in spec)) return spec as number | Tensor;
  throw new UsageError('a hierarchy uses one baseline; drop --baselines');
}

export async function runHierarchy(
  model: LoadedModel,
  input: LoadedInput,
  settings: HierarchySettings,
  onLevel: (levels: number) => void,
): Promise<HierarchyRun> {
  if ((input.tensor.shape[0] as number) !== 1) throw new UsageError(`a hierarchy explains one example; the input has ${String(input.tensor.shape[0])}`);
  const started = performance.now();
  const targets = await runTargets(model, input, settings);
  const target = targets.perExample[0] as ReportTarget;
  const scored = typeof target === 'number' ? target : Float32Array.from((targets.spec as { readonly weights: Float32Array }).weights);
  const units = unitsOf(input, settings.sweepDim, settings.tokens);
  const { scorer, release } = await createScorer(model, {
    kind: settings.score,
    modelPath: settings.modelPath,
    input: input.tensor,
    baseline: singleBaseline(settings, input),
    target: scored,
    steps: settings.steps,
    batchSize: settings.batchSize,
  });
  let tree: Hierarchy;
  try {
    tree = await agglomerate(scorer, units.layout, { percentileInclude: settings.percentileInclude, iterations: settings.iterations, onLevel });
  } finally {
    await release();
  }
  const label = typeof target === 'number' ? settings.labels?.[target] : undefined;
  return {
    tree,
    json: {
      ...hierarchyToJson(tree, typeof target === 'number' ? target : []),
      target,
      score: settings.score,
      ...(label !== undefined ? { label } : {}),
      forwardPasses: scorer.cost.forwardPasses,
      gradientEvaluations: scorer.cost.gradientEvaluations,
      seconds: (performance.now() - started) / 1000,
    },
    picture: units.picture,
    labels: units.labels,
  };
}

/** The target as the summary and the HTML title name it. */
export function hierarchyTargetText(run: HierarchyRun): string {
  const target = run.json.target;
  if (typeof target === 'object' && !Array.isArray(target)) return targetText(target as Exclude<ReportTarget, number>);
  return `${String(target)}${run.json.label !== undefined ? ` (${run.json.label})` : ''}`;
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function hierarchyPng(run: HierarchyRun): Uint8Array {
  if (!run.picture) throw new UsageError('--png draws image hierarchies; for a sequence use --html');
  return encodePng(renderHierarchyLevels(run.tree, run.picture));
}

/** A sequence's table of phrases, or for an image the PNG strip and each level's component scores. */
export function hierarchyHtml(run: HierarchyRun): string {
  const title = `<h3 style="font-family:sans-serif">${run.json.score} hierarchy, target ${escapeHtml(hierarchyTargetText(run))}</h3>`;
  if (run.labels) return `<!doctype html>\n<meta charset="utf-8">\n${title}\n${hierarchyToHtml(run.tree, run.labels)}\n`;
  const png = Buffer.from(hierarchyPng(run)).toString('base64');
  const rows = run.tree.levels.map((ids, level) => {
    const components = ids.map((id) => run.tree.nodes[id]).filter((n) => n !== undefined && n.units.length > 1);
    return `<tr><td>${level}</td><td>${components.map((n) => `${n?.units.length} units: ${n?.score.toPrecision(4)}`).join('; ')}</td></tr>`;
  });
  return `<!doctype html>\n<meta charset="utf-8">\n${title}\n<img alt="hierarchy levels" src="data:image/png;base64,${png}">\n<table style="font-family:sans-serif"><tr><th>level</th><th>components (size: score)</th></tr>\n${rows.join('\n')}\n</table>\n`;
}

export function hierarchyTerminal(run: HierarchyRun): string | null {
  return run.labels ? hierarchyToAnsi(run.tree, run.labels) : null;
}
