import { tokenSums, wordSums, type RefinementReport } from '@ig/core';
import { UsageError } from '../errors.js';
import type { LoadedTokenizer } from './tokenizer-file.js';
import { attributeTokens, openTokenSession, sessionTextInputs, type TokenRunSettings, type TokenSession } from './token-session.js';

export type TextRunSettings = TokenRunSettings;

/** One explained text: the fields `report.json` records per sample. */
export interface TextReport {
  readonly text: string;
  readonly tokens: readonly string[];
  /** One number per token: the embedding attributions summed over the feature axis. */
  readonly tokenAttributions: readonly number[];
  /** Words (sub-word pieces joined, as the tokenizer decodes them) and their attributions, the sums of their tokens'. */
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

/**
 * Each word as the tokenizer's decoder writes it (byte-level BPE tokens are bytes: `Ã©` is `é`),
 * falling back to the joined token text when the decoder gives nothing.
 */
function wordTexts(tokenizer: LoadedTokenizer, ids: BigInt64Array, firstToken: readonly number[], tokens: number, joined: readonly string[]): string[] {
  return firstToken.map((first, w) => {
    const end = firstToken[w + 1] ?? tokens;
    const decoded = tokenizer.tokenizer.decode(Array.from(ids.subarray(first, end), Number), { skip_special_tokens: false }).trim();
    return decoded === '' ? (joined[w] as string) : decoded;
  });
}

const softmax = (values: ArrayLike<number>): number[] => {
  const max = Math.max(...Array.from(values));
  const e = Array.from(values, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
};

/** One text explained: the report `--json` writes for it, and the layer attributions `[1, L, E]`. */
export interface ExplainedText {
  readonly report: TextReport;
  readonly attributions: { data: Float32Array; shape: readonly number[] };
}

/**
 * Tokenizes `text` (as `ig explain --text` does: padded to the model's length, `--too-long`) and
 * explains it for `target`; `warn` hears the tokenizer's and the target's notes.
 */
export async function explainText(session: TokenSession, text: string, target: string, warn: (line: string) => void): Promise<ExplainedText> {
  const { settings } = session;
  const { encoded, inputs, idsName, baseline } = sessionTextInputs(session, text, settings.tooLong ?? 'truncate');
  const tokenizer = session.tokenizer as LoadedTokenizer;
  encoded.warnings.forEach(warn);
  const explained = await attributeTokens(session, inputs, idsName, target, warn, { baseline, lastPosition: encoded.tokens.length - 1 });
  const { output, report } = explained;
  const chosen = explained.target;
  const perToken = tokenSums(explained.attributions);
  const classes = output.shape[output.shape.length - 1] ?? 1;
  const row =
    typeof chosen === 'number'
      ? Array.from(output.data)
      : Array.from(output.data.subarray((chosen[0] as number) * classes, ((chosen[0] as number) + 1) * classes));
  const predictedIndex = row.indexOf(Math.max(...row));
  const cls = typeof chosen === 'number' ? chosen : (chosen[1] as number);
  const tokenAttributions = perToken.subarray(0, encoded.tokens.length);
  const words = wordSums(encoded.tokens, tokenAttributions, tokenizer.boundary, encoded.special);
  const labels = settings.labels;
  return {
    attributions: explained.attributions,
    report: {
      text,
      tokens: encoded.tokens,
      tokenAttributions: Array.from(tokenAttributions),
      words: wordTexts(tokenizer, encoded.inputIds, words.firstToken, encoded.tokens.length, words.words),
      wordAttributions: Array.from(words.values),
      target: chosen,
      ...(labels?.[cls] !== undefined ? { label: labels[cls] } : {}),
      predicted: predictedIndex,
      probability: softmax(row)[predictedIndex] as number,
      fInput: report?.fInput ?? Number.NaN,
      fBaseline: report?.fBaseline ?? Number.NaN,
      delta: report?.delta ?? Number.NaN,
      relativeError: report?.relativeError ?? Number.NaN,
      layer: session.layer,
      baselineId: session.baselineId,
      steps: report?.steps ?? 0,
      ...(report?.refinement ? { refinement: report.refinement } : {}),
      warnings: [...encoded.warnings, ...explained.warnings],
    },
  };
}

/** Explains each text with layer IG at the embedding of a token-id ONNX model. */
export async function explainTexts(texts: readonly string[], settings: TextRunSettings, warn: (line: string) => void): Promise<TextReport[]> {
  if (!settings.model.endsWith('.onnx')) throw new UsageError('--text explains ONNX models with token-id inputs; give an .onnx --model');
  const session = await openTokenSession(settings, { needTokenizer: true, warn });
  const reports: TextReport[] = [];
  try {
    for (const text of texts) reports.push((await explainText(session, text, settings.target, warn)).report);
  } finally {
    await session.dispose();
  }
  return reports;
}
