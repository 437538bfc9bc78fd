import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContextualDecomposition } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { runtimes } from './helpers/ort.js';

// The image families of fixtures/cd-families (ViT, Swin, a GroupNorm CNN): the decomposition
// graph run by onnxruntime-web (wasm) gives onnxruntime-node's parts, and they add up to the logits.
const reference = JSON.parse(readFileSync(join(fixturesDir, 'cd-families', 'references.json'), 'utf8')) as {
  cases: Record<string, { kind: string; models: Record<string, string>; logits: number[]; inputShape?: number[]; input?: number[] }>;
};
const cases = Object.entries(reference.cases).flatMap(([name, c]) =>
  c.kind === 'image' ? Object.values(c.models).map((file) => [file, name, c] as const) : [],
);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};

async function decompose(runtime: 'node' | 'web', bytes: Uint8Array, input: Float32Array, shape: number[], masks: Float32Array, count: number) {
  const cd = await createContextualDecomposition(runtimes[runtime], `onnxruntime-${runtime}`, bytes, {
    sessionOptions: { executionProviders: [runtime === 'node' ? 'cpu' : 'wasm'] },
  });
  try {
    return await cd.decompose(input, shape.slice(1), masks, count);
  } finally {
    await cd.dispose();
  }
}

describe('contextual decomposition on onnxruntime-web', () => {
  it.each(cases)('%s: the parts equal onnxruntime-node’s and add up to the logits', async (file, _name, c) => {
    const bytes = fixtureBytes('cd-families', file);
    const shape = c.inputShape as number[];
    const input = Float32Array.from(c.input as number[]);
    // none, all, the first half of the features, every third feature
    const masks = Float32Array.from({ length: 4 * input.length }, (_, k) => {
      const [mask, f] = [Math.floor(k / input.length), k % input.length];
      return mask === 0 ? 0 : mask === 1 ? 1 : mask === 2 ? Number(f < input.length / 2) : Number(f % 3 === 0);
    });
    const node = await decompose('node', bytes, input, shape, masks, 4);
    const web = await decompose('web', bytes, input, shape, masks, 4);
    const size = c.logits.length;
    let identity = 0;
    for (let k = 0; k < 4; k++)
      for (let o = 0; o < size; o++)
        identity = Math.max(identity, Math.abs((web.relevant[k * size + o] as number) + (web.irrelevant[k * size + o] as number) - (c.logits[o] as number)));
    const parts = Math.max(maxDiff(web.relevant, node.relevant), maxDiff(web.irrelevant, node.irrelevant));
    if (process.env.IG_MEASURE !== undefined) console.log(file, 'web vs node', parts, 'identity', identity);
    expect(web.relevant.every(Number.isFinite) && web.irrelevant.every(Number.isFinite)).toBe(true);
    // measured: parts 1.3e-6 (ViT), 3.6e-7 (Swin), 3.5e-7 (GroupNorm); identity 1.6e-6, 4.1e-7, 8.2e-8
    expect(parts).toBeLessThan(5e-6);
    expect(identity).toBeLessThan(5e-6);
  });
});
