import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContextualDecomposition, inspect } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { runModel, runtimes } from './helpers/ort.js';

const ort = runtimes.node;

interface Reference {
  readonly inputShape: number[];
  readonly input: number[];
  readonly output: number[];
  readonly cases: { mask: number[]; relevant: number[]; irrelevant: number[] }[];
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

// Written by fixtures/cd-torchvision/make_reference.py (acd's cd on the PyTorch modules).
const cases = [
  // The largest deviation measured, 7.7e-6 on outputs of ~0.2, is the full mask's irrelevant part:
  // acd's float32 BatchNorm rule sets irrel = BN(r + i) − rel, which leaves rounding residue that
  // the later layers carry (exactly 0 here, where BatchNorm is folded); the other masks: 6.6e-7.
  {
    name: 'vgg_bn',
    what: 'torchvision VGG with BatchNorm (folded into its Conv)',
    ops: ['Conv', 'Flatten', 'Gemm', 'GlobalAveragePool', 'MaxPool', 'Relu'],
    tolerance: 1e-6,
    fullMaskTolerance: 1e-5,
  },
  // the largest deviation measured: 7.5e-8 on outputs of magnitude ~0.3
  {
    name: 'alexnet6',
    what: 'an AlexNet-style stack with ReLU6 (Clip)',
    ops: ['Clip', 'Conv', 'Flatten', 'Gemm', 'GlobalAveragePool', 'MaxPool', 'Relu'],
    tolerance: 6e-7,
    fullMaskTolerance: 6e-7,
  },
];

describe("contextual decomposition against acd's cd on torchvision-style conv nets", () => {
  for (const c of cases) {
    it(`${c.what}: relevant and irrelevant parts match acd, and add up to the model's output`, async () => {
      const reference = JSON.parse(readFileSync(join(fixturesDir, 'cd-torchvision', `${c.name}.json`), 'utf8')) as Reference;
      const bytes = fixtureBytes('cd-torchvision', `${c.name}.onnx`);
      expect(inspect(bytes).contextualDecompositionCoverage).toEqual({ supported: c.ops, unsupported: [] });
      const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes);
      // acd's masks are H×W, the same for every channel
      const channels = reference.inputShape[1] as number;
      const masks = Float32Array.from(reference.cases.flatMap((k) => Array.from({ length: channels }, () => k.mask).flat()));
      const input = Float32Array.from(reference.input);
      const { relevant, irrelevant } = await cd.decompose(input, reference.inputShape.slice(1), masks, reference.cases.length);
      await cd.dispose();
      const y = (await runModel(ort, bytes, { input: new ort.Tensor('float32', input, reference.inputShape) })).logits?.data as Float32Array;
      expect(maxDiff(y, reference.output)).toBeLessThan(1e-6);
      const n = reference.output.length;
      reference.cases.forEach((k, i) => {
        const deviation = Math.max(maxDiff(relevant.subarray(i * n, i * n + n), k.relevant), maxDiff(irrelevant.subarray(i * n, i * n + n), k.irrelevant));
        // case 0 is the full mask
        expect(deviation).toBeLessThan(i === 0 ? c.fullMaskTolerance : c.tolerance);
        const sum = Array.from(y, (_, j) => (relevant[i * n + j] as number) + (irrelevant[i * n + j] as number));
        expect(maxDiff(sum, y)).toBeLessThan(1e-6);
      });
    });
  }
});
