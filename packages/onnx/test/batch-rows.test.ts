import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { BatchRowsError, createOnnxBackend } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';

/** y = x ⊙ C over a fixed batch of 3 rows: row r multiplies by row r of C. */
const rowConstants = (rows: readonly (readonly number[])[]): Uint8Array =>
  makeModel({
    opset: 13,
    inputs: { x: [3, 4] },
    constants: { c: { dims: [3, 4], values: rows.flat() } },
    nodes: [{ op: 'Mul', inputs: ['x', 'c'], outputs: ['y'] }],
    outputs: ['y'],
  });

/** y = x ⊙ mean over the batch axis of x: every row sees the others. */
const batchMean = makeModel({
  opset: 13,
  inputs: { x: ['n', 4] },
  nodes: [
    { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attributes: { axes: { ints: [0] }, keepdims: { int: 1 } } },
    { op: 'Mul', inputs: ['x', 'm'], outputs: ['y'] },
  ],
  outputs: ['y'],
});

const p = Float32Array.from([0.5, -2, 1.5, 3]);
const q = Float32Array.from([1, 1, -1, 0.25]);

/** The largest |a_j − b_j| and its index. */
function largest(a: readonly number[], b: readonly number[]): { difference: number; index: number } {
  let best = { difference: 0, index: -1 };
  a.forEach((v, j) => {
    const difference = Math.abs(v - (b[j] as number));
    if (difference > best.difference) best = { difference, index: j };
  });
  return best;
}

async function rejection(run: () => Promise<unknown>): Promise<BatchRowsError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BatchRowsError);
  return error as BatchRowsError;
}

describe('batch rows that are not independent copies of one function', () => {
  it('refuses a fixed batch whose rows hold different constants, naming the row and the gap', async () => {
    const c = [
      [1, 2, 3, 4],
      [1, -2, 3, 5],
      [0, 0, 0, 0],
    ];
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', rowConstants(c));
    const error = await rejection(() => backend.predict({ points: [p], pointShapes: [[4]], count: 1 }));
    // p repeated in every row: row 1 − row 0 = p ⊙ (C₁ − C₀), largest at index 1 (|−2·(−4)| = 8).
    const row0 = Array.from(p, (v, j) => v * (c[0]?.[j] as number));
    const row1 = Array.from(p, (v, j) => v * (c[1]?.[j] as number));
    const gap = largest(row1, row0);
    expect(error.row).toBe(1);
    expect(error.outputName).toBe('y');
    expect(error.message).toContain(`row 1 differs from row 0 by ${gap.difference.toPrecision(3)} at index ${gap.index}`);
    expect(error.message).toContain('fixed batch of 3');
    await backend.dispose();
  });

  it('runs a fixed batch whose rows are one function, and IG is exact on it', async () => {
    const row = [1, 2, -3, 4];
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', rowConstants([row, row, row]));
    const result = await integratedGradients(backend, tensor(p, [1, 4]), { target: 2, steps: 8 });
    // y₂ = c₂·x₂ is linear: attr₂ = c₂·p₂ = −4.5 and every other attribution 0, to float32 rounding (measured: exactly 0; 5e-7 is one float32 ulp of 4.5).
    p.forEach((v, j) => expect(result.attributions[0]?.data[j]).toBeCloseTo(j === 2 ? v * (row[j] as number) : 0, 6));
    await backend.dispose();
  });

  it('refuses a model that reduces over the batch axis, naming how much row 0 moved', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', batchMean, { fused: false });
    const both = new Float32Array([...p, ...q]);
    const error = await rejection(() => backend.predict({ points: [both], pointShapes: [[4]], count: 2 }));
    // Row 0 with p in both rows: p ⊙ p; with q in row 1: p ⊙ (p + q)/2. Largest gap at index 3 (|3·(3 − 0.25)/2| = 4.125).
    const gap = largest(
      Array.from(p, (v) => v * v),
      Array.from(p, (v, j) => (v * (v + (q[j] as number))) / 2),
    );
    expect(error.row).toBe(0);
    expect(error.message).toContain(`row 0 changes by ${gap.difference.toPrecision(3)} at index ${gap.index}`);
    await backend.dispose();
  });

  it('lets a dynamically quantized model share its scale over the batch, saying by how much row 0 moved', async () => {
    // x → DynamicQuantizeLinear → DequantizeLinear: the scale comes from the whole batch, as in transformers.js's models.
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['n', 4] },
      nodes: [
        { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['q', 'scale', 'zero'] },
        { op: 'DequantizeLinear', inputs: ['q', 'scale', 'zero'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const warnings: string[] = [];
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes, { onWarning: (w) => warnings.push(w) });
    // Another point that widens the batch's range, and so its scale.
    const wide = [6, 1, -1, 0.25];
    const both = new Float32Array([...p, ...wide]);
    const outputs = await backend.predict({ points: [both], pointShapes: [[4]], count: 2 });
    // ONNX's DynamicQuantizeLinear: scale = (max(0, max x) − min(0, min x)) / 255 in float32, zero point round(−min/scale),
    // rounding half to even (1.5 / (5/255) = 76.5 rounds to 76).
    const rint = (v: number): number => (Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));
    const roundTrip = (rows: readonly number[]): number[] => {
      const scale = Math.fround((Math.max(0, ...rows) - Math.min(0, ...rows)) / 255);
      const zero = Math.min(255, Math.max(0, rint(Math.fround(-Math.min(0, ...rows) / scale))));
      return rows.map((v) => (Math.min(255, Math.max(0, rint(Math.fround(v / scale)) + zero)) - zero) * scale);
    };
    const alone = roundTrip([...p, ...p]).slice(0, 4);
    const withWide = roundTrip([...p, ...wide]).slice(0, 4);
    // The closed form is onnxruntime's output to float32 rounding.
    Array.from(outputs.subarray(0, 4)).forEach((v, j) => expect(v).toBeCloseTo(withWide[j] as number, 5));
    const gap = largest(withWide, alone);
    expect(warnings.filter((w) => w.includes('takes its scale from the whole batch'))).toEqual([
      expect.stringContaining(`row 0 moved by ${gap.difference.toPrecision(3)}`),
    ]);
    await backend.dispose();
  });

  it('refuses it on the fused path too, before Integrated Gradients returns a number', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', batchMean);
    expect(backend.integrate).toBeDefined();
    const error = await rejection(() => integratedGradients(backend, tensor(p, [1, 4]), { target: 3, steps: 16 }));
    expect(error.message).toContain('the model mixes the rows of its batch');
    await backend.dispose();
  });
});
