import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAdvice } from '../src/commands/check.js';
import { formatNpy } from '../src/npy.js';
import { RunProgress } from '../src/progress.js';
import { ig, tempDir } from './helpers.js';
import { writeOnnxModel } from './reliability/models.js';

/**
 * y = softmax(x · W) with x = (1, 1) and logits (50α, 0, 25α) along the path from a zero baseline:
 * class 0's probability climbs from 1/3 to 1 − 1e-11 within α ≲ 0.1 and is flat after.
 */
function softmaxCase(): { model: string; input: string } {
  const dir = tempDir('softmax');
  const model = writeOnnxModel(join(dir, 'softmax.onnx'), {
    inputs: { x: ['N', 2] },
    outputs: ['y'],
    constants: { w: { dims: [2, 3], values: [25, 0, 12.5, 25, 0, 12.5] } },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['z'] },
      { op: 'Softmax', inputs: ['z'], outputs: ['y'], ints: { axis: 1 } },
    ],
  });
  const input = join(dir, 'x.npy');
  writeFileSync(input, formatNpy(Float32Array.of(1, 1), [1, 2]));
  return { model, input };
}

describe('convergence help in the CLI', () => {
  const { model, input } = softmaxCase();

  it('a softmax output that saturates gets the logits hint when --steps auto hits --max-steps', () => {
    const run = ig(['explain', '--model', model, '--input', input, '--steps', 'auto', '--max-steps', '9', '--tolerance', '1e-4']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("steps: 'auto' hit its cap of 9 points per path");
    expect(run.stderr).toContain('the output saturates');
    expect(run.stderr).toContain('explain the logits');
    expect(run.stderr).toContain('(next to the baseline)');
    // 80% of the change from 1/3 lies below α = 0.12 (closed form: F(α) = 1 / (1 + e^(−50α) + e^(−25α))).
    const to = Number(/α ∈ \[[\d.]+, ([\d.]+)\]/.exec(run.stderr)?.[1]);
    const F = (a: number): number => 1 / (1 + Math.exp(-50 * a) + Math.exp(-25 * a));
    expect(F(to) - 1 / 3).toBeGreaterThanOrEqual(0.8 * (F(1) - 1 / 3) - 1e-6);
    expect(to).toBeLessThanOrEqual(0.2);
  });

  it('--steps auto with --method is refused, as in the library, even naming the default rule', () => {
    for (const method of ['gauss-legendre', 'riemann-left']) {
      const run = ig(['explain', '--model', model, '--input', input, '--steps', 'auto', '--method', method]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--steps auto places its own points (--auto-rule adaptive or nested) and cannot use --method ${method}`);
    }
    expect(ig(['explain', '--model', model, '--input', input, '--steps', '20', '--max-steps', '9']).stderr).toContain('--max-steps caps --steps auto');
  });

  it('ig check does not suggest the rule already in use and prints the hint', () => {
    const run = ig(['check', '--model', model, '--input', input, '--steps', '4']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the output saturates');
    expect(run.stderr).toContain('raise --steps above 4, or use --steps auto');
    expect(run.stderr).not.toContain('--method gauss-legendre');
    expect(checkAdvice({ steps: 4, method: 'riemann-left' })).toContain('or the default --method gauss-legendre');
    // With auto steps and no warning printed, the advice does not point at one.
    expect(checkAdvice({ steps: 'auto', method: 'gauss-legendre' }, false)).toBe('lower --tolerance, or raise --max-steps');
  });
});

describe('one progress bar per run', () => {
  it('keeps the first total, adds up calls that start again, and grows only when outgrown', () => {
    const bar = new RunProgress(3);
    const seen: [number, number][] = [];
    for (let call = 0; call < 3; call++) {
      for (const done of [4, 8, 10]) {
        bar.update(done, 10);
        seen.push([bar.value, bar.total]);
      }
    }
    expect(seen.map(([, total]) => total)).toEqual(new Array(9).fill(30));
    expect(seen.map(([value]) => value)).toEqual([4, 8, 10, 14, 18, 20, 24, 28, 30]);
    const outgrown = new RunProgress();
    outgrown.update(5, 10);
    outgrown.update(12, 10);
    expect([outgrown.value, outgrown.total]).toEqual([12, 12]);
  });
});
