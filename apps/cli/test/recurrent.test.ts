import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

// Seeded torch exports (opset 17) of packages/onnx/scripts/recurrent_references.py: a text
// classifier (Embedding → bidirectional LSTM → Linear) and a 2-layer batch-first GRU with a head
// on its output sequence and final state.
const textLstm = fixture('recurrent', 'text_lstm.onnx');
const gru = fixture('recurrent', 'gru_batch_first.onnx');
const ids = [3, 7, 1, 11, 5, 2, 9];
const x = Float32Array.from({ length: 35 }, (_, i) => Math.sin(1.3 * i + 0.2));

/** The model's first output, run directly on onnxruntime (its own LSTM and GRU kernels). */
async function outputOf(model: string, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run(feeds);
  await session.release();
  return out[session.outputNames[0] as string]?.data as Float32Array;
}

const idsTensor = (values: readonly number[]): ort.Tensor =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );

interface Report {
  layer?: string;
  target: number;
  fInput: number;
  fBaseline: number;
  delta: number;
  tokenAttributions?: number[];
}

describe('ig on recurrent (LSTM, GRU) models', () => {
  it('explain --input ids.npy on an LSTM text classifier: IG at the embedding, F from the model itself', async () => {
    const cwd = tempDir('explain-lstm');
    writeFileSync(
      join(cwd, 'ids.npy'),
      formatNpy(
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [1, ids.length],
      ),
    );
    const run = ig(['explain', '--model', textLstm, '--input', 'ids.npy', '--layer', '/embedding/Gather_output_0', '--target', '1', '--json', 'r.json'], {
      cwd,
    });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Report;
    expect(report.layer).toBe('/embedding/Gather_output_0');
    expect(report.tokenAttributions).toHaveLength(ids.length);
    const logits = await outputOf(textLstm, { ids: idsTensor(ids) });
    const atBaseline = await outputOf(textLstm, { ids: idsTensor(ids.map(() => 0)) });
    expect(Math.abs(report.fInput - (logits[1] as number))).toBeLessThan(1e-6);
    expect(Math.abs(report.fBaseline - (atBaseline[1] as number))).toBeLessThan(1e-6);
    const sum = (report.tokenAttributions ?? []).reduce((s, a) => s + a, 0);
    // Completeness: measured |delta| 3.4e-8 at 50 steps.
    expect(Math.abs(report.delta)).toBeLessThan(3e-7);
    expect(Math.abs(sum - (report.fInput - report.fBaseline) - report.delta)).toBeLessThan(1e-6);
  });

  it('explain on a float sequence into a batch-first GRU: Σ attributions = F(x) − F(0)', async () => {
    const cwd = tempDir('explain-gru');
    writeFileSync(join(cwd, 'x.npy'), formatNpy(x, [1, 7, 5]));
    const run = ig(['explain', '--model', gru, '--input', 'x.npy', '--target', '2', '--json', 'g.json', '--out', 'a.npy'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'g.json'), 'utf8')) as Report;
    const logits = await outputOf(gru, { x: new ort.Tensor('float32', x, [1, 7, 5]) });
    const atZero = await outputOf(gru, { x: new ort.Tensor('float32', new Float32Array(35), [1, 7, 5]) });
    expect(Math.abs(report.fInput - (logits[2] as number))).toBeLessThan(1e-6);
    expect(Math.abs(report.fBaseline - (atZero[2] as number))).toBeLessThan(1e-6);
    const attributions = readFloat32Npy(join(cwd, 'a.npy'));
    expect(attributions.shape).toEqual([1, 7, 5]);
    const sum = attributions.data.reduce((s, a) => s + a, 0);
    // Measured |delta| 1.2e-8 at 50 steps.
    expect(Math.abs(report.delta)).toBeLessThan(1e-7);
    expect(Math.abs(sum - (report.fInput - report.fBaseline) - report.delta)).toBeLessThan(1e-6);
  });

  it('inspect counts LSTM among the differentiable ops; grad-graph unrolls a GRU into a graph whose gradient matches differences of the GRU kernel', async () => {
    const inspect = ig(['inspect', textLstm, '--json']);
    expect(inspect.code).toBe(0);
    const coverage = (JSON.parse(inspect.stdout) as { gradientCoverage: { differentiable: string[]; unsupported: string[] } }).gradientCoverage;
    expect(coverage.differentiable).toContain('LSTM');
    expect(coverage.unsupported).toEqual([]);

    const out = join(tempDir('grad-gru'), 'gru.grad.onnx');
    const run = ig(['grad-graph', gru, '-o', out, '--input-shape', 'x=1,7,5']);
    expect(run.code, run.stderr).toBe(0);
    const session = await ort.InferenceSession.create(out);
    const seed = new ort.Tensor('float32', Float32Array.from([0, 0, 1, 0]), [1, 4]);
    const result = await session.run({ x: new ort.Tensor('float32', x, [1, 7, 5]), ig_seed: seed });
    await session.release();
    const gradient = result['ig_grad_x']?.data as Float32Array;
    const h = 1e-2;
    let worst = 0;
    for (const i of [0, 9, 17, 26, 34]) {
      const shifted = async (delta: number): Promise<number> => {
        const moved = Float32Array.from(x);
        moved[i] = (x[i] as number) + delta;
        return (await outputOf(gru, { x: new ort.Tensor('float32', moved, [1, 7, 5]) }))[2] as number;
      };
      const central = ((await shifted(h)) - (await shifted(-h))) / (2 * h);
      worst = Math.max(worst, Math.abs((gradient[i] as number) - central));
    }
    // The central difference's own error (float32 rounding / h, h² truncation): measured 1.8e-6 on gradients up to 6.1e-2.
    expect(worst).toBeLessThan(1e-5);
  });
});
