#!/usr/bin/env node
// Re-checks whole torchvision models (exported by scripts/torchvision_models.py) against PyTorch
// autograd: the input gradient of the reference logit through onnxBackend from @ig/onnx/node.
// A manual check on large models (not run in CI); build the package first (pnpm build).
//
// Usage: node packages/onnx/scripts/check-torchvision.mjs DIR [NAME ...] [--explain IMAGE]
// Prints, per model, opset and input point: max |ours − torch| / max |torch| against torch's
// float32 and float64 gradients, and the floor set by kinks that rounding alone flips: the larger
// of torch's own float32-vs-float64 and folded-vs-unfolded-BatchNorm deviations; then gradient-graph build + first call time, one gradient
// call time, and the process's peak resident memory so far. Exits 1 when a point's deviation
// from float64 exceeds 10× torch's own floor (and 1e-4). With --explain IMAGE, also runs
// `ig explain` (IG-50, no graph cache) on each image model with that image and prints its wall
// time and peak resident memory (as /usr/bin/time measures it; build apps/cli first).
/* global process, console, performance */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnxBackend } from '@ig/onnx/node';

const args = process.argv.slice(2);
const explainAt = args.indexOf('--explain');
const image = explainAt >= 0 ? args.splice(explainAt, 2)[1] : undefined;
const [dir, ...names] = args;
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'cli', 'dist', 'bin.js');
if (!dir) {
  console.error('usage: check-torchvision.mjs DIR [NAME ...]');
  process.exit(2);
}

const floats = (file) => {
  const bytes = readFileSync(join(dir, file));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

const metas = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
  .filter((m) => names.length === 0 || names.includes(m.name));

let failed = false;
for (const meta of metas) {
  const input = floats(meta.input);
  const torch32 = floats(meta.gradient);
  const torch64 = floats(meta.gradient64);
  const torchFolded = floats(meta.gradientFolded);
  const [count, ...pointShape] = meta.inputShape;
  const outputWeights = new Float32Array(count * meta.classes);
  meta.targets.forEach((target, k) => (outputWeights[k * meta.classes + target] = 1));
  for (const [opset, file] of Object.entries(meta.models)) {
    const label = `${meta.name} opset ${opset}`;
    try {
      const started = performance.now();
      const backend = await onnxBackend(join(dir, file));
      const one = {
        points: [input.subarray(0, input.length / count)],
        pointShapes: [pointShape],
        count: 1,
        outputWeights: outputWeights.subarray(0, meta.classes),
      };
      await backend.gradients(one);
      const firstMs = performance.now() - started;
      const again = performance.now();
      await backend.gradients(one);
      const callMs = performance.now() - again;
      const { gradients, objective } = await backend.gradients({ points: [input], pointShapes: [pointShape], count, outputWeights });
      await backend.dispose();
      const ours = gradients[0];
      const size = ours.length / count;
      const rows = [];
      for (let k = 0; k < count; k++) {
        const at = (a) => a.subarray(k * size, (k + 1) * size);
        const vs32 = relativeError(at(ours), at(torch32));
        const vs64 = relativeError(at(ours), at(torch64));
        const floor = Math.max(relativeError(at(torch32), at(torch64)), relativeError(at(torchFolded), at(torch32)));
        const logitError = Math.abs(objective[k] - meta.logits[k]);
        rows.push(`${vs32.toExponential(1)} / ${vs64.toExponential(1)} [torch ${floor.toExponential(1)}] Δlogit ${logitError.toExponential(0)}`);
        // Ours may sit on the other side of a kink than torch in float32, but not farther from
        // float64 than torch's own rounding moves it, by more than an order of magnitude.
        if (!(vs64 < Math.max(1e-4, 10 * floor))) failed = true;
      }
      const rssMiB = process.resourceUsage().maxRSS / 1024;
      console.log(`${label}: max|ours − torch| / max|torch| (float32 / float64) per point: ${rows.join('; ')}`);
      console.log(`  build + first call ${firstMs.toFixed(0)} ms, one gradient call ${callMs.toFixed(0)} ms, peak RSS ${rssMiB.toFixed(0)} MiB`);
      if (image && pointShape.length === 3) console.log(`  ${explain(join(dir, file))}`);
    } catch (error) {
      failed = true;
      console.log(`${label}: FAILED ${error?.name}: ${error?.message}`);
    }
  }
}
process.exit(failed ? 1 : 0);

function explain(model) {
  if (!existsSync(cli)) return `ig explain: ${cli} is not built`;
  const run = spawnSync('/usr/bin/time', ['-f', '%e s %M KB', process.execPath, cli, 'explain', '--model', model, '--input', image, '--no-cache'], {
    encoding: 'utf8',
  });
  const lines = run.stderr.trim().split('\n');
  const [seconds, , kib] = (lines.at(-1) ?? '').split(' ');
  const report = run.stdout.split('\n').find((l) => l.startsWith('target')) ?? lines.find((l) => l.startsWith('error')) ?? '';
  return `ig explain (exit ${run.status}): ${seconds} s, peak RSS ${(Number(kib) / 1024).toFixed(0)} MiB; ${report}`;
}

function relativeError(got, expected) {
  let maxError = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    maxError = Math.max(maxError, Math.abs(got[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return maxError / scale;
}
