import {
  encodeText,
  idsInputName,
  modelSequenceLength,
  textBaselineIds,
  textModelInputs,
  type EncodedText,
  type TextModelInputs,
  type TokenModelShape,
} from '@ig/core';
import type { LoadedTokenizer } from './tokenizer-file.js';

/** What a token-model explainer says about its inputs. */
interface ModelInputs extends TokenModelShape {
  readonly inputTypes: ReadonlyMap<string, number>;
}

/** One text as the model's inputs, with the baseline ids for those inputs. */
export interface TextInputs {
  readonly encoded: EncodedText;
  readonly inputs: TextModelInputs;
  readonly idsName: string;
  readonly shape: number[];
  /** `baselineId` at every text position, special tokens and padding kept. */
  readonly baseline: BigInt64Array;
}

/** Tokenizes `text` (special tokens added, padded to the model's length) into the model's inputs. */
export function textInputsOf(model: ModelInputs, tokenizer: LoadedTokenizer, text: string, baselineId: number, tooLong: 'truncate' | 'error'): TextInputs {
  const idsName = idsInputName(model.inputTypes.keys());
  const encoded = encodeText(tokenizer.tokenizer, text, {
    ...modelSequenceLength(model, idsName, tokenizer.maxLength),
    padId: tokenizer.padId,
    unknownToken: tokenizer.unknownToken,
    ...(tokenizer.tokenizer.token_to_id(tokenizer.unknownToken) !== undefined
      ? { unknownId: tokenizer.tokenizer.token_to_id(tokenizer.unknownToken) as number }
      : {}),
    tooLong,
  });
  const { inputs, shape } = textModelInputs(model.inputTypes.keys(), encoded);
  return { encoded, inputs, idsName, shape, baseline: textBaselineIds(encoded, baselineId) };
}

/**
 * The ids a tokenizer's post-processor adds around every text ([CLS] and [SEP], a </s>): the ids
 * of an encoding with special tokens that the plain encoding of the same text lacks.
 */
export function postProcessorIds(tokenizer: LoadedTokenizer): ReadonlySet<number> {
  const plain: readonly number[] = tokenizer.tokenizer.encode('a', { add_special_tokens: false }).ids;
  const full: readonly number[] = tokenizer.tokenizer.encode('a', { add_special_tokens: true }).ids;
  return new Set(full.filter((id) => !plain.includes(id)));
}

/** `baselineId` at every position but those holding one of `kept` (special tokens), which keep their ids. */
export function idsBaseline(ids: BigInt64Array, baselineId: number, kept: ReadonlySet<number>): BigInt64Array {
  return BigInt64Array.from(ids, (id) => (kept.has(Number(id)) ? id : BigInt(baselineId)));
}
