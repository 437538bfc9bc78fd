// One IG-50 run in a fresh process, printing its peak resident set size (used by onnx-bench).
import { readFileSync } from 'node:fs';
import { onnxBackend } from '@ig/onnx/node';
import { explainSample } from './ig-run.js';
import { loadModel, type Architecture } from './models.js';

const [name, batch] = process.argv.slice(2) as [Architecture, string];
const model = loadModel(name);
if ('missing' in model) throw new Error(model.missing);
const backend = await onnxBackend(model.bytes, { executionProviders: ['cpu'], sessionOptions: { intraOpNumThreads: 2, interOpNumThreads: 1 } });
/**
 * Peak RSS in KiB. Linux's VmHWM belongs to this process image; getrusage's maxRSS also counts the
 * parent's pages at fork time, so a child of a large benchmark process would report the parent's size.
 */
function peakRssKiB(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    if (line) return Number(line.replace(/\D+/g, ''));
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS;
}

const before = peakRssKiB();
const result = await explainSample(backend, 50, Number(batch));
await backend.dispose();
console.log(
  JSON.stringify({
    model: name,
    batchSize: Number(batch),
    peakRssMiB: peakRssKiB() / 1024,
    rssAfterLoadMiB: before / 1024,
    relativeError: result.reports[0]?.relativeError,
  }),
);
