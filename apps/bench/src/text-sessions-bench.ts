/**
 * Layer Integrated Gradients of several texts in a row, as `ig explain --text` and `ig batch` run
 * them: one token-layer explainer for all texts (each text after the first feeds its attention mask
 * on the first one's sessions) against a fresh explainer per text (each text building its own
 * sessions, as before sessions were shared). Models: the SpamAssassin classifier of
 * `ig demo --bundle text` and, when exported (scripts/export_text_transformer.py
 * models/text-transformer.onnx), a 4-layer transformer encoder. TEXTS texts of the Captum text
 * reference's first message (128 tokens) with their masks shifted, at IG-2 and IG-16, median of
 * REPEATS; the attributions of both ways are compared. Writes bench-results/text-sessions.json.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { findEmbeddingOutput, onnxTokenLayerExplainer } from '@ig/onnx/node';
import { int64, median, reference, SPAM, TRANSFORMER } from './text-bench-models.js';

const TEXTS = 8;
const STEP_COUNTS = [2, 16];
const REPEATS = Number(process.env.IG_TEXT_SESSIONS_REPEATS ?? 3);

async function benchModel(name: string, file: string, vocabulary: number): Promise<Record<string, unknown>[]> {
  const bytes = new Uint8Array(readFileSync(file));
  const layer = findEmbeddingOutput(bytes) as string;
  const quiet = { sessionOptions: { logSeverityLevel: 3 as const } };
  const ids = (reference.inputIds[0] as number[]).map((id) => id % vocabulary);
  const texts = Array.from({ length: TEXTS }, (_, t) => ({
    input_ids: int64(ids),
    // Text t has its last 8·t positions masked out: each its own mask.
    attention_mask: int64(ids.map((_, i) => (i < ids.length - 8 * t ? 1 : 0))),
  }));
  const baselines = { input_ids: int64(ids.map(() => reference.baselineId % vocabulary)) };
  const rows: Record<string, unknown>[] = [];
  for (const steps of STEP_COUNTS) {
    const options = { baselines, target: 1, steps };
    const shared: number[] = [];
    const fresh: number[] = [];
    let apart = 0;
    for (let r = 0; r < REPEATS; r++) {
      let start = performance.now();
      const one = await onnxTokenLayerExplainer(bytes, layer, quiet);
      const sharedResults = [];
      for (const text of texts) sharedResults.push(await one.attribute(text, options));
      await one.dispose();
      shared.push(performance.now() - start);
      start = performance.now();
      for (const [t, text] of texts.entries()) {
        const own = await onnxTokenLayerExplainer(bytes, layer, quiet);
        const result = await own.attribute(text, options);
        await own.dispose();
        const a = result.attributions[0]?.data as Float32Array;
        const b = sharedResults[t]?.attributions[0]?.data as Float32Array;
        for (let i = 0; i < a.length; i++) apart = Math.max(apart, Math.abs((a[i] as number) - (b[i] as number)));
      }
      fresh.push(performance.now() - start);
    }
    const row = {
      model: name,
      steps,
      texts: TEXTS,
      sharedMs: median(shared),
      freshMs: median(fresh),
      ratio: median(shared) / median(fresh),
      attributionsApart: apart,
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  return rows;
}

const rows = await benchModel('spam', SPAM, 1 << 30);
if (existsSync(TRANSFORMER)) rows.push(...(await benchModel('transformer', TRANSFORMER, 5000)));
else console.log(`(${TRANSFORMER} not exported: run scripts/export_text_transformer.py to add the transformer)`);
mkdirSync('bench-results', { recursive: true });
const out = { date: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, repeats: REPEATS, rows };
writeFileSync('bench-results/text-sessions.json.tmp', `${JSON.stringify(out, null, 2)}\n`);
renameSync('bench-results/text-sessions.json.tmp', 'bench-results/text-sessions.json');
