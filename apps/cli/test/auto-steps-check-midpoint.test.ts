/**
 * --check-midpoint: with --steps auto and the adaptive rule, a midpoint that meets --tolerance
 * alone is checked per feature by one more gradient at α = 1 before the rule stops on it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { twoInputOnnx, writeOnnxModel } from './reliability/models.js';

interface Report {
  autoRule?: string;
  checkMidpoint?: boolean;
  gradientEvaluations: number;
  relativeError: number;
  steps: number;
  examples: { steps: number; refinement?: { evaluations: number } }[];
}

const dir = tempDir('check-midpoint');

/** y = x · W, x of shape [N, 3], two outputs: the gradient is W along every path. */
const W = [0.5, -1, 2, 0.25, -1.5, 3];
const linear = writeOnnxModel(join(dir, 'linear.onnx'), {
  inputs: { x: ['N', 3] },
  outputs: ['y'],
  constants: { w: { dims: [3, 2], values: W } },
  nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
});
const linearInput = join(dir, 'linear-x.npy');
const x = [1, -2, 0.5];
writeFileSync(linearInput, formatNpy(Float32Array.from(x), [1, 3]));

/**
 * y = x₀³ − x₁³ + x₂ at x = (1, 1, 1) from a zero baseline: the completeness integrand is 1 at
 * every α, so the midpoint meets any tolerance, while its attributions 3·¼·(1, −1) + (0, 0, 1)
 * are 25% off the first two features (closed form: 1, −1, 1).
 */
const cubic = writeOnnxModel(join(dir, 'cubic.onnx'), {
  inputs: { x: ['N', 3] },
  outputs: ['y'],
  constants: { cubes: { dims: [3, 1], values: [1, -1, 0] }, plain: { dims: [3, 1], values: [0, 0, 1] } },
  nodes: [
    { op: 'Mul', inputs: ['x', 'x'], outputs: ['x2'] },
    { op: 'Mul', inputs: ['x2', 'x'], outputs: ['x3'] },
    { op: 'MatMul', inputs: ['x3', 'cubes'], outputs: ['c'] },
    { op: 'MatMul', inputs: ['x', 'plain'], outputs: ['l'] },
    { op: 'Add', inputs: ['c', 'l'], outputs: ['y'] },
  ],
});
const cubicInput = join(dir, 'cubic-x.npy');
writeFileSync(cubicInput, formatNpy(Float32Array.of(1, 1, 1), [1, 3]));

let runs = 0;
function explain(model: string, input: string, flags: readonly string[]): { report: Report; attributions: Float32Array } {
  const json = join(dir, `r${runs}.json`);
  const out = join(dir, `a${runs++}.npy`);
  const run = ig(['explain', '--model', model, '--input', input, '--target', '0', '--json', json, '--out', out, '--quiet', ...flags]);
  expect(run.code, run.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(json, 'utf8')) as Report, attributions: readFloat32Npy(out).data };
}

/** Within float32 rounding of `expected`. */
function expectClose(actual: Float32Array, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] as number) - e)).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(e))));
}

