/** Browser entry: tokenizes a text with @huggingface/tokenizers and explains the spam classifier on onnxruntime-web (wasm). */
import * as ort from 'onnxruntime-web';
import { Tokenizer } from '@huggingface/tokenizers';
import { encodeText, tokenizerLimits, tokenSums } from '@ig/core';
import { onnxTokenLayerExplainer } from '../../src/web.js';

ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export interface TextPageRequest {
  readonly model: number[];
  readonly tokenizer: Record<string, unknown>;
  readonly layer: string;
  readonly text: string;
  readonly targets: number[];
  readonly steps: number;
}

export interface TextPageResult {
  readonly ids: number[];
  readonly tokens: string[];
  readonly cases: { target: number; attribution: number[]; tokenAttributions: number[]; fInput: number; fBaseline: number; delta: number }[];
}

async function explainText(request: TextPageRequest): Promise<TextPageResult> {
  const tokenizer = new Tokenizer(request.tokenizer, {});
  const limits = tokenizerLimits(request.tokenizer);
  const encoded = encodeText(tokenizer, request.text, { maxLength: limits.maxLength ?? 128, padId: limits.padId ?? 0 });
  const shape = [1, encoded.inputIds.length];
  const inputs = { input_ids: { data: encoded.inputIds, shape }, attention_mask: { data: encoded.attentionMask, shape } };
  const baselines = { input_ids: { data: new BigInt64Array(encoded.inputIds.length).fill(BigInt(limits.padId ?? 0)), shape } };
  const explainer = await onnxTokenLayerExplainer(Uint8Array.from(request.model), request.layer);
  const cases: TextPageResult['cases'] = [];
  try {
    for (const target of request.targets) {
      const result = await explainer.attribute(inputs, { baselines, target, steps: request.steps, method: 'gauss-legendre' });
      const attribution = result.attributions[0] as { data: Float32Array; shape: readonly number[] };
      const report = result.reports[0];
      cases.push({
        target,
        attribution: Array.from(attribution.data),
        tokenAttributions: Array.from(tokenSums(attribution).subarray(0, encoded.tokens.length)),
        fInput: report?.fInput ?? Number.NaN,
        fBaseline: report?.fBaseline ?? Number.NaN,
        delta: report?.delta ?? Number.NaN,
      });
    }
  } finally {
    await explainer.dispose();
  }
  return { ids: Array.from(encoded.inputIds, Number), tokens: [...encoded.tokens], cases };
}

declare global {
  interface Window {
    explainText: typeof explainText;
  }
}

window.explainText = explainText;
