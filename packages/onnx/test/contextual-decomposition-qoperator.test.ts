import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@ig/test-fixtures';
import { encodeModel, inferShapes, prepareModel } from '../src/index.js';
import { withFacts } from '../src/model/working-copy.js';
import { decomposeModel, mixedMasks } from './helpers/decompose.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { runtimes } from './helpers/ort.js';
import { rng } from './helpers/random.js';

// The QOperator networks of quantized-qoperator.test.ts, which hold QLinearConv, QLinearMatMul and
// every QLinear contrib op, decomposed: each op as the QDQ form it computes. Their twin is the same
// model with every QLinear op lowered into DequantizeLinear, the float op and QuantizeLinear (the
// form they are differentiated in), decomposed by the standard ops' rules.
const ort = runtimes.node;
// Each quantizer rounds the float sum of the parts, which can sit on the other side of a rounding
// boundary than the kernels' own value: one step of the output (qelementwise: 0.005) at an element.
// With every feature relevant nothing is irrelevant on qoperator; qelementwise's Sigmoid gives its
// value at 0, ½, to the irrelevant part, as contextual decomposition does.
const CASES = [
  { name: 'qoperator', step: 0.04, irrelevantWhenAllRelevant: true },
  { name: 'qelementwise', step: 0.005, irrelevantWhenAllRelevant: false },
] as const;

describe('contextual decomposition of QOperator models', () => {
  it.each(CASES)('$name: relevant + irrelevant is the output, up to a step where the sum of the parts rounds a tie the other way', async (c) => {
    const x = readNpy(join(fixturesDir, 'quantized', `${c.name}.x.npy`));
    const pointShape = x.shape.slice(1);
    const size = pointShape.reduce((a, b) => a * b, 1);
    const count = 5;
    const masks = mixedMasks(rng(8), size, count);
    for (let example = 0; example < 3; example++) {
      const point = (x.data as Float32Array).subarray(example * size, (example + 1) * size);
      const { output, relevant, irrelevant } = await decomposeModel(fixtureBytes('quantized', `${c.name}.onnx`), point, pointShape, masks, count);
      const outputs = output.length;
      let boundary = 0;
      relevant.forEach((rel, k) => {
        const gap = Math.abs(rel + (irrelevant[k] as number) - (output[k % outputs] as number));
        // float32 sums of the parts: measured 4.8e-7 on outputs up to 4.9; a step where the rounding flips.
        if (gap > 1e-6) boundary++;
        expect(gap).toBeLessThan(c.step * 1.001);
      });
      // Measured: none on qoperator; on qelementwise 4, 2 and 0 of 180, where the parts' float sum and
      // the kernels' value lie on either side of a rounding boundary.
      expect(boundary).toBeLessThanOrEqual(0.03 * relevant.length);
      if (c.irrelevantWhenAllRelevant) for (let j = 0; j < outputs; j++) expect(Math.abs(irrelevant[j] as number)).toBeLessThan(1e-15);
    }
  });

  it('qelementwise: the parts of its QDQ twin, every QLinear op lowered into DequantizeLinear, the float op and QuantizeLinear', async () => {
    const bytes = fixtureBytes('quantized', 'qelementwise.onnx');
    const x = readNpy(join(fixturesDir, 'quantized', 'qelementwise.x.npy'));
    const pointShape = x.shape.slice(1);
    const size = pointShape.reduce((a, b) => a * b, 1);
    const first = (x.data as Float32Array).subarray(0, size);
    const facts = await inferShapes(ort, bytes, { x: new ort.Tensor('float32', first, [1, ...pointShape]) });
    const twin = encodeModel(withFacts(prepareModel(bytes), facts).model);
    const masks = mixedMasks(rng(8), size, 5);
    const qoperator = await decomposeModel(bytes, first, pointShape, masks, 5);
    const lowered = await decomposeModel(twin, first, pointShape, masks, 5);
    // The same rules on the same graph: measured 0.
    qoperator.relevant.forEach((rel, k) => {
      expect(rel).toBe(lowered.relevant[k]);
      expect(qoperator.irrelevant[k]).toBe(lowered.irrelevant[k]);
    });
  });
});
