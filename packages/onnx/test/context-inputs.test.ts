import { describe, expect, it } from 'vitest';
import { ContextInputError, createOnnxBackend, createTokenLayerExplainer, cutAtTensor, InvalidModelError } from '../src/index.js';
import { runtimes } from './helpers/ort.js';
import { EMBEDDING_LAYER, ids, spamBytes, spamExample } from './helpers/text.js';

const ort = runtimes.node;

describe('context inputs: integer inputs held fixed while a float tensor is differentiated', () => {
  it('the gradient at the embedding output, attention mask applied, matches central differences; masked positions get exactly zero', async () => {
    const { inputs } = spamExample(1); // 104 tokens, 24 positions of padding
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
    const x = await explainer.activation(inputs);
    await explainer.dispose();
    const cut = cutAtTensor(spamBytes, EMBEDDING_LAYER);
    expect(cut.passthrough).toEqual(['attention_mask']);
    const backend = await createOnnxBackend(ort, 'onnxruntime-node', cut.suffix, {
      inputs: [EMBEDDING_LAYER],
      context: { attention_mask: inputs.attention_mask as never },
    });
    const pointShape = x.shape.slice(1);
    const target = 1;
    const weights = Float32Array.from([0, 1]);
    const { gradients } = await backend.gradients({ points: [x.data], pointShapes: [pointShape], count: 1, outputWeights: weights });
    const gradient = gradients[0] as Float32Array;
    const mask = inputs.attention_mask?.data as BigInt64Array;
    const features = pointShape[1] as number;
    const real = mask.reduce((n, m) => n + Number(m), 0);
    expect(real).toBeGreaterThan(10);
    expect(real).toBeLessThan(mask.length);
    // Central differences on real positions and on padding. The model is piecewise linear, so the
    // difference is exact up to the float32 rounding of the logit, a few units in its last place
    // (ulp) over 2h, unless a ReLU kink lies within h of the point: such a coordinate shows as
    // forward and backward differences that disagree, and is left out (at most a third are).
    const h = 1e-2;
    const coordinates = [
      ...Array.from({ length: 24 }, (_, k) => ((k * 7) % real) * features + ((k * 5) % features)),
      ...Array.from({ length: 12 }, (_, k) => (real + ((k * 3) % (mask.length - real))) * features + ((k * 11) % features)),
    ];
    const size = x.data.length;
    const points = new Float32Array((coordinates.length * 2 + 1) * size);
    coordinates.forEach((c, k) => {
      points.set(x.data, 2 * k * size);
      points.set(x.data, (2 * k + 1) * size);
      points[2 * k * size + c] = (x.data[c] as number) + h;
      points[(2 * k + 1) * size + c] = (x.data[c] as number) - h;
    });
    points.set(x.data, coordinates.length * 2 * size);
    const outputs = await backend.predict({ points: [points], pointShapes: [pointShape], count: coordinates.length * 2 + 1 });
    const ulp = 2 ** (Math.floor(Math.log2(Math.max(...Array.from(outputs, Math.abs)))) - 23);
    const tolerance = (8 * ulp) / (2 * h);
    const centre = outputs[coordinates.length * 4 + target] as number;
    let checked = 0;
    let kinks = 0;
    coordinates.forEach((c, k) => {
      const plus = outputs[4 * k + target] as number;
      const minus = outputs[4 * k + 2 + target] as number;
      const difference = (plus - minus) / (2 * h);
      if (Number(mask[Math.floor(c / features)]) === 0) {
        expect(Math.abs(gradient[c] as number)).toBe(0);
        expect(Math.abs(plus - minus)).toBe(0);
        return;
      }
      if (Math.abs(plus - centre - (centre - minus)) > 16 * ulp) {
        kinks++;
        return;
      }
      expect(Math.abs((gradient[c] as number) - difference)).toBeLessThan(tolerance);
      checked++;
    });
    expect(kinks).toBeLessThanOrEqual(8);
    expect(checked).toBeGreaterThanOrEqual(16);
    await backend.dispose();
  });

  it('a missing, wrongly typed or mis-sized context input is refused with an error naming it', async () => {
    const cut = cutAtTensor(spamBytes, EMBEDDING_LAYER);
    const create = (context: Record<string, { data: BigInt64Array | Int32Array | Float32Array; shape: number[] }>) =>
      createOnnxBackend(ort, 'onnxruntime-node', cut.suffix, { inputs: [EMBEDDING_LAYER], context });
    await expect(create({})).rejects.toThrow(ContextInputError);
    await expect(create({})).rejects.toThrow(/input "attention_mask": INT64 input is not attributed, so its value must be given as context/);
    await expect(create({ attention_mask: { data: new Float32Array(4), shape: [1, 4] } })).rejects.toThrow(
      /"attention_mask": is INT64, so its data must be a BigInt64Array, got a Float32Array/,
    );
    // Integers of the other width are converted (int32 → int64 is exact; int64 → int32 range-checked).
    const widened = await create({ attention_mask: { data: new Int32Array(128).fill(1), shape: [1, 128] } });
    await widened.dispose();
    await expect(create({ attention_mask: { data: new BigInt64Array(4), shape: [1, 5] } })).rejects.toThrow(/"attention_mask": shape \[1, 5\]/);
    await expect(create({ attention_mask: ids([1, 1]), token_type_ids: ids([0, 0]) })).rejects.toThrow(/"token_type_ids": is not an input of the model/);
    await expect(create({ attention_mask: ids([1, 1]), [EMBEDDING_LAYER]: ids([0, 0]) })).rejects.toThrow(/is the input being attributed/);
    // The whole model has only int64 inputs: a plain backend says how to attribute it.
    await expect(createOnnxBackend(ort, 'onnxruntime-node', spamBytes)).rejects.toThrow(InvalidModelError);
    await expect(createOnnxBackend(ort, 'onnxruntime-node', spamBytes)).rejects.toThrow(
      /no float input to differentiate; attribute integer inputs such as token ids at a float layer/,
    );
  });

  it('a mask of the wrong length, a missing input or a baseline of the wrong length is a typed error', async () => {
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
    const { inputs, baselines } = spamExample(0);
    const shortMask = ids(Array.from({ length: 100 }, () => 1));
    await expect(explainer.attribute({ ...inputs, attention_mask: shortMask }, { baselines, target: 1 })).rejects.toThrow(
      /input "attention_mask": axis 1 \("sequence"\) has length 100, but "input_ids" has 128/,
    );
    await expect(explainer.attribute({ input_ids: inputs.input_ids as never }, { baselines, target: 1 })).rejects.toThrow(
      /input "attention_mask": is an input of the model/,
    );
    await expect(explainer.attribute(inputs, { baselines: { input_ids: ids([0, 0]) }, target: 1 })).rejects.toThrow(
      /input "input_ids": the baseline has 2 values, the input 128/,
    );
    await expect(explainer.attribute(inputs, { baselines: { position_ids: ids([0]) }, target: 1 })).rejects.toThrow(ContextInputError);
    await explainer.dispose();
  });
});
