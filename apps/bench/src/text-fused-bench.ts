/**
 * Layer Integrated Gradients at the token embedding of text classifiers with an attention mask
 * (int64 ids + mask, the mask held fixed as context) with the fused path graph against runs of
 * point batches (`fused: false`), in the same process, repeats interleaved so drift hits both
 * alike. Both explainers are warmed first (sessions built). Reports the median wall and CPU time
 * per attribution and their ratios, at several step counts, and the largest difference between the two
 * attributions. Models: the SpamAssassin classifier of `ig demo --bundle text` and, when exported
 * (scripts/export_text_transformer.py models/text-transformer.onnx), a 4-layer transformer
 * encoder. Both get the first message of the Captum text reference (128 tokens, 24 of them
 * padding; ids taken modulo the vocabulary). Writes bench-results/text-fused.json.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { IntegratedGradientsResult } from '@ig/core';
import { findEmbeddingOutput, onnxTokenLayerExplainer } from '@ig/onnx/node';
import { int64, median, reference, SPAM, TRANSFORMER } from './text-bench-models.js';

const STEP_COUNTS = [16, 50, 200];
const REPEATS = Number(process.env.IG_TEXT_FUSED_REPEATS ?? 7);

/** Wall time, and CPU time of the process (all onnxruntime threads), which contention on a busy host distorts less. */
async function timed(run: () => Promise<IntegratedGradientsResult>): Promise<{ ms: number; cpuMs: number; result: IntegratedGradientsResult }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, result };
}

async function benchModel(name: string, file: string, vocabulary: number): Promise<Record<string, unknown>[]> {
  const bytes = new Uint8Array(readFileSync(file));
  const layer = findEmbeddingOutput(bytes) as string;
  const quiet = { sessionOptions: { logSeverityLevel: 3 as const } };
  const fused = await onnxTokenLayerExplainer(bytes, layer, quiet);
  const batches = await onnxTokenLayerExplainer(bytes, layer, { ...quiet, fused: false });
  const ids = (reference.inputIds[0] as number[]).map((id) => id % vocabulary);
  const inputs = { input_ids: int64(ids), attention_mask: int64(reference.attentionMask[0] as number[]) };
  const baselines = { input_ids: int64(ids.map(() => reference.baselineId % vocabulary)) };
  const rows: Record<string, unknown>[] = [];
  for (const steps of STEP_COUNTS) {
    const options = { baselines, target: 1, steps };
    await fused.attribute(inputs, options);
    await batches.attribute(inputs, options);
    const times = { fused: [] as number[], batches: [] as number[] };
    const cpu = { fused: [] as number[], batches: [] as number[] };
    let apart = 0;
    let largest = 0;
    for (let r = 0; r < REPEATS; r++) {
      const a = await timed(() => fused.attribute(inputs, options));
      const b = await timed(() => batches.attribute(inputs, options));
      times.fused.push(a.ms);
      times.batches.push(b.ms);
      cpu.fused.push(a.cpuMs);
      cpu.batches.push(b.cpuMs);
      const x = a.result.attributions[0]?.data as Float32Array;
      const y = b.result.attributions[0]?.data as Float32Array;
      x.forEach((v, j) => (apart = Math.max(apart, Math.abs(v - (y[j] as number)))));
      y.forEach((v) => (largest = Math.max(largest, Math.abs(v))));
    }
    const fusedMs = median(times.fused);
    const batchesMs = median(times.batches);
    const cpuRatio = median(cpu.fused) / median(cpu.batches);
    console.log(
      `${name} IG-${steps}: fused ${fusedMs.toFixed(1)} ms, point batches ${batchesMs.toFixed(1)} ms, ratio ${(fusedMs / batchesMs).toFixed(2)} (CPU time ${cpuRatio.toFixed(2)}), ` +
        `max |Δattr| ${apart.toExponential(1)} of ${largest.toExponential(1)}`,
    );
    rows.push({
      model: name,
      tokens: ids.length,
      steps,
      fusedMs,
      batchesMs,
      fusedOverBatches: fusedMs / batchesMs,
      maxDifference: apart,
      maxAttribution: largest,
      times,
    });
  }
  await fused.dispose();
  await batches.dispose();
  return rows;
}

const rows = await benchModel('spam', SPAM, Number.MAX_SAFE_INTEGER);
if (existsSync(TRANSFORMER)) rows.push(...(await benchModel('transformer', TRANSFORMER, 5000)));
else console.log(`skipped the transformer: ${TRANSFORMER} not found (scripts/export_text_transformer.py)`);

mkdirSync('bench-results', { recursive: true });
const report = { repeats: REPEATS, cpu: cpus()[0]?.model, cores: cpus().length, rows };
writeFileSync('bench-results/text-fused.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
renameSync('bench-results/text-fused.json.tmp', 'bench-results/text-fused.json');
