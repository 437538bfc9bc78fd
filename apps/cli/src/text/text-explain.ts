import { encodeText, targetAt, textModelInputs, tokenSums, wordSums, type RefinementReport, type TargetSpec } from '@ig/core';
import type * as OnnxNode from '@ig/onnx/node';
import { FileFormatError, UsageError } from '../errors.js';
import { readUserFile } from '../files.js';
import { graphCacheOf } from '../onnx-module.js';
import { pathOptionsOf, type PathSettings } from '../path-options.js';
import { baselineId, loadTokenizer } from './tokenizer-file.js';

export interface TextRunSettings extends PathSettings {
  readonly model: string;
  readonly tokenizer: string | undefined;
  /** The float tensor to attribute; default the embedding output (see findEmbeddingOutput). */
  readonly layer: string | undefined;
  readonly target: string;
  readonly labels: readonly string[] | null;
  readonly provider: string;
  /** ONNX graph cache: a folder, true for the platform's default folder, false or absent for none. */
  readonly cache?: string | boolean;
  readonly baselineToken: string | undefined;
  /** A JSON file with the baseline's token ids, one per position of the padded sequence. */
  readonly baselineIds?: string;
  /** `error` refuses texts longer than the model's maximum length; default `truncate` (with a warning). */
  readonly tooLong?: 'truncate' | 'error';
}

/** One explained text: the fields `report.json` records per sample. */
export interface TextReport {
  readonly text: string;
  readonly tokens: readonly string[];
  /** One number per token: the embedding attributions summed over the feature axis. */
  readonly tokenAttributions: readonly number[];
  /** Words (WordPiece `##` pieces joined) and their attributions, the sums of their tokens'. */
  readonly words: readonly string[];
  readonly wordAttributions: readonly number[];
  /** A class index, or `[position, class]` for a sequence output. */
  readonly target: number | readonly number[];
  readonly label?: string;
  readonly predicted: number;
  readonly probability: number;
  readonly fInput: number;
  readonly fBaseline: number;
  readonly delta: number;
  readonly relativeError: number;
  readonly layer: string;
  readonly baselineId: number;
  readonly steps: number;
  /** With --steps auto and the adaptive rule: evaluations, error bounds and where along α they went. */
  readonly refinement?: RefinementReport;
  readonly warnings: readonly string[];
}

type OnnxEntry = typeof OnnxNode;

