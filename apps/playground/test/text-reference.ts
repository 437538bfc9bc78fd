/** The Node result a text run on the page must match: the same library calls on onnxruntime-node. */
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import { encodeText, textModelInputs, tokenizerLimits, tokenSums, type Tensor } from '@ig/core';
import { findEmbeddingOutput, onnxTokenLayerExplainer } from '@ig/onnx/node';
import { ASSETS } from './reference.js';

export interface NodeTextResult {
  readonly tokens: readonly string[];
  /** The predicted class (the largest logit). */
  readonly predicted: number;
  readonly tokenAttributions: Float32Array;
  readonly fInput: number;
  readonly fBaseline: number;
}

/** Layer IG at the embedding of the bundled spam model, the pad id as baseline, `steps` Gauss–Legendre points. */
export async function nodeSpamText(text: string, steps: number): Promise<NodeTextResult> {
  const json = JSON.parse(readFileSync(`${ASSETS}text/tokenizer.json`, 'utf8')) as Record<string, unknown>;
  const limits = tokenizerLimits(json);
  const padId = limits.padId ?? 0;
  const encoded = encodeText(new Tokenizer(json, {}), text, { maxLength: limits.maxLength ?? 0, padId });
  const bytes = readFileSync(`${ASSETS}text/spam.onnx`);
  const explainer = await onnxTokenLayerExplainer(bytes, findEmbeddingOutput(bytes) ?? '', { sessionOptions: { logSeverityLevel: 3 } });
  try {
    const { inputs, idsName, shape } = textModelInputs(explainer.inputTypes.keys(), encoded);
    const logits = Array.from((await explainer.predict(inputs)).data);
    const predicted = logits.indexOf(Math.max(...logits));
    const result = await explainer.attribute(inputs, {
      baselines: { [idsName]: { data: new BigInt64Array(shape[1] as number).fill(BigInt(padId)), shape } },
      target: predicted,
      steps,
    });
    const report = result.reports[0];
    return {
      tokens: encoded.tokens,
      predicted,
      tokenAttributions: tokenSums(result.attributions[0] as Tensor).slice(0, encoded.tokens.length),
      fInput: report?.fInput ?? NaN,
      fBaseline: report?.fBaseline ?? NaN,
    };
  } finally {
    await explainer.dispose();
  }
}
