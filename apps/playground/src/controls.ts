/** The option controls: filled from the core's own lists, read into run and picture options. */
import { HEATMAP_METHODS, InvalidOptionError, QUADRATURE_METHODS, VISUALIZE_SIGNS, type SmoothKind } from '@ig/core';
import type { PlaygroundModel } from './models.js';
import type { Algorithm, BaselineKind, EngineAvailability, EngineId } from './protocol.js';
import type { ViewOptions } from './render.js';

export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** IG, and SmoothGrad over IG in each of the core's kinds (the record makes the compiler list every SmoothKind). */
const SMOOTH_LABELS: Record<SmoothKind, string> = {
  smoothgrad: 'SmoothGrad over IG (mean)',
  'smoothgrad-squared': 'SmoothGrad² over IG',
  vargrad: 'VarGrad over IG',
};

export const NORMALIZATIONS: Readonly<Record<string, { mean: number[]; std: number[] }>> = {
  none: { mean: [0, 0, 0], std: [1, 1, 1] },
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  'minus-one-to-one': { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
};

function fill(select: HTMLSelectElement, entries: readonly (readonly [string, string])[]): void {
  select.replaceChildren(...entries.map(([value, label]) => new Option(label, value)));
}

export function fillStaticControls(): void {
  fill(byId('algorithm'), [['integrated-gradients', 'Integrated Gradients'], ...Object.entries(SMOOTH_LABELS)]);
  fill(
    byId('method'),
    QUADRATURE_METHODS.map((m) => [m, m] as const),
  );
  fill(
    byId('view-method'),
    HEATMAP_METHODS.map((m) => [m, m.replace(/_/g, ' ')] as const),
  );
  fill(
    byId('sign'),
    VISUALIZE_SIGNS.map((s) => [s, s.replace(/_/g, ' ')] as const),
  );
  byId<HTMLSelectElement>('sign').value = 'absolute_value';
}

export function fillModels(models: readonly PlaygroundModel[]): void {
  fill(
    byId('model'),
    models.map((m) => [m.id, m.label] as const),
  );
}

export function fillModelControls(model: PlaygroundModel, engines: readonly EngineAvailability[]): void {
  fill(
    byId('sample'),
    model.kind === 'image'
      ? model.samples.map((s) => [s.id, s.id] as const)
      : model.samples.map((s) => [s.id, s.label !== undefined ? `${s.id} (${s.label})` : s.id] as const),
  );
  document.body.classList.toggle('text-model', model.kind === 'text');
  const engineSelect = byId<HTMLSelectElement>('engine');
  const previous = engineSelect.value;
  fill(
    engineSelect,
    model.engines.map((e) => [e, e] as const),
  );
  const notes: string[] = [];
  for (const option of Array.from(engineSelect.options)) {
    const availability = engines.find((a) => a.engine === option.value);
    option.disabled = availability?.available !== true;
    option.title = availability?.note ?? '';
    notes.push(`${option.value}: ${availability?.available === true ? '' : 'unavailable, '}${availability?.note ?? 'unknown'}`);
  }
  byId('engine-notes').textContent = notes.join('\n');
  const firstAvailable = Array.from(engineSelect.options).find((o) => !o.disabled);
  engineSelect.value = Array.from(engineSelect.options).some((o) => o.value === previous && !o.disabled) ? previous : (firstAvailable?.value ?? '');
  fillOutputs(model);
  fillTargets(model);
}

/** The Output list of a model with several outputs, keeping the one picked. */
function fillOutputs(model: PlaygroundModel): void {
  const outputs = model.kind === 'image' ? (model.outputs ?? []) : [];
  document.body.classList.toggle('multi-output', outputs.length > 1);
  const select = byId<HTMLSelectElement>('output');
  const picked = select.value;
  fill(
    select,
    outputs.map((o) => [o.name, o.classes === undefined ? o.name : `${o.name} (${o.classes === 1 ? 'one value' : `${o.classes} classes`})`] as const),
  );
  if (outputs.some((o) => o.name === picked)) select.value = picked;
}

/** Redraws the Output and Target lists of `model` (which has learned a class count), keeping the target picked where it still is one. */
export function redrawClassLists(model: PlaygroundModel): void {
  const target = byId<HTMLSelectElement>('target');
  const picked = target.value;
  fillOutputs(model);
  fillTargets(model);
  target.value = Array.from(target.options).some((o) => o.value === picked) ? picked : '';
}

/** The target list: the model's labels, or as many classes as the picked output (or the model) declares. */
export function fillTargets(model: PlaygroundModel): void {
  const picked = model.kind === 'image' ? model.outputs?.find((o) => o.name === byId<HTMLSelectElement>('output').value) : undefined;
  const count = picked !== undefined ? picked.classes : model.classes;
  // Where the count is unknown (a symbolic class axis), 10 are offered until the first run counts them.
  const labels = (picked === undefined ? model.labels : null) ?? (count === 1 ? ['the output'] : Array.from({ length: count ?? 10 }, (_, i) => `class ${i}`));
  fill(byId('target'), [['', 'predicted class'], ...labels.map((l, i) => [String(i), `${i}: ${l}`] as const)]);
}

export interface RunOptions {
  readonly engine: EngineId;
  readonly steps: number | 'auto';
  readonly method: string;
  readonly algorithm: Algorithm;
  readonly baseline: BaselineKind;
  readonly target: number | null;
  /** The picked output of a model with several; undefined for a model with one. */
  readonly output?: string;
}

export function readRunOptions(): RunOptions {
  const stepsText = byId<HTMLInputElement>('steps').value.trim();
  const steps = stepsText === 'auto' ? 'auto' : Number(stepsText);
  if (steps !== 'auto' && !(Number.isInteger(steps) && steps >= 1))
    throw new InvalidOptionError(`steps must be a positive integer or 'auto', got '${stepsText}'`);
  const engine = byId<HTMLSelectElement>('engine').value as EngineId;
  if (engine === ('' as EngineId)) throw new InvalidOptionError('no engine for this model runs in this browser (see the notes under Engine)');
  const target = byId<HTMLSelectElement>('target').value;
  const output = byId<HTMLSelectElement>('output').value;
  return {
    engine,
    steps,
    method: byId<HTMLSelectElement>('method').value,
    algorithm: byId<HTMLSelectElement>('algorithm').value as Algorithm,
    baseline: byId<HTMLSelectElement>('baseline').value as BaselineKind,
    target: target === '' ? null : Number(target),
    ...(output === '' ? {} : { output }),
  };
}

export function readViewOptions(): ViewOptions {
  const number = (id: string): number => Number(byId<HTMLInputElement>(id).value);
  const style = byId<HTMLSelectElement>('style').value as ViewOptions['style'];
  document.body.classList.toggle('polarity-style', style === 'polarity');
  return {
    style,
    method: byId<HTMLSelectElement>('view-method').value as ViewOptions['method'],
    sign: byId<HTMLSelectElement>('sign').value as ViewOptions['sign'],
    outlierPercentile: number('outliers'),
    polarity: byId<HTMLSelectElement>('polarity').value as ViewOptions['polarity'],
    clipAbove: number('clip-above'),
    clipBelow: number('clip-below'),
    morphology: byId<HTMLInputElement>('morphology').checked,
    outlines: byId<HTMLInputElement>('outlines').checked,
  };
}
