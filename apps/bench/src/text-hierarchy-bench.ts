/**
 * Cost of an ACD hierarchy of a text relative to one Integrated Gradients run, on the SpamAssassin
 * spam classifier of examples/spam (ONNX, int64 ids + attention mask, the `ig demo --bundle text`
 * model): full occlusion and CD hierarchies of one message (every token a unit, 90th percentile,
 * 5 rounds), scored at the embedding output with the mask held fixed, against layer IG with 50
 * steps at the same embedding, in the same run on onnxruntime-node (cpu). The token ids are the
 * two messages of the Captum reference in packages/onnx/test/fixtures/text (128 and 104 tokens).
 * Reports forward passes (CD: passes of the decomposed network) and median wall time.
 * Writes bench-results/text-hierarchy.json.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { agglomerate, contextualDecompositionScorer, occlusionScorer, sequenceUnits, type GroupScoreOptions, type GroupScorer } from '@ig/core';
import { findEmbeddingOutput, onnxBackend, onnxContextualDecomposition, onnxTokenLayerExplainer } from '@ig/onnx/node';

const STEPS = 50;
const REPEATS = 3;
const MODEL = fileURLToPath(new URL('../../cli/assets/text/spam.onnx', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/text/spam-lig.json', import.meta.url));

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function timeIt<T>(run: () => Promise<T>): Promise<{ ms: number; last: T }> {
  let last = await run(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    last = await run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), last };
}

const bytes = new Uint8Array(readFileSync(MODEL));
const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as { inputIds: number[][]; attentionMask: number[][]; baselineId: number };
const layer = findEmbeddingOutput(bytes) as string;
const explainer = await onnxTokenLayerExplainer(bytes, layer, { sessionOptions: { logSeverityLevel: 3 } });
const rows: Record<string, unknown>[] = [];
for (let example = 0; example < reference.inputIds.length; example++) {
  const ids = reference.inputIds[example] as number[];
  const mask = reference.attentionMask[example] as number[];
  const shape = [1, ids.length];
  const int64 = (values: readonly number[]): { data: BigInt64Array; shape: number[] } => ({ data: BigInt64Array.from(values, (v) => BigInt(v)), shape });
  const inputs = { input_ids: int64(ids), attention_mask: int64(mask) };
  const baselines = { input_ids: int64(ids.map(() => reference.baselineId)) };
  const logits = await explainer.predict(inputs);
  const target = logits.data.indexOf(Math.max(...logits.data));
  const x = await explainer.activation(inputs);
  const x0 = await explainer.activation({ ...inputs, ...baselines });
  const context = { attention_mask: inputs.attention_mask };
  const quiet = { logSeverityLevel: 3 as const };
  const backend = await onnxBackend(explainer.cut.suffix, { inputs: [layer], context, sessionOptions: quiet });
  const decomposition = await onnxContextualDecomposition(explainer.cut.suffix, {
    input: layer,
    context,
    sessionOptions: { ...quiet, executionProviders: ['cpu'] },
  });
  const options: GroupScoreOptions = { backend, input: x, baseline: x0, target };
  const tokens = mask.reduce((n, m) => n + m, 0);
  const layout = sequenceUnits(tokens, x.shape[2] as number, 1);
  const hierarchy = async (make: () => Promise<GroupScorer>): Promise<{ passes: number; levels: number }> => {
    const scorer = await make();
    const tree = await agglomerate(scorer, layout, { percentileInclude: 90, iterations: 5 });
    return { passes: scorer.cost.forwardPasses, levels: tree.levels.length };
  };
  const ig = await timeIt(() => explainer.attribute(inputs, { baselines, target, steps: STEPS }));
  const occlusion = await timeIt(() => hierarchy(() => occlusionScorer(options)));
  const cd = await timeIt(() => hierarchy(() => contextualDecompositionScorer({ ...options, decomposition })));
  await backend.dispose();
  await decomposition.dispose();
  const row = {
    example,
    tokens,
    target,
    ig50: { ms: ig.ms, gradientEvaluations: ig.last.gradientEvaluations },
    occlusion: { ms: occlusion.ms, forwardPasses: occlusion.last.passes, levels: occlusion.last.levels, timeVsIg50: occlusion.ms / ig.ms },
    cd: { ms: cd.ms, forwardPasses: cd.last.passes, levels: cd.last.levels, timeVsIg50: cd.ms / ig.ms },
  };
  rows.push(row);
  console.log(
    `spam message ${example} (${tokens} tokens): IG-${STEPS} ${ig.ms.toFixed(1)} ms; occlusion hierarchy ${occlusion.last.passes} passes, ` +
      `${occlusion.ms.toFixed(1)} ms (${row.occlusion.timeVsIg50.toFixed(2)}× IG); CD hierarchy ${cd.last.passes} passes, ${cd.ms.toFixed(1)} ms (${row.cd.timeVsIg50.toFixed(2)}× IG)`,
  );
}
await explainer.dispose();
mkdirSync('bench-results', { recursive: true });
const report = {
  node: process.version,
  cpu: cpus()[0]?.model,
  date: new Date().toISOString(),
  model: 'examples/spam spam.onnx',
  layer,
  steps: STEPS,
  repeats: REPEATS,
  rows,
};
writeFileSync('bench-results/text-hierarchy.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
renameSync('bench-results/text-hierarchy.json.tmp', 'bench-results/text-hierarchy.json');
console.log('wrote bench-results/text-hierarchy.json');
