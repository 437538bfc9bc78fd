import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeOnnxModel } from './reliability/models.js';

// in-length (packages/onnx/scripts/old_exports.py): a float sequence [N, 5, 3] masked by an int64
// length per example; references.json holds torch's float64 F of each example with its own length.
const OLD = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/old-exports/', import.meta.url));
const torch = (JSON.parse(readFileSync(join(OLD, 'references.json'), 'utf8')) as { cases: Record<string, { value: number[]; valueAtZero: number[] }> }).cases[
  'in-length'
] as { value: number[]; valueAtZero: number[] };

interface Report {
  readonly fInput: number;
  readonly fBaseline: number;
  readonly relativeError: number;
}

describe('ig explain --context-input with one row per example', () => {
  const dir = tempDir('context-per-example');

  it('a batch of sequences, each with its own length, gives each example the F torch computes with that length', () => {
    const json = join(dir, 'lengths.json');
    const run = ig([
      'explain',
      '--model',
      join(OLD, 'in-length.onnx'),
      '--input',
      join(OLD, 'in-length.input.npy'),
      '--context-input',
      `length=${join(OLD, 'in-length.length.npy')}`,
      '--target',
      '2,0',
      '--steps',
      'auto',
      '--tolerance',
      '1e-4',
      '--json',
      json,
      '--no-cache',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const examples = (JSON.parse(readFileSync(json, 'utf8')) as { examples: Report[] }).examples;
    expect(examples).toHaveLength(2);
    // torch's values are Σ w·output with w one-hot at class 2 for example 0 and class 0 for
    // example 1, each with its own length: float32 F against float64, within 1e-6.
    examples.forEach((report, k) => {
      expect(Math.abs(report.fInput - (torch.value[k] as number))).toBeLessThan(1e-6 * Math.max(1, Math.abs(torch.value[k] as number)));
      expect(Math.abs(report.fBaseline - (torch.valueAtZero[k] as number))).toBeLessThan(1e-6 * Math.max(1, Math.abs(torch.valueAtZero[k] as number)));
      expect(report.relativeError).toBeLessThan(1e-4);
    });
  });

  it('ig batch: each manifest line brings its own length, on one loaded model; a line without one fails alone', () => {
    const cwd = tempDir('context-batch');
    const x = readFloat32Npy(join(OLD, 'in-length.input.npy'));
    const lengths = [3n, 5n];
    const lines = [0, 1].map((k) => {
      writeFileSync(join(cwd, `x${k}.npy`), formatNpy(x.data.slice(15 * k, 15 * (k + 1)), [1, 5, 3]));
      writeFileSync(join(cwd, `len${k}.npy`), formatNpy(BigInt64Array.of(lengths[k] as bigint), [1]));
      return { input: `x${k}.npy`, id: `s${k}`, target: k === 0 ? '2' : '0', context: { length: `len${k}.npy` } };
    });
    lines.push({ input: 'x0.npy', id: 'bare', target: '2' } as (typeof lines)[number]);
    writeFileSync(join(cwd, 'items.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n'));
    const run = ig(
      ['batch', '--model', join(OLD, 'in-length.onnx'), '--inputs', 'items.jsonl', '--out-dir', 'out', '--steps', 'auto', '--tolerance', '1e-4', '--no-cache'],
      { cwd },
    );
    expect(run.code).toBe(1);
    // torch's float64 F of each example with its own length (class 2 for example 0, class 0 for example 1).
    for (const k of [0, 1]) {
      const report = JSON.parse(readFileSync(join(cwd, 'out', `s${k}.json`), 'utf8')) as Report;
      expect(Math.abs(report.fInput - (torch.value[k] as number))).toBeLessThan(1e-6 * Math.max(1, Math.abs(torch.value[k] as number)));
      expect(report.relativeError).toBeLessThan(1e-4);
    }
    const { error } = JSON.parse(readFileSync(join(cwd, 'out', 'bare.error.json'), 'utf8')) as { error: string };
    expect(error).toBe('items.jsonl line 3: the model has inputs held fixed, which other lines give in "context"; give this one its own');
  });

  it('rows that match neither one nor the examples of the input are refused, naming both counts', () => {
    const x = readFloat32Npy(join(OLD, 'in-length.input.npy'));
    const one = join(dir, 'x0.npy');
    writeFileSync(one, formatNpy(x.data.slice(0, 15), [1, 5, 3]));
    const run = ig([
      'explain',
      '--model',
      join(OLD, 'in-length.onnx'),
      '--input',
      one,
      '--context-input',
      `length=${join(OLD, 'in-length.length.npy')}`,
      '--no-cache',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--context-input length holds 2 rows, but .*x0\.npy holds 1 examples: give one row, or one per example/);
  });

  it('a float input given as context is held fixed, per example, also with --input NAME=FILE', () => {
    // y = Σᵢ (mᵢ·xᵢ)²: from a zero baseline IGᵢ = mᵢ²·xᵢ² exactly (the integrand is linear in α).
    const model = writeOnnxModel(join(dir, 'masked.onnx'), {
      inputs: { x: ['N', 3], m: ['N', 3] },
      outputs: ['y'],
      nodes: [
        { op: 'Mul', inputs: ['x', 'm'], outputs: ['z'] },
        { op: 'ReduceSumSquare', inputs: ['z'], outputs: ['y'], ints: { axes: [1], keepdims: 1 } },
      ],
    });
    const xs = [1, 2, -0.5, -1, 0.5, 2];
    const ms = [1, 0, 2, 0.5, -1, 3];
    writeFileSync(join(dir, 'x.npy'), formatNpy(Float32Array.from(xs), [2, 3]));
    writeFileSync(join(dir, 'm.npy'), formatNpy(Float32Array.from(ms), [2, 3]));
    const expected = xs.map((v, k) => (ms[k] as number) ** 2 * v ** 2);
    for (const input of [join(dir, 'x.npy'), `x=${join(dir, 'x.npy')}`]) {
      const out = join(dir, 'attr.npy');
      const run = ig(['explain', '--model', model, '--input', input, '--context-input', `m=${join(dir, 'm.npy')}`, '--steps', '8', '--out', out, '--no-cache']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const written = input.startsWith('x=') ? out.replace(/\.npy$/, '-x.npy') : out;
      const attributions = readFloat32Npy(written).data;
      // float32 sums of an exact quadrature: measured below 1e-6 of the largest attribution (36)
      expected.forEach((e, k) => expect(Math.abs((attributions[k] as number) - e)).toBeLessThan(4e-5));
    }
  });
});
