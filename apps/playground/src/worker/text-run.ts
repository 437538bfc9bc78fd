/**
 * One text explanation in the worker: tokenize, predict, then layer IG at the embedding output of
 * a token-id ONNX model (onnxruntime-web), the baseline the pad id at every position, summed per token.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import {
  encodeText,
  idsInputName,
  InvalidOptionError,
  modelSequenceLength,
  textBaselineIds,
  textModelInputs,
  tokenizerConfig,
  tokenizerLimits,
  tokenSums,
  type QuadratureMethod,
  type Tensor,
} from '@ig/core';
import { findEmbeddingOutput, onnxTokenLayerExplainer, type TokenLayerExplainer } from '@ig/onnx/web';
import type { RunReport, TextRunRequest } from '../protocol.js';
import { EngineUnavailableError, ModelFileError } from './errors.js';
import { rankClasses } from './probabilities.js';
import { runReport } from './run-report.js';
import type { RunHooks } from './run.js';

interface LoadedText {
  readonly key: string;
  readonly explainer: TokenLayerExplainer;
  readonly layer: string;
}

interface LoadedTokenizer {
  readonly source: string;
  readonly tokenizer: Tokenizer;
  /** Its `truncation.max_length`; most tokenizer.json files have none, and the model decides (modelSequenceLength). */
  readonly maxLength: number | undefined;
  readonly padId: number;
  readonly unknownToken: string;
}

let loaded: LoadedText | undefined;
let tokenizer: LoadedTokenizer | undefined;

/** Frees the text model's sessions (after a cancel, or before another model). */
export function releaseTextModel(): void {
  void loaded?.explainer.dispose();
  loaded = undefined;
}

function tokenizerOf(source: string, name: string): LoadedTokenizer {
  if (tokenizer?.source === source) return tokenizer;
  let json: Record<string, unknown>;
  let parsed: Tokenizer;
  try {
    json = JSON.parse(source) as Record<string, unknown>;
    parsed = new Tokenizer(json, tokenizerConfig(tokenizerLimits(json).unknownToken));
  } catch (error) {
    throw new ModelFileError(`the tokenizer of ${name} cannot be read by @huggingface/tokenizers: ${(error as Error).message}`);
  }
  const limits = tokenizerLimits(json);
  tokenizer = { source, tokenizer: parsed, maxLength: limits.maxLength, padId: limits.padId ?? 0, unknownToken: limits.unknownToken ?? '[UNK]' };
  return tokenizer;
}

async function explainerFor(request: TextRunRequest): Promise<LoadedText> {
  const key = `${request.model.key}|${request.engine}`;
  if (loaded?.key === key) return loaded;
  releaseTextModel();
  const [family, device] = request.engine.split('-') as [string, string];
  if (family !== 'ort')
    throw new EngineUnavailableError(
      `${request.model.name} is an ONNX model: choose an onnxruntime-web engine (ort-wasm or ort-webgpu), not ${request.engine}`,
    );
  const bytes = new Uint8Array(request.model.bytes);
  let layer: string | undefined;
  try {
    layer = findEmbeddingOutput(bytes);
  } catch (error) {
    throw new ModelFileError(`${request.model.name} is not a readable ONNX model: ${(error as Error).message}`);
  }
  if (layer === undefined) throw new ModelFileError(`${request.model.name} has no embedding Gather on an integer input (token ids)`);
  let explainer: TokenLayerExplainer;
  try {
    explainer = await onnxTokenLayerExplainer(bytes, layer, { executionProviders: [device as 'wasm' | 'webgpu'], sessionOptions: { logSeverityLevel: 3 } });
  } catch (error) {
    throw new ModelFileError(`${request.model.name} could not be loaded by onnxruntime-web (${device}): ${(error as Error).message}`);
  }
  loaded = { key, explainer, layer };
  return loaded;
}

function softmax(logits: Float32Array): Float64Array {
  const max = logits.reduce((m, v) => Math.max(m, v), -Infinity);
  const exps = Float64Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / sum);
}

/** The logits of a classifier with one output row, `[1, classes]`. */
function classLogits(output: Tensor, name: string): Float32Array {
  if (output.shape.length !== 2 || output.shape[0] !== 1) {
    throw new ModelFileError(
      `${name} gives an output of shape [${output.shape.join(', ')}]; the playground explains text classifiers with one output row [1, classes]`,
    );
  }
  return output.data;
}

export async function explainText(request: TextRunRequest, hooks: RunHooks): Promise<{ report: RunReport; attributions: Float32Array; shape: number[] }> {
  const started = performance.now();
  hooks.stage('loading the model');
  const { explainer, layer } = await explainerFor(request);
  const tokens = tokenizerOf(request.tokenizer, request.model.name);
  hooks.signal.throwIfAborted();
  hooks.stage('predicting');
  // A fixed length of the model, else the tokenizer's truncation, else the model's position embeddings, as the CLI takes it.
  const length = modelSequenceLength(explainer, idsInputName(explainer.inputTypes.keys()), tokens.maxLength);
  const encoded = encodeText(tokens.tokenizer, request.text, { ...length, padId: tokens.padId, unknownToken: tokens.unknownToken });
  const { inputs, idsName, shape } = textModelInputs(explainer.inputTypes.keys(), encoded);
  const probabilities = softmax(classLogits(await explainer.predict(inputs), request.model.name));
  const ranked = rankClasses(probabilities);
  const target = request.target ?? (ranked[0]?.index as number);
  if (!(Number.isInteger(target) && target >= 0 && target < probabilities.length))
    throw new InvalidOptionError(`target ${target}: the model has ${probabilities.length} classes`);
  hooks.stage('integrating');
  const result = await explainer.attribute(inputs, {
    baselines: { [idsName]: { data: textBaselineIds(encoded, tokens.padId), shape } },
    target,
    steps: request.steps,
    ...(request.steps === 'auto' ? {} : { method: request.method as QuadratureMethod }),
    signal: hooks.signal,
    onProgress: hooks.progress,
  });
  const report = result.reports[0];
  if (report === undefined) throw new ModelFileError(`${request.model.name}: the attribution gave no report`);
  const perToken = tokenSums(result.attributions[0] as Tensor).slice(0, encoded.tokens.length);
  return {
    attributions: perToken,
    shape: [perToken.length],
    report: {
      ...runReport(report, {
        model: request.model.name,
        engine: request.engine,
        backend: `onnxruntime-web/${request.engine.slice('ort-'.length)}`,
        algorithm: 'integrated-gradients',
        method: result.method,
        target,
        started,
        ranked,
        warnings: [...encoded.warnings, ...result.warnings],
      }),
      tokens: encoded.tokens,
      tokenAttributions: Array.from(perToken),
      layer,
      baselineId: tokens.padId,
    },
  };
}
