import { readFileSync } from 'node:fs';
import { findEmbeddingOutput, onnxTokenLayerExplainer, onnxBackend } from '@ig/onnx/node';
import { integratedGradients, tensor } from '@ig/core';
const bytes = new Uint8Array(readFileSync('models/text-transformer.onnx'));
const ref = JSON.parse(readFileSync('../../packages/onnx/test/fixtures/text/spam-lig.json','utf8'));
const layer = findEmbeddingOutput(bytes);
const ids = ref.inputIds[0].map(i => i % 5000); const int64 = (v) => ({ data: BigInt64Array.from(v, (x) => BigInt(x)), shape: [1, v.length] });
const inputs = { input_ids: int64(ids), attention_mask: int64(ref.attentionMask[0]) };
const e = await onnxTokenLayerExplainer(bytes, layer, { sessionOptions: { logSeverityLevel: 3 } });
const x = await e.activation(inputs);
console.log(e.cut.passthrough);
const context = Object.fromEntries(e.cut.passthrough.map(n => [n, inputs[n]]));
for (const [label, o] of [['fused', {}], ['batches', { fused: false }], ['fused ppr8', {pointsPerRun: 8}], ['batches ppr8', {pointsPerRun: 8, fused: false}]]) {
  const b = await onnxBackend(e.cut.suffix, { inputs: [layer], context, sessionOptions: { logSeverityLevel: 3 }, ...o });
  const opts = { target: 1, steps: 50, baselines: 0 };
  await integratedGradients(b, tensor(x.data, x.shape), opts);
  const t = [];
  for (let r = 0; r < 3; r++) { const s = performance.now(); await integratedGradients(b, tensor(x.data, x.shape), opts); t.push(performance.now() - s); }
  t.sort((a,b)=>a-b); console.log(label, t[1].toFixed(0), JSON.stringify(b.stats.sessions), JSON.stringify(b.stats.seconds));
  await b.dispose();
}
