import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

// bert-quantized.onnx is bert.onnx dynamically quantized as onnxruntime's quantize_dynamic writes
// it, and transformers.js ships its models (fixtures/text_models/quantize_dynamic.py): every MatMul
// by a weight is DynamicQuantizeLinear → MatMulInteger (int8 weights per column) → Cast → scales.
const DIR = fixture('text_models');
const at = (name: string): string => join(DIR, name);
const TEXTS = ['The movie was not good, boring acting!', 'a fine film'];
const vocabulary = (JSON.parse(readFileSync(at('wordpiece.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;

interface Sample {
  readonly tokens: string[];
  readonly tokenAttributions: number[];
  readonly fInput: number;
}

function explain(model: string): { samples: Sample[]; stderr: string } {
  const cwd = tempDir('text-quantized');
  const run = ig(
    [
      'explain',
      '--model',
      at(model),
      '--tokenizer',
      at('wordpiece.json'),
      ...TEXTS.flatMap((t) => ['--text', t]),
      '--target',
      '1',
      '--json',
      'r.json',
      '--no-cache',
    ],
    { cwd },
  );
  expect(run.code, run.stderr).toBe(0);
  return { samples: (JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { samples: Sample[] }).samples, stderr: run.stderr };
}

describe('ig explain --text on a dynamically quantized BERT', () => {
  it('F is the quantized model run by onnxruntime, the warning is said once, and the attributions are those of the float model up to the quantization', async () => {
    const quantized = explain('bert-quantized.onnx');
    const float = explain('bert.onnx');
    const warnings = quantized.stderr.split('\n').filter((line) => line.includes('straight-through'));
    expect(warnings).toEqual([expect.stringMatching(/^warning: the attributed path holds \d+ quantizing node\(s\) \(DynamicQuantizeLinear, MatMulInteger\)/)]);
    const session = await ort.InferenceSession.create(at('bert-quantized.onnx'), { logSeverityLevel: 4 });
    for (const [k, sample] of quantized.samples.entries()) {
      const ids = sample.tokens.map((token) => vocabulary[token] as number);
      const n = ids.length;
      const feeds = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, n]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [1, n]),
      };
      const logits = (await session.run(feeds))['logits']?.data as Float32Array;
      expect(Math.abs(sample.fInput - (logits[1] as number))).toBeLessThan(1e-6);
      const reference = float.samples[k] as Sample;
      expect(sample.tokens).toEqual(reference.tokens);
      const largest = Math.max(...reference.tokenAttributions.map(Math.abs));
      const worst = Math.max(...sample.tokenAttributions.map((v, i) => Math.abs(v - (reference.tokenAttributions[i] as number))));
      // 8-bit weights and activations move each token's attribution by a fraction of a percent to
      // about 1% of the largest: measured 0.40% and 1.1%
      expect(worst).toBeLessThan(0.03 * largest);
    }
    await session.release();
  });

  it('ig hierarchy --score cd decomposes it (DynamicQuantizeLinear, MatMulInteger, Cast): the float model’s hierarchy, scores up to the quantization', () => {
    interface Group {
      readonly features: number[];
      readonly score: number;
    }
    const hierarchy = (model: string): { fullScore: number; levels: Group[][] } => {
      const cwd = tempDir('text-quantized-cd');
      const text = TEXTS[0] as string;
      const args = ['hierarchy', '--model', at(model), '--tokenizer', at('wordpiece.json'), '--text', text, '--target', '1', '--score', 'cd'];
      const run = ig([...args, '--json', 'h.json', '--no-cache'], { cwd });
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(readFileSync(join(cwd, 'h.json'), 'utf8')) as { fullScore: number; levels: Group[][] };
    };
    const quantized = hierarchy('bert-quantized.onnx');
    const float = hierarchy('bert.onnx');
    // The same groups at every level.
    expect(quantized.levels.map((level) => level.map((g) => g.features))).toEqual(float.levels.map((level) => level.map((g) => g.features)));
    // The whole input's score: measured 0.309303 against 0.309423.
    expect(Math.abs(quantized.fullScore - float.fullScore)).toBeLessThan(1e-3 * Math.abs(float.fullScore));
    const leaves = float.levels[0] as Group[];
    const largest = Math.max(...leaves.map((g) => Math.abs(g.score)));
    // Each token's score moves by up to 2.9% of the largest (8-bit weights and activations).
    (quantized.levels[0] as Group[]).forEach((g, k) => expect(Math.abs(g.score - (leaves[k] as Group).score)).toBeLessThan(0.05 * largest));
  });
});
