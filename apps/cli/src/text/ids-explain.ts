import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { idsInputName, tokenSums } from '@ig/core';
import type * as OnnxNode from '@ig/onnx/node';
import type { GlobalFlags } from '../context.js';
import { formatNumber, say } from '../context.js';
import { FileFormatError, UsageError } from '../errors.js';
import { readNpyFile, readUserFile, writeOutput } from '../files.js';
import { readNpyHeaderOnly } from '../limits.js';
import { readLabels } from '../load-model.js';
import { formatNpy } from '../npy.js';
import { graphCacheOf, importOnnx } from '../onnx-module.js';
import type { ExplainSettings } from '../options.js';
import { pathOptionsOf } from '../path-options.js';
import { refinementLinesOf } from '../refinement-lines.js';
import { resolveTextTarget } from './text-explain.js';
import { baselineId, loadTokenizer } from './tokenizer-file.js';

type OnnxEntry = typeof OnnxNode;
type IdsTensor = { data: BigInt64Array; shape: number[] };

/** True when `ig explain --input` should take the token-id path: an integer .npy for an .onnx model. */
export function isTokenIdsInput(model: string, input: string): boolean {
  if (!model.endsWith('.onnx') || !input.endsWith('.npy')) return false;
  const { dtype } = readNpyHeaderOnly(input);
  return dtype === 'int64' || dtype === 'int32';
}

/** An integer .npy as int64 `[1, L]` (a 1-D array of L ids is taken as one sequence). */
function readIds(path: string, what: string): IdsTensor {
  const array = readNpyFile(path, what);
  if (!(array.data instanceof BigInt64Array || array.data instanceof Int32Array))
    throw new FileFormatError(path, `${what} must be int64 or int32, got ${array.dtype}`);
  const shape = array.shape.length === 1 ? [1, array.shape[0] as number] : [...array.shape];
  if (shape.length !== 2 || shape[0] !== 1)
    throw new FileFormatError(path, `${what} must be one sequence, shape [1, L] or [L]; got [${array.shape.join(', ')}]`);
  return { data: BigInt64Array.from(array.data as ArrayLike<number | bigint>, (v) => BigInt(v)), shape };
}

/** `NAME=FILE.npy` pairs of --context-input. */
function contextFiles(values: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0 || !value.slice(at + 1)) throw new UsageError(`--context-input ${value}: give NAME=FILE.npy`);
    files.set(value.slice(0, at), value.slice(at + 1));
  }
  return files;
}

/** The baseline id: --baseline-token as an id, or as a token of the tokenizer next to the model; default its pad id, else 0. */
function baselineIdOf(model: string, token: string | undefined): number {
  if (token !== undefined && /^\d+$/.test(token)) return Number(token);
  if (!existsSync(join(dirname(model), 'tokenizer.json'))) {
    if (token !== undefined) throw new UsageError(`--baseline-token ${token}: without a tokenizer.json next to the model, give the baseline as a token id`);
    return 0;
  }
  return baselineId(loadTokenizer(model, undefined), token);
}

/**
 * `ig explain --model M.onnx --input ids.npy [--layer TENSOR]`: layer IG for a token-id model, as
 * `--text` does, from ids given as an integer .npy. Inputs other than the ids: `--context-input
 * NAME=FILE.npy`; otherwise `attention_mask` is all ones and `token_type_ids` all zeros.
 */
