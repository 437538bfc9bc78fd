import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

// Old and odd ONNX files (packages/onnx/scripts/old_exports.py) with torch's float64 values of
// Σ w·output per point in references.json: IR 3 files with every weight a graph input, opset-3
// and opset-7 exports, tf2onnx names, an int64 length input, integer and unused graph tensors.
const OLD = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/old-exports/', import.meta.url));
const cases = (JSON.parse(readFileSync(join(OLD, 'references.json'), 'utf8')) as { cases: Record<string, { value: number[]; valueAtZero: number[] }> }).cases;
const model = (name: string): string => join(OLD, `${name}.onnx`);
const input = (name: string): string => join(OLD, `${name}.input.npy`);

interface Report {
  readonly fInput: number;
  readonly fBaseline: number;
  readonly relativeError: number;
}

/** The JSON report of one example (the first). */
function firstReport(path: string): Report {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { examples?: Report[] } & Report;
  return json.examples?.[0] ?? json;
}

// F is the model's float32 forward: within 1e-6 of torch's float64 (measured up to 2.7e-7 in
// packages/onnx/test/old-exports.test.ts). With --steps auto --tolerance 1e-4 the completeness
// error of these kinked CNNs measured 1.1e-5 to 4e-5 (4.7e-3 at a fixed 64 steps).
function expectTorchValues(report: Report, name: string, point: number): void {
  const c = cases[name];
  if (!c) throw new Error(`no case ${name}`);
  expect(Math.abs(report.fInput - (c.value[point] as number))).toBeLessThan(1e-6 * Math.max(1, Math.abs(c.value[point] as number)));
  expect(Math.abs(report.fBaseline - (c.valueAtZero[point] as number))).toBeLessThan(1e-6 * Math.max(1, Math.abs(c.valueAtZero[point] as number)));
}

describe('ig on old and odd ONNX exports', () => {
  const dir = tempDir('old-exports');

  it('inspect lists only the real input of an IR-3 file whose weights are graph inputs, and an unused input apart', () => {
    const ir3 = ig(['inspect', '--json', model('ir3-initializers')]);
    expect(ir3.code).toBe(0);
    expect((JSON.parse(ir3.stdout) as { inputs: { name: string }[] }).inputs.map((i) => i.name)).toEqual(['input_1:0']);
    const unused = JSON.parse(ig(['inspect', '--json', model('in-unused')]).stdout) as { inputs: { name: string }[]; unusedInputs: string[] };
    expect([unused.inputs.map((i) => i.name), unused.unusedInputs]).toEqual([['x'], ['unused']]);
  });

  it.each([
    ['ir3-initializers', 'dense/BiasAdd:0', 2],
    ['cnn-opset7', 'logits', 3],
    ['legacy-opset3', 'logits', 1],
  ])('explain %s --output %s (.npy input) gives torch values of F', (name, output, target) => {
    const json = join(dir, `${name}.json`);
    const run = ig([
      'explain',
      '--model',
      model(name),
      '--input',
      input(name),
      '--output',
      output,
      '--target',
      String(target),
      '--steps',
      'auto',
      '--tolerance',
      '1e-4',
      '--no-cache',
      '--json',
      json,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = firstReport(json);
    expectTorchValues(report, name, 0);
    expect(report.relativeError).toBeLessThan(1e-4);
  });

  it('explain an image with an IR-3 opset-9 export named as tf2onnx names tensors', () => {
    const heatmap = join(dir, 'ir3.png');
    const run = ig([
      'explain',
      '--model',
      model('ir3-initializers'),
      '--input',
      fixture('..', '..', 'assets', 'fashion-mnist', 'sneaker.png'),
      '--heatmap',
      heatmap,
      '--no-cache',
    ]);
    expect(run.code).toBe(0);
    expect(readFileSync(heatmap).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('names with ":", "/", spaces and non-ASCII in --input NAME=FILE and --output', () => {
    const out = join(dir, 'names.npy');
    const json = join(dir, 'names.json');
    const run = ig([
      'explain',
      '--model',
      model('names-unicode'),
      '--input',
      input('names-unicode'),
      '--output',
      'sortie/logits → ŷ',
      '--target',
      '0,2',
      '--out',
      out,
      '--json',
      json,
      '--no-cache',
    ]);
    expect(run.code).toBe(0);
    expectTorchValues(firstReport(json), 'names-unicode', 0);
    const named = join(dir, 'named.npy');
    const tf2onnx = ig([
      'explain',
      '--model',
      model('names-tf2onnx'),
      '--input',
      `serving_default_x:0=${input('names-tf2onnx')}`,
      '--target',
      '0,2',
      '--out',
      named,
      '--no-cache',
    ]);
    expect(tf2onnx.code).toBe(0);
    // Same weights and inputs under other names: the same attributions.
    expect(Array.from(readFloat32Npy(join(dir, 'named-serving_default_x_0.npy')).data)).toEqual(Array.from(readFloat32Npy(out).data));
  });

  it('an int64 length beside the float sequence is given with --context-input', () => {
    const x = readFloat32Npy(input('in-length'));
    const first = join(dir, 'x0.npy');
    writeFileSync(first, formatNpy(x.data.slice(0, 15), [1, 5, 3]));
    const length = join(dir, 'length.npy');
    writeFileSync(length, formatNpy(BigInt64Array.of(3n), [1]));
    const json = join(dir, 'length.json');
    const run = ig([
      'explain',
      '--model',
      model('in-length'),
      '--input',
      first,
      '--context-input',
      `length=${length}`,
      '--target',
      '2',
      '--json',
      json,
      '--no-cache',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectTorchValues(firstReport(json), 'in-length', 0);
    const missing = ig(['explain', '--model', model('in-length'), '--input', first, '--no-cache']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/input "length": INT64 input is not attributed, so its value must be given as context/);
  });

  it.each([
    ['out-topk', 'top_indices', /output "top_indices" is INT64 \(written by TopK node "\/TopK"\)/],
    ['out-passthrough', 'Wm', /output "Wm" is an initializer/],
  ])('%s --output %s is refused by name', (name, output, message) => {
    const run = ig(['explain', '--model', model(name), '--input', input(name), '--output', output, '--no-cache']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/BigInt|TypeError|at .*\.js/);
  });
});
