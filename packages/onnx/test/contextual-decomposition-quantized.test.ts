import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@ig/test-fixtures';
import { decomposeModel, mixedMasks } from './helpers/decompose.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { rng } from './helpers/random.js';

// The QAT CNN PyTorch exports with QuantizeLinear/DequantizeLinear pairs (scripts/quantized_references.py),
// decomposed: each fake quantization by the Shapley split of its integer levels (closed forms in
// contextual-decomposition-activation-families.test.ts).
describe('contextual decomposition of a QDQ model exported by PyTorch', () => {
  it('relevant + irrelevant is the model output; every feature relevant leaves nothing irrelevant', async () => {
    const x = readNpy(join(fixturesDir, 'quantized', 'x.npy'));
    const size = x.data.length / 3;
    const first = (x.data as Float32Array).subarray(0, size);
    const count = 5;
    const masks = mixedMasks(rng(3), size, count);
    const { output, relevant, irrelevant } = await decomposeModel(fixtureBytes('quantized', 'qat.onnx'), first, [3, 6, 6], masks, count);
    const outputs = output.length;
    const largest = Math.max(...Array.from(output, Math.abs));
    let apart = 0;
    relevant.forEach((rel, k) => (apart = Math.max(apart, Math.abs(rel + (irrelevant[k] as number) - (output[k % outputs] as number)))));
    // float32 sums of the parts: measured 8.2e-8 on outputs up to 0.35
    expect(apart).toBeLessThan(5e-7 * Math.max(1, largest));
    // Mask 0 is all ones: the quantizers' zero points cancel in the irrelevant part, and the
    // bias shares acd gives a part of |0| are of order 1e-20 (measured 1.8e-20).
    for (let j = 0; j < outputs; j++) expect(Math.abs(irrelevant[j] as number)).toBeLessThan(1e-15);
  });
});