describe('ig explain --steps auto --check-midpoint', () => {
  it('a gradient constant along the path: 1 evaluation, 2 with --check-midpoint, both w·(x − 0)', () => {
    const expected = x.map((xi, i) => (W[2 * i] as number) * xi);
    const plain = explain(linear, linearInput, ['--steps', 'auto', '--tolerance', '1e-4']);
    expect(plain.report.gradientEvaluations).toBe(1);
    expect(plain.report.examples[0]?.refinement?.evaluations).toBe(1);
    expect(plain.report).toMatchObject({ autoRule: 'adaptive', checkMidpoint: false });
    expectClose(plain.attributions, expected);

    const checked = explain(linear, linearInput, ['--steps', 'auto', '--tolerance', '1e-4', '--check-midpoint']);
    expect(checked.report.gradientEvaluations).toBe(2);
    expect(checked.report.examples[0]?.refinement?.evaluations).toBe(2);
    expect(checked.report).toMatchObject({ autoRule: 'adaptive', checkMidpoint: true, steps: 2 });
    expectClose(checked.attributions, expected);
  });

  it('a gradient that varies along the path: the midpoint meets completeness, --check-midpoint refines to the closed form', () => {
    const plain = explain(cubic, cubicInput, ['--steps', 'auto', '--tolerance', '1e-4']);
    expect(plain.report.gradientEvaluations).toBe(1);
    expectClose(plain.attributions, [0.75, -0.75, 1]);

    const checked = explain(cubic, cubicInput, ['--steps', 'auto', '--tolerance', '1e-4', '--check-midpoint']);
    expect(checked.report.gradientEvaluations).toBeGreaterThan(2);
    expect(checked.report.relativeError).toBeLessThanOrEqual(1e-4);
    // Simpson's rule on [2⁻¹⁸, ½, 1] integrates 3α² to within (2⁻¹⁸)³ of 1.
    expectClose(checked.attributions, [1, -1, 1]);
  });

  it('reaches models of several inputs (--input NAME=FILE), whose report records it', () => {
    const model = twoInputOnnx(join(dir, 'two.onnx'));
    const a = join(dir, 'a.npy');
    const b = join(dir, 'b.npy');
    writeFileSync(a, formatNpy(Float32Array.of(1, 2, 3), [1, 3]));
    writeFileSync(b, formatNpy(Float32Array.of(-1, 0.5, 4), [1, 3]));
    const run = (flags: readonly string[]): Report => {
      const json = join(dir, `named${runs++}.json`);
      const result = ig(['explain', '--model', model, '--input', `a=${a}`, '--input', `b=${b}`, '--target', '2', '--json', json, '--quiet', ...flags]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(readFileSync(json, 'utf8')) as Report;
    };
    expect(run(['--steps', 'auto']).gradientEvaluations).toBe(1);
    expect(run(['--steps', 'auto', '--check-midpoint'])).toMatchObject({ gradientEvaluations: 2, autoRule: 'adaptive', checkMidpoint: true });
  });

  it('--max-steps reaches models of several inputs too', () => {
    // y = exp(4a) + b: no rule of 3 points meets 1e-6 on exp.
    const model = writeOnnxModel(join(dir, 'exp.onnx'), {
      inputs: { a: ['N', 1], b: ['N', 1] },
      outputs: ['y'],
      constants: { four: { dims: [], values: [4] } },
      nodes: [
        { op: 'Mul', inputs: ['a', 'four'], outputs: ['a4'] },
        { op: 'Exp', inputs: ['a4'], outputs: ['e'] },
        { op: 'Add', inputs: ['e', 'b'], outputs: ['y'] },
      ],
    });
    const one = join(dir, 'one.npy');
    writeFileSync(one, formatNpy(Float32Array.of(1), [1, 1]));
    const run = (flags: readonly string[]): Report => {
      const json = join(dir, `exp${runs++}.json`);
      const result = ig(['explain', '--model', model, '--input', `a=${one}`, '--input', `b=${one}`, '--json', json, '--quiet', '--steps', 'auto', ...flags]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(readFileSync(json, 'utf8')) as Report;
    };
    expect(run(['--tolerance', '1e-6']).steps).toBeGreaterThan(3);
    expect(run(['--tolerance', '1e-6', '--max-steps', '3']).steps).toBeLessThanOrEqual(3);
  });

  it('ig check: the main run is refined with it (the linearity check reuses its number of points)', () => {
    const stepsOf = (flags: readonly string[]): unknown => {
      const json = join(dir, `check${runs++}.json`);
      const run = ig(['check', '--model', cubic, '--input', cubicInput, '--steps', 'auto', '--tolerance', '1e-4', '--json', json, '--quiet', ...flags]);
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(readFileSync(json, 'utf8')) as { checks: { axiom: string; values: { steps?: number } }[] };
      return report.checks.find((c) => c.axiom === 'linearity')?.values.steps;
    };
    expect(stepsOf([])).toBe(1);
    expect(stepsOf(['--check-midpoint'])).toBeGreaterThan(2);
  });

  it('ig batch: each item is refined with it, and a resume without it is refused', () => {
    const inputs = join(dir, 'inputs');
    mkdirSync(inputs);
    writeFileSync(join(inputs, 'item.npy'), formatNpy(Float32Array.from(x), [1, 3]));
    const outDir = join(dir, 'batch');
    const args = ['batch', '--model', linear, '--inputs', inputs, '--out-dir', outDir, '--target', '0', '--steps', 'auto', '--quiet'];
    const first = ig([...args, '--check-midpoint']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(outDir, 'item.json'), 'utf8'))).toMatchObject({ gradientEvaluations: 2, checkMidpoint: true });
    const without = ig(args);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('holds results computed with other options (checkMidpoint: true then, not given now)');
  });
});

describe('--check-midpoint where it does not apply', () => {
  const base = ['--model', linear, '--input', linearInput];
  const notAuto = /--check-midpoint refines --steps auto; drop it or use --steps auto/;
  const nested =
    /--check-midpoint checks the lone midpoint of --auto-rule adaptive; --auto-rule nested never stops on one: drop --check-midpoint or use --auto-rule adaptive/;
  it.each([
    ['explain --steps 20', ['explain', ...base, '--steps', '20', '--check-midpoint'], notAuto],
    ['explain without --steps', ['explain', ...base, '--check-midpoint'], notAuto],
    ['explain --auto-rule nested', ['explain', ...base, '--steps', 'auto', '--auto-rule', 'nested', '--check-midpoint'], nested],
    ['check --steps 20', ['check', ...base, '--steps', '20', '--check-midpoint'], notAuto],
    ['check --auto-rule nested', ['check', ...base, '--steps', 'auto', '--auto-rule', 'nested', '--check-midpoint'], nested],
  ] as const)('%s: exit 2 naming it, no output', (_, args, message) => {
    const json = join(dir, `refused${runs++}.json`);
    const run = ig([...args, '--json', json]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(existsSync(json)).toBe(false);
  });

  it('batch --steps 20: exit 2, nothing written', () => {
    const outDir = join(dir, 'refused-batch');
    const run = ig(['batch', '--model', linear, '--inputs', linearInput, '--out-dir', outDir, '--steps', '20', '--check-midpoint']);
    expect(run.stderr).toMatch(notAuto);
    expect(run.code).toBe(2);
    expect(existsSync(outDir)).toBe(false);
  });
});
