import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { createOnnxBackend } from '../src/index.js';
import { DECODER, decoderBlockModel } from './helpers/decoder-block.js';
import { differences } from './helpers/finite-differences.js';
import { feedsOf, gradientOf, runModel, runtimes, type Feed } from './helpers/ort.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

const bytes = decoderBlockModel();
const { sequence, hidden, vocabulary } = DECODER;
const embeddings = (batch: number, seed: number): Feed => ({ data: uniform(rng(seed), batch * sequence * hidden, -1, 1), dims: [batch, sequence, hidden] });

describe('a LLaMA-style decoder block at opset 23 (RMSNormalization, RotaryEmbedding, causal GQA Attention, SiLU MLP)', () => {
  it('the gradient graph gives onnxruntime-node logits, and input gradients equal its central differences', async () => {
    const feeds = { x: embeddings(2, 5) };
    const reference = (await runModel(runtimes.node, bytes, feedsOf(runtimes.node, feeds))).logits?.data as Float32Array;
    const seedOf = (n: number): Float32Array => uniform(rng(11), n, -1, 1);
    const run = await gradientOf(runtimes.node, bytes, feeds, seedOf);
    expect(run.outputShape).toEqual([2, vocabulary]);
    const scale = Math.max(1, maxAbs(reference));
    // Different float32 operation orders than onnxruntime's kernels: measured 8.1e-8 × scale.
    reference.forEach((value, i) => expect(Math.abs((run.output[i] as number) - value)).toBeLessThanOrEqual(5e-7 * scale));
    const gradient = run.gradients.x as Float32Array;
    const elements = [...Array(gradient.length).keys()];
    const diffs = await differences(runtimes.node, bytes, feeds, 'x', seedOf(run.output.length), elements, 1e-2);
    const gradientScale = Math.max(1, maxAbs(gradient));
    let worst = 0;
    for (const d of diffs) worst = Math.max(worst, Math.abs((gradient[d.index] as number) - d.central) / gradientScale);
    // Measured 2.3e-5: the difference quotient's own error at h = 1e-2 (float32 rounding of Σ seed·logits, over h).
    expect(worst).toBeLessThan(5e-5);
    // The causal mask shows: the logits of the last position depend on every position's embedding.
    for (let position = 0; position < sequence; position++) expect(maxAbs(gradient.subarray(position * hidden, (position + 1) * hidden))).toBeGreaterThan(1e-3);
  });

  it('Integrated Gradients through OnnxBackend satisfy completeness to float32 precision', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes);
    const x = embeddings(1, 9);
    // RMSNormalization first makes F(α·x) a step at α = 0 (F(0) is the normalisation of ε): the
    // baseline is a sequence of other embeddings, as a run of padding tokens would give.
    const baseline = embeddings(1, 31);
    const result = await integratedGradients(backend, tensor(x.data, x.dims), { target: 3, steps: 64, baselines: tensor(baseline.data, baseline.dims) });
    const report = result.reports[0];
    // A smooth path: measured |delta| 1.8e-7 with F(x) − F(x') = −0.57 at 64 steps.
    expect(Math.abs(report?.delta ?? 1)).toBeLessThan(1e-6);
    const logits = (await runModel(runtimes.node, bytes, feedsOf(runtimes.node, { x }))).logits?.data as Float32Array;
    expect(report?.fInput).toBeCloseTo(logits[3] as number, 6);
    await backend.dispose();
  });
});
