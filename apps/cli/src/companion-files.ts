import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { baselineSetFiles } from './baseline-set.js';
import type { CompanionFile, GivenInputFile } from './given-input-files.js';
import { importOnnx } from './onnx-module.js';
import { checkOutputPaths, type DerivedOutput } from './output-paths.js';
import { weightFilePath } from './weight-paths.js';

/** The files an ONNX model's external tensors name (their `location`, beside the model); for most models none, found without decoding. */
export async function onnxExternalFiles(model: string, provider: string): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(model);
  } catch {
    return []; // loading it reports that
  }
  const onnx = await importOnnx(provider);
  if (!onnx.mayHaveExternalData(bytes)) return [];
  try {
    const locations = new Set(onnx.externalTensors(onnx.decodeModel(bytes)).map((t) => onnx.externalLocation(t)));
    return [...locations].flatMap((location) => (location ? [join(dirname(model), location)] : []));
  } catch {
    return []; // not a readable model: loading it reports that
  }
}

/** The weight files a TensorFlow.js model.json's weightsManifest names, up to the first it refuses. */
export function tfjsWeightFiles(model: string): string[] {
  const files: string[] = [];
  try {
    const json = JSON.parse(readFileSync(model, 'utf8')) as { weightsManifest?: { paths?: unknown[] }[] };
    for (const group of json.weightsManifest ?? []) for (const entry of group.paths ?? []) files.push(weightFilePath(model, entry));
  } catch {
    // not a readable model.json: loading it reports that
  }
  return files;
}

/** The tokenizer that token runs read without --tokenizer: tokenizer.json next to the model. */
export const defaultTokenizerPath = (model: string): string => join(dirname(model), 'tokenizer.json');

/** The files a model file brings with it: an .onnx file's external data files, a model.json's weight files. */
export async function modelCompanions(model: string, provider: string, owner = `--model ${model}`): Promise<CompanionFile[]> {
  if (/\.onnx$/i.test(model)) return (await onnxExternalFiles(model, provider)).map((path) => ({ path, what: `the external data file ${path} of ${owner}` }));
  if (/\.json$/i.test(model)) return tfjsWeightFiles(model).map((path) => ({ path, what: `the weights file ${path} of ${owner}` }));
  return [];
}

/** What a run reads beyond the files its options name. */
export interface CompanionSources {
  readonly model: string;
  readonly provider: string;
  /** Whether the run reads a tokenizer (texts or token ids); without --tokenizer, the one next to the model. */
  readonly tokens?: boolean;
  readonly tokenizer?: string | undefined;
  readonly baselineSet?: string | undefined;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every file the run reads that no option names. */
export async function companionFiles(sources: CompanionSources): Promise<CompanionFile[]> {
  const { model, tokenizer, baselineSet } = sources;
  const beside = defaultTokenizerPath(model);
  const tokenizerFiles =
    sources.tokens === true && tokenizer === undefined && existsSync(beside) ? [{ path: beside, what: `the tokenizer ${beside} beside --model ${model}` }] : [];
  const baselines =
    baselineSet !== undefined && isFolder(baselineSet)
      ? baselineSetFiles(baselineSet).map((path) => ({ path, what: `the baseline ${path} in --baseline-set ${baselineSet}` }))
      : [];
  return [...(await modelCompanions(model, sources.provider)), ...tokenizerFiles, ...baselines];
}

/** Checks the files a run names from its outputs' paths, once it knows them, as checkRunOutputs checked those. */
export type DerivedOutputsCheck = (derived: readonly DerivedOutput[]) => void;

/**
 * checkOutputPaths, with the files the run reads beside its inputs, looked for only when an output
 * is given; returns the check of the names the run derives from them.
 */
export async function checkRunOutputs(
  outputs: Readonly<Record<string, unknown>>,
  inputs: readonly GivenInputFile[],
  sources: CompanionSources,
): Promise<DerivedOutputsCheck> {
  const written = Object.values(outputs).some((path) => typeof path === 'string');
  const companions = written ? await companionFiles(sources) : [];
  checkOutputPaths(outputs, inputs, companions);
  return (derived) => {
    if (derived.length > 0) checkOutputPaths(outputs, inputs, companions, derived);
  };
}
