import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, SMALL_CNN, tempDir, writeSmallCnnInput } from './helpers.js';

interface Report {
  examples: { example: number; target: number; fInput: number; relativeError: number }[];
}

describe('the summary line of ig explain', () => {
  it('gives each example of a batch its own line, with the figures of its report', () => {
    const dir = tempDir('summary-lines');
    const input = writeSmallCnnInput(join(dir, 'x.npy'), 2);
    const json = join(dir, 'report.json');
    const run = ig(['explain', '--model', SMALL_CNN, '--input', input, '--target', '3,5', '--steps', '16', '--json', json]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('example '));
    expect(lines).toHaveLength(2);
    report.examples.forEach((example, k) => {
      const line = lines[k] as string;
      expect(line).toMatch(new RegExp(`^example ${example.example}: target ${example.target}: F\\(x\\) = `));
      const relative = Number(/relative error = ([^,]+),/.exec(line)?.[1]);
      expect(Math.abs(relative - example.relativeError)).toBeLessThanOrEqual(Math.abs(example.relativeError) * 1e-3);
    });
    expect(report.examples.map((e) => e.target)).toEqual([3, 5]);
  });
});