export async function runTokenIdsExplain(raw: Record<string, unknown>, settings: ExplainSettings, global: GlobalFlags): Promise<void> {
  const input = raw['input'] as string;
  const onnx = (await importOnnx(settings.provider)) as unknown as OnnxEntry;
  const bytes = new Uint8Array(readUserFile(settings.model, 'model'));
  const layer = settings.layer ?? onnx.findEmbeddingOutput(bytes);
  if (!layer) throw new UsageError(`${settings.model} has no embedding Gather on an integer input; name the float tensor to attribute with --layer`);
  const cache = await graphCacheOf({
    cache: settings.cache,
    onWarning: (line) => {
      if (!global.quiet) process.stderr.write(`warning: ${line}\n`);
    },
  });
  const explainer = await onnx.onnxTokenLayerExplainer(bytes, layer, {
    executionProviders: [settings.provider as 'cpu'],
    sessionOptions: { logSeverityLevel: 3 },
    ...(cache ? { graphCache: cache.graphCache } : {}),
  });
  try {
    const idsName = idsInputName(explainer.inputTypes.keys());
    const ids = readIds(input, 'input');
    const given = contextFiles((raw['contextInput'] as string[] | undefined) ?? []);
    const inputs: Record<string, IdsTensor> = { [idsName]: ids };
    for (const [name, file] of given) {
      if (!explainer.inputTypes.has(name) || name === idsName)
        throw new UsageError(`--context-input ${name}: not a context input of the model (inputs: ${[...explainer.inputTypes.keys()].join(', ')})`);
      inputs[name] = readIds(file, `--context-input ${name}`);
    }
    for (const name of explainer.inputTypes.keys()) {
      if (inputs[name]) continue;
      if (name === 'attention_mask') inputs[name] = { data: new BigInt64Array(ids.data.length).fill(1n), shape: ids.shape };
      else if (name === 'token_type_ids') inputs[name] = { data: new BigInt64Array(ids.data.length), shape: ids.shape };
      else throw new UsageError(`the model input "${name}" needs a value: give --context-input ${name}=FILE.npy`);
    }
    const labels = settings.labels ? readLabels(settings.labels) : null;
    const output = await explainer.predict(inputs);
    const { target, objective } = resolveTextTarget(settings.target, output, labels);
    if (Array.isArray(target) && settings.target === 'auto' && !global.quiet) {
      process.stderr.write(`note: target auto: position ${String(target[0])}, class ${String(target[1])} (the largest output)\n`);
    }
    const pad = baselineIdOf(settings.model, raw['baselineToken'] as string | undefined);
    const result = await explainer.attribute(inputs, {
      baselines: { [idsName]: { data: new BigInt64Array(ids.data.length).fill(BigInt(pad)), shape: ids.shape } },
      target: objective,
      ...pathOptionsOf(settings),
    });
    const attributions = result.attributions[0] as { data: Float32Array; shape: readonly number[] };
    const report = result.reports[0];
    const perToken = Array.from(tokenSums(attributions));
    const targetText = Array.isArray(target) ? `[${target.join(', ')}]` : String(target);
    const json = {
      model: settings.model,
      input,
      layer,
      target,
      baselineId: pad,
      fInput: report?.fInput,
      fBaseline: report?.fBaseline,
      delta: report?.delta,
      relativeError: report?.relativeError,
      steps: report?.steps,
      ...(report?.refinement ? { refinement: report.refinement } : {}),
      tokenAttributions: perToken,
    };
    say(
      global,
      `target ${targetText}: F(x) = ${formatNumber(report?.fInput ?? Number.NaN)}, F(x') = ${formatNumber(report?.fBaseline ?? Number.NaN)}, delta = ${formatNumber(report?.delta ?? Number.NaN)}, ${perToken.length} tokens at ${layer}`,
    );
    say(global, `token attributions: [${perToken.map(formatNumber).join(', ')}]`);
    if (global.verbose && report?.refinement) for (const line of refinementLinesOf(report.refinement, report.relativeError)) say(global, line);
    if (!global.quiet) for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
    const out = raw['out'] as string | undefined;
    const jsonFile = raw['json'] as string | undefined;
    if (out) writeOutput(out, formatNpy(attributions.data, attributions.shape));
    if (jsonFile) writeOutput(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
    for (const file of [out, jsonFile]) if (file) say(global, `wrote ${file}`);
  } finally {
    await explainer.dispose();
  }
}
