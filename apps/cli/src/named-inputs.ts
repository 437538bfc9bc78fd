import { existsSync } from 'node:fs';
import type { BaselineSpec, BaselineValue } from '@ig/core';
import { buildBaselines, type BaselineSettings } from './baselines.js';
import { UsageError } from './errors.js';
import { loadInput, type InputSettings, type LoadedInput } from './inputs.js';
import { checkBaselineMemory } from './baseline-memory.js';
import { imageOptionsAcross } from './image-only-options.js';
import type { LoadedModel } from './load-model.js';

/** One `--input name=file`. */
export interface NamedInputArg {
  readonly name: string;
  readonly path: string;
}

/** What the `--input` flags ask for: one file for a one-input model, or a file per named model input. */
export type InputArgs = { readonly kind: 'single'; readonly path: string } | { readonly kind: 'named'; readonly inputs: readonly NamedInputArg[] };

const NAMED = /^([^=/\\]+)=(.+)$/;

/** `name=file` unless the whole text is an existing file (a file name may hold '='). */
function named(value: string): NamedInputArg | null {
  const match = NAMED.exec(value);
  if (!match || existsSync(value)) return null;
  return { name: match[1] as string, path: match[2] as string };
}

/** Reads the repeatable `--input`: `--input file`, or `--input a=file --input b=file`. */
export function parseInputArgs(values: readonly string[]): InputArgs {
  if (values.length === 0) throw new UsageError('required option \'--input <file>\' not specified (or give --text "..." for a text model)');
  const parsed = values.map(named);
  if (values.length === 1 && parsed[0] === null) return { kind: 'single', path: values[0] as string };
  const unnamed = values.filter((_, k) => parsed[k] === null);
  if (unnamed.length > 0)
    throw new UsageError(`with several --input flags each one names its model input (--input NAME=FILE); '${unnamed[0] as string}' names none`);
  const inputs = parsed as NamedInputArg[];
  const seen = new Set<string>();
  for (const { name } of inputs) {
    if (seen.has(name)) throw new UsageError(`--input ${name}= is given twice; give each model input once`);
    seen.add(name);
  }
  return { kind: 'named', inputs };
}

/** One unnamed --input for a model that attributes several inputs: say how to give each. */
export function refuseOneFileForMany(model: LoadedModel, modelPath: string): void {
  const declared = model.inputs ?? [];
  if (declared.length <= 1) return;
  const names = declared.map((d) => d.name);
  throw new UsageError(
    `${modelPath} takes ${declared.length} inputs (${names.join(', ')}); give each one as --input NAME=FILE, e.g. ${names.map((n) => `--input ${n}=${n}.npy`).join(' ')}`,
  );
}

export interface NamedLoadedInput {
  readonly name: string;
  readonly path: string;
  readonly input: LoadedInput;
}

/** Loads one file per model input, in the order the backend takes them; every model input must be given. */
export function loadNamedInputs(args: readonly NamedInputArg[], model: LoadedModel, settings: InputSettings): NamedLoadedInput[] {
  const declared = model.inputs;
  if (declared === undefined) throw new UsageError(`--input NAME=FILE needs the model's input names, which the ${model.engine} engine does not report`);
  const names = declared.map((d) => d.name).join(', ');
  for (const arg of args) {
    if (!declared.some((d) => d.name === arg.name))
      throw new UsageError(`--input ${arg.name}=…: the model has no input '${arg.name}'; its inputs are ${names}`);
  }
  // Image options preprocess the image inputs; beside one, an array input goes as it is.
  const imageOptions = imageOptionsAcross(
    settings.imageOptions ?? [],
    args.map((a) => a.path),
    '--input NAME=FILE',
  );
  const loaded = declared.map((d) => {
    const arg = args.find((a) => a.name === d.name);
    if (arg === undefined) throw new UsageError(`the model input '${d.name}' has no --input ${d.name}=FILE (the model takes ${names})`);
    return { name: d.name, path: arg.path, input: loadInput(arg.path, { ...settings, imageOptions }, d.shape) };
  });
  const examples = loaded[0]?.input.tensor.shape[0];
  const other = loaded.find((l) => l.input.tensor.shape[0] !== examples);
  if (other !== undefined) {
    throw new UsageError(
      `every input needs the same number of examples (batch axis): ${loaded[0]?.path} has ${String(examples)}, ${other.path} has ${String(other.input.tensor.shape[0])}`,
    );
  }
  return loaded;
}

/**
 * --baseline for several inputs: the kind applied to each input on its own (zero, black, white,
 * uniform, gaussian, blur), with --baselines N random draws paired across the inputs. A .npy
 * baseline would be one array for inputs of different shapes, so it is refused.
 */
export function namedBaselines(settings: BaselineSettings, inputs: readonly NamedLoadedInput[]): BaselineSpec {
  if (/\.npy$/i.test(settings.baseline))
    throw new UsageError(
      `--baseline ${settings.baseline}: a .npy baseline fits one input; with several inputs use a kind (zero, black, white, uniform, gaussian, blur)`,
    );
  if (/^(uniform|gaussian)$/.test(settings.baseline))
    checkBaselineMemory(
      settings.baselineCount,
      inputs.reduce((values, named) => values + named.input.tensor.data.length, 0),
    );
  // Input k draws its random baselines from seed + k, so that inputs of one shape get different noise.
  const specs = inputs.map((named, k) => buildBaselines({ ...settings, seed: settings.seed + k }, named.input));
  const averaged = specs.filter((s): s is { readonly average: readonly BaselineValue[] } => typeof s === 'object' && s !== null && 'average' in s);
  if (averaged.length === 0) return specs as BaselineValue[];
  const draws = averaged[0]?.average.length ?? 0;
  return {
    average: Array.from({ length: draws }, (_, k) =>
      specs.map((s) => (typeof s === 'object' && s !== null && 'average' in s ? (s.average[k] as BaselineValue) : (s as BaselineValue))),
    ),
  };
}
