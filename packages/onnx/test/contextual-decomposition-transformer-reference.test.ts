import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContextualDecomposition } from '../src/index.js';
import { runtimes } from './helpers/ort.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { ids } from './helpers/text.js';

const ort = runtimes.node;

interface Reference {
  readonly x: readonly number[];
  readonly shape: readonly [number, number, number];
  readonly attentionMask: readonly number[];
  readonly groups: readonly (readonly number[])[];
  readonly cases: Readonly<Record<string, { output: readonly number[]; relevant: readonly (readonly number[])[]; irrelevant: readonly (readonly number[])[] }>>;
}

const reference = JSON.parse(readFileSync(join(fixturesDir, 'cd-transformer', 'reference.json'), 'utf8')) as Reference;

/** max |ONNX float32 − PyTorch float64| of either part over both opsets: measured 1.1e-7, 2.4e-7 and 4.9e-7. */
const tolerances: Readonly<Record<string, number>> = { encoder_additive: 1e-6, encoder_fill: 2e-6, causal: 3e-6 };

describe('contextual decomposition of transformers matches a PyTorch re-implementation of the rules (scripts/cd_transformer_reference.py)', () => {
  for (const [name, expected] of Object.entries(reference.cases)) {
    for (const opset of [14, 17]) {
      it(`${name} at opset ${opset} (LayerNorm ${opset === 17 ? 'as LayerNormalization' : 'as ReduceMean, Sub, Pow, Sqrt, Div'})`, async () => {
        const cd = await createContextualDecomposition(ort, 'onnxruntime-node', fixtureBytes('cd-transformer', `${name}-opset${opset}.onnx`), {
          input: 'x',
          context: { attention_mask: ids(reference.attentionMask) },
        });
        const [, length, features] = reference.shape;
        const { groups } = reference;
        const masks = new Float32Array(groups.length * length * features);
        groups.forEach((g, k) => g.forEach((t) => masks.fill(1, (k * length + t) * features, (k * length + t + 1) * features)));
        const { relevant, irrelevant } = await cd.decompose(Float32Array.from(reference.x), [length, features], masks, groups.length);
        await cd.dispose();
        const size = expected.output.length;
        let worst = 0;
        groups.forEach((_, k) => {
          for (let o = 0; o < size; o++) {
            worst = Math.max(
              worst,
              Math.abs((relevant[k * size + o] as number) - (expected.relevant[k]?.[o] as number)),
              Math.abs((irrelevant[k * size + o] as number) - (expected.irrelevant[k]?.[o] as number)),
            );
          }
        });
        expect(worst).toBeLessThan(tolerances[name] as number);
      });
    }
  }
});
