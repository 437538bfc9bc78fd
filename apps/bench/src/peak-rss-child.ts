// One IG-50 run in a fresh process, printing its peak resident set size (used by onnx-bench).
import { onnxBackend } from '@ig/onnx/node';
import { explainSample } from './ig-run.js';
import { loadModel, type Architecture } from './models.js';

const [name, batch] = process.argv.slice(2) as [Architecture, string];
const model = loadModel(name);
if ('missing' in model) throw new Error(model.missing);
const backend = await onnxBackend(model.bytes, { executionProviders: ['cpu'], sessionOptions: { intraOpNumThreads: 2, interOpNumThreads: 1 } });
const before = process.resourceUsage().maxRSS;
const result = await explainSample(backend, 50, Number(batch));
await backend.dispose();
console.log(JSON.stringify({ model: name, batchSize: Number(batch), peakRssMiB: process.resourceUsage().maxRSS / 1024, rssAfterLoadMiB: before / 1024, relativeError: result.reports[0]?.relativeError }));
