import { existsSync } from 'node:fs';
import { defaultTokenizerPath } from '../companion-files.js';
import type { IntegratedGradientsResult } from '@ig/core';
import type * as OnnxNode from '@ig/onnx/node';
import { FileFormatError, UsageError } from '../errors.js';
import { readUserFile } from '../files.js';
import { graphCacheOf, importOnnx } from '../onnx-module.js';
import { pathOptionsOf, type PathSettings } from '../path-options.js';
import { textInputsOf, type TextInputs } from './text-inputs.js';
import { resolveTextTarget } from './text-target.js';
import { baselineId, loadTokenizer, type LoadedTokenizer } from './tokenizer-file.js';
import { readModelBytes } from '../model-bytes.js';

/** What opening a token-id model takes: the model, its tokenizer, the layer and the baseline token. */
export interface TokenModelSettings {
  readonly model: string;
  readonly tokenizer: string | undefined;
  /** The float tensor to attribute; default the embedding output (see findEmbeddingOutput). */
  readonly layer: string | undefined;
  readonly provider: string;
  /** ONNX graph cache: a folder, true for the platform's default folder, false or absent for none. */
  readonly cache?: string | boolean;
  readonly baselineToken: string | undefined;
  /** A JSON file with the baseline's token ids, one per position of the sequence. */
  readonly baselineIds?: string;
}

/** What `ig explain --text`, `--input ids.npy` and `ig batch` on a token-id model share. */
export interface TokenRunSettings extends PathSettings, TokenModelSettings {
  readonly target: string;
  readonly labels: readonly string[] | null;
  /** `error` refuses texts longer than the model's maximum length; default `truncate` (with a warning). */
  readonly tooLong?: 'truncate' | 'error';
}

type OnnxEntry = typeof OnnxNode;
type TokenLayerExplainer = Awaited<ReturnType<OnnxEntry['onnxTokenLayerExplainer']>>;
export type IdsTensor = { data: BigInt64Array; shape: readonly number[] };

/** A token-id model ready to explain any number of inputs: loaded, cut at its layer, once. */
export interface TokenSession<Settings extends TokenModelSettings = TokenRunSettings> {
  readonly settings: Settings;
  readonly layer: string;
  readonly explainer: TokenLayerExplainer;
  /** The tokenizer given or next to the model; undefined when neither exists and none is needed. */
  readonly tokenizer: LoadedTokenizer | undefined;
  /** The baseline id at every position (unless --baseline-ids gives them one by one). */
  readonly baselineId: number;
  dispose(): Promise<void>;
}

