/**
 * The automation contract's URL parameters, applied to the controls they name. A value a control
 * does not offer is an error naming it and the values it takes, never replaced by a default.
 */
import { InvalidOptionError } from '@ig/core';
import { byId, fillTargets } from './controls.js';
import type { PlaygroundModel } from './models.js';

/** Lists longer than this are shown as their first and last entries. */
const LISTED = 12;

function listed(values: readonly string[]): string {
  return values.length > LISTED ? `${values.slice(0, 3).join(', ')} … ${values.at(-1) ?? ''}` : values.join(', ');
}

/** `value`, where it is one of `valid`; otherwise an error naming `param`, the value and the valid ones. */
export function checkChoice(param: string, value: string, valid: readonly string[], note = ''): string {
  if (valid.includes(value)) return value;
  const takes = valid.length === 0 ? 'none here' : `one of ${listed(valid)}`;
  throw new InvalidOptionError(`URL parameter ${param}='${value}' is not valid: it takes ${takes}${note}`);
}

/** `steps`: a positive whole number of points, or auto. */
export function checkSteps(value: string): string {
  if (value === 'auto' || /^[1-9]\d*$/.test(value)) return value;
  throw new InvalidOptionError(`URL parameter steps='${value}' is not valid: it takes a positive whole number of points, or auto`);
}

const offered = (id: string): string[] => Array.from(byId<HTMLSelectElement>(id).options, (o) => o.value).filter((v) => v !== '');

/** Sets the select `id` to the parameter's value, checked against its options. */
function choose(params: URLSearchParams, param: string, id: string, note?: string): void {
  const value = params.get(param);
  if (value !== null) byId<HTMLSelectElement>(id).value = checkChoice(param, value, offered(id), note);
}

/**
 * Applies `model` (through `selectModel`, which fills the model's own lists; the first model is
 * already selected) and then the options
 * that depend on it: sample, steps, method, algorithm, baseline, output (which fills the targets),
 * target. `engine` and `autorun` are the caller's.
 */
export function applyUrlParams(params: URLSearchParams, models: readonly PlaygroundModel[], selectModel: (id: string) => void): void {
  const id = params.get('model');
  if (id !== null)
    selectModel(
      checkChoice(
        'model',
        id,
        models.map((m) => m.id),
      ),
    );
  const model = models.find((m) => m.id === byId<HTMLSelectElement>('model').value) as PlaygroundModel;
  choose(params, 'sample', 'sample', ` (the samples of ${model.id})`);
  const steps = params.get('steps');
  if (steps !== null) byId<HTMLInputElement>('steps').value = checkSteps(steps);
  for (const name of ['method', 'algorithm', 'baseline']) choose(params, name, name);
  if (params.has('output') && offered('output').length === 0)
    throw new InvalidOptionError(`URL parameter output='${params.get('output') ?? ''}' is not valid: ${model.id} has one output`);
  choose(params, 'output', 'output', ` (the outputs of ${model.id})`);
  fillTargets(model);
  choose(params, 'target', 'target', ` (the classes of ${model.id}; leave it out for the predicted class)`);
  const autorun = params.get('autorun');
  if (autorun !== null) checkChoice('autorun', autorun, ['1', '0']);
}