const softmax = (values: ArrayLike<number>): number[] => {
  const max = Math.max(...Array.from(values));
  const e = Array.from(values, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

/** The target for one output `[1, …, classes]`: `auto` (the largest logit), an index, a label, or `p,c`. */
export function resolveTextTarget(
  spec: string,
  output: { data: Float32Array; shape: readonly number[] },
  labels: readonly string[] | null,
): { target: number | number[]; objective: TargetSpec } {
  const dims = output.shape.slice(1);
  const classes = dims[dims.length - 1] ?? 1;
  let index: number[];
  if (spec === 'auto') {
    let best = 0;
    output.data.forEach((v, i) => {
      if (v > (output.data[best] as number)) best = i;
    });
    index = dims.length > 1 ? [Math.floor(best / classes), best % classes] : [best];
  } else if (/^\d+(,\d+)*$/.test(spec)) index = spec.split(',').map(Number);
  else if (labels?.includes(spec)) index = [labels.indexOf(spec)];
  else throw new UsageError(`--target ${spec}: give auto, a class index, "position,class" or a label from --labels`);
  if (dims.length <= 1 && index.length === 1) return { target: index[0] as number, objective: index[0] as number };
  return { target: index, objective: { weights: targetAt(output.shape, index) } };
}

/** Baseline token ids from a JSON array, one per position. */
function readBaselineIds(path: string, length: number): BigInt64Array {
  let values: unknown;
  try {
    values = JSON.parse(readUserFile(path, 'baseline ids').toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new FileFormatError(path, `not JSON: ${error.message}`);
    throw error;
  }
  if (!Array.isArray(values) || !values.every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    throw new FileFormatError(path, 'must be a JSON array of token ids (non-negative integers)');
  }
  if (values.length !== length) throw new FileFormatError(path, `has ${values.length} token ids; the model's sequence has ${length} positions`);
  return BigInt64Array.from(values as number[], (v) => BigInt(v));
}

/** Explains each text with layer IG at the embedding of a token-id ONNX model. */
export async function explainTexts(texts: readonly string[], settings: TextRunSettings, warn: (line: string) => void): Promise<TextReport[]> {
  if (!settings.model.endsWith('.onnx')) throw new UsageError('--text explains ONNX models with token-id inputs; give an .onnx --model');
  const loaded = loadTokenizer(settings.model, settings.tokenizer);
  const pad = baselineId(loaded, settings.baselineToken);
  const onnx = (await import(settings.provider === 'wasm' ? '@ig/onnx/web' : '@ig/onnx/node')) as OnnxEntry;
  const bytes = new Uint8Array(readUserFile(settings.model, 'model'));
  const layer = settings.layer ?? onnx.findEmbeddingOutput(bytes);
  if (!layer) throw new UsageError(`${settings.model} has no embedding Gather on an integer input; name the float tensor to attribute with --layer`);
  const cache = await graphCacheOf({ cache: settings.cache, onWarning: warn });
  const explainer = await onnx.onnxTokenLayerExplainer(bytes, layer, {
    executionProviders: [settings.provider],
    sessionOptions: { logSeverityLevel: 3 },
    ...(cache ? { graphCache: cache.graphCache } : {}),
  });
  const reports: TextReport[] = [];
  try {
    for (const text of texts) {
      const encoded = encodeText(loaded.tokenizer, text, {
        maxLength: loaded.maxLength,
        padId: loaded.padId,
        unknownToken: loaded.unknownToken,
        tooLong: settings.tooLong ?? 'truncate',
      });
      encoded.warnings.forEach(warn);
      const { inputs, idsName, shape } = textModelInputs(explainer.inputTypes.keys(), encoded);
      const output = await explainer.predict(inputs);
      const { target, objective } = resolveTextTarget(settings.target, output, settings.labels);
      const baselineData = settings.baselineIds
        ? readBaselineIds(settings.baselineIds, shape[1] as number)
        : new BigInt64Array(shape[1] as number).fill(BigInt(pad));
      const baseline = { [idsName]: { data: baselineData, shape } };
      const result = await explainer.attribute(inputs, {
        baselines: baseline,
        target: objective,
        ...pathOptionsOf(settings),
      });
      const report = result.reports[0];
      const perToken = tokenSums(result.attributions[0] as { data: Float32Array; shape: readonly number[] });
      const classes = output.shape[output.shape.length - 1] ?? 1;
      const row =
        typeof target === 'number'
          ? Array.from(output.data)
          : Array.from(output.data.subarray((target[0] as number) * classes, ((target[0] as number) + 1) * classes));
      const predictedIndex = row.indexOf(Math.max(...row));
      const cls = typeof target === 'number' ? target : (target[1] as number);
      if (Array.isArray(target) && settings.target === 'auto')
        warn(`target auto: position ${String(target[0])}, class ${String(target[1])} (the largest output)`);
      const tokenAttributions = perToken.subarray(0, encoded.tokens.length);
      const words = wordSums(encoded.tokens, tokenAttributions);
      reports.push({
        text,
        tokens: encoded.tokens,
        tokenAttributions: Array.from(tokenAttributions),
        words: words.words,
        wordAttributions: Array.from(words.values),
        target,
        ...(settings.labels?.[cls] !== undefined ? { label: settings.labels[cls] } : {}),
        predicted: predictedIndex,
        probability: softmax(row)[predictedIndex] as number,
        fInput: report?.fInput ?? Number.NaN,
        fBaseline: report?.fBaseline ?? Number.NaN,
        delta: report?.delta ?? Number.NaN,
        relativeError: report?.relativeError ?? Number.NaN,
        layer,
        baselineId: pad,
        steps: report?.steps ?? 0,
        ...(report?.refinement ? { refinement: report.refinement } : {}),
        warnings: [...encoded.warnings, ...result.warnings],
      });
    }
  } finally {
    await explainer.dispose();
  }
  return reports;
}