/** One input's layer attributions, the target they explain and the model output it was read from. */
export interface TokenAttribution {
  readonly output: { data: Float32Array; shape: readonly number[] };
  readonly target: number | number[];
  readonly attributions: { data: Float32Array; shape: readonly number[] };
  readonly report: IntegratedGradientsResult['reports'][number] | undefined;
  readonly warnings: readonly string[];
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

/** The tokenizer given, else the one next to the model; required only when texts are to be encoded. */
function tokenizerOf(settings: TokenModelSettings, needed: boolean): LoadedTokenizer | undefined {
  const beside = existsSync(defaultTokenizerPath(settings.model));
  return needed || settings.tokenizer !== undefined || beside ? loadTokenizer(settings.model, settings.tokenizer) : undefined;
}

/** --baseline-token as an id, or as a token of the tokenizer; default its pad id, else 0. */
function baselineIdOf(tokenizer: LoadedTokenizer | undefined, token: string | undefined): number {
  if (tokenizer !== undefined) return baselineId(tokenizer, token);
  if (token === undefined) return 0;
  if (/^\d+$/.test(token)) return Number(token);
  throw new UsageError(`--baseline-token ${token}: without a tokenizer (tokenizer.json next to the model or --tokenizer), give the baseline as a token id`);
}

/** A vocabulary token's id, for targets that name a language model's next token. */
export const tokenIdOf =
  (loaded: LoadedTokenizer) =>
  (token: string): number | undefined =>
    loaded.tokenizer.token_to_id(token);

/** The last position whose attention mask is 1; undefined without a mask. */
function lastMasked(mask: IdsTensor | undefined): number | undefined {
  if (!mask) return undefined;
  for (let i = mask.data.length - 1; i >= 0; i--) if (mask.data[i] !== 0n) return i;
  return undefined;
}

/** Loads the model, the tokenizer and the layer explainer (through the graph cache) once. */
export async function openTokenSession<Settings extends TokenModelSettings>(
  settings: Settings,
  options: { needTokenizer: boolean; warn: (line: string) => void },
): Promise<TokenSession<Settings>> {
  const tokenizer = tokenizerOf(settings, options.needTokenizer);
  const pad = baselineIdOf(tokenizer, settings.baselineToken);
  if (tokenizer && !tokenizer.hasPadToken && settings.baselineToken === undefined && settings.baselineIds === undefined)
    options.warn(
      `${tokenizer.path} has no pad token (no "padding", no [PAD] or <pad>): the baseline is id 0 (${JSON.stringify(tokenizer.tokenizer.id_to_token(0) ?? '?')}) at every position; choose one with --baseline-token`,
    );
  const onnx = (await importOnnx(settings.provider)) as unknown as OnnxEntry;
  const bytes = await readModelBytes(settings.model, settings.provider);
  const layer = settings.layer ?? onnx.findEmbeddingOutput(bytes);
  if (!layer)
    throw new UsageError(
      `${settings.model} has no embedding Gather on an integer input; name the float tensor to attribute with --layer (an int32 or int64 .npy in --input is read as token ids: save other inputs as float32)`,
    );
  const cache = await graphCacheOf({ cache: settings.cache, onWarning: options.warn });
  // Each text gets a backend of its own: a warning about the model (a quantized path) is said once.
  const said = new Set<string>();
  const warnOnce = (line: string): void => {
    if (!said.has(line)) options.warn(line);
    said.add(line);
  };
  const explainer = await onnx
    .onnxTokenLayerExplainer(bytes, layer, {
      executionProviders: [settings.provider as 'cpu'],
      sessionOptions: { logSeverityLevel: 4 },
      onWarning: warnOnce,
      ...(cache ? { graphCache: cache.graphCache } : {}),
    })
    .catch((error: unknown) => {
      // as for tensor inputs: a --layer the model cannot be cut at is a usage error naming it
      if (settings.layer === undefined) throw error;
      throw new UsageError(`--layer ${layer}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    });
  return { settings, layer, explainer, tokenizer, baselineId: pad, dispose: () => explainer.dispose() };
}

/** A text as the session's model inputs (see textInputsOf): tokenized, padded to the model's length. */
export function sessionTextInputs(session: TokenSession<TokenModelSettings>, text: string, tooLong: 'truncate' | 'error'): TextInputs {
  const { settings, tokenizer } = session;
  if (tokenizer === undefined) throw new UsageError(`a text needs a tokenizer: give --tokenizer FILE or put tokenizer.json next to ${settings.model}`);
  return textInputsOf(session.explainer, tokenizer, text, session.baselineId, tooLong);
}

/**
 * Layer IG of one input (the ids under `idsName`, the other model inputs beside them) for
 * `target` (auto, an index, a label or `p,c`); `note` hears which position `auto` chose.
 */
export async function attributeTokens(
  session: TokenSession,
  inputs: Readonly<Record<string, IdsTensor>>,
  idsName: string,
  target: string,
  note: (line: string) => void,
  text?: { readonly baseline: BigInt64Array; readonly lastPosition?: number },
): Promise<TokenAttribution> {
  const { settings, explainer } = session;
  const shape = (inputs[idsName] as IdsTensor).shape;
  const output = await explainer.predict(inputs);
  const names = { labels: settings.labels, ...(session.tokenizer ? { tokenId: tokenIdOf(session.tokenizer) } : {}) };
  const resolved = resolveTextTarget(target, output, names, text?.lastPosition ?? lastMasked(inputs['attention_mask']));
  if (Array.isArray(resolved.target) && target === 'auto')
    note(`target auto: position ${String(resolved.target[0])}, class ${String(resolved.target[1])} (the largest output)`);
  const length = shape[1] as number;
  const baselineData = settings.baselineIds
    ? readBaselineIds(settings.baselineIds, length)
    : (text?.baseline ?? new BigInt64Array(length).fill(BigInt(session.baselineId)));
  const result = await explainer.attribute(inputs, {
    baselines: { [idsName]: { data: baselineData, shape } },
    target: resolved.objective,
    ...pathOptionsOf(settings),
  });
  return {
    output,
    target: resolved.target,
    attributions: result.attributions[0] as { data: Float32Array; shape: readonly number[] },
    report: result.reports[0],
    warnings: result.warnings,
  };
}
