import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, SMALL_CNN, tempDir, writeSmallCnnInput } from './helpers.js';

describe('the default number of --steps', () => {
  it('is what the help says for each algorithm that takes steps', () => {
    const help = ig(['explain', '--help']).stdout.replace(/\s+/g, ' ');
    const stated = /--steps <n> path points per integral \(default (\d+); --algorithm blur-ig (\d+) and guided-ig (\d+)/.exec(help);
    expect(stated).not.toBeNull();
    expect(help).not.toMatch(/--steps <n>[^-]*default: "/);
    const dir = tempDir('steps-defaults');
    const input = writeSmallCnnInput(join(dir, 'x.npy'));
    const stepsOf = (algorithm: string): number => {
      const report = join(dir, `${algorithm}.json`);
      const run = ig(['explain', '--model', SMALL_CNN, '--input', input, '--target', '3', '--algorithm', algorithm, '--json', report, '--quiet']);
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(readFileSync(report, 'utf8')) as { steps: number }).steps;
    };
    expect(stepsOf('integrated-gradients')).toBe(Number(stated?.[1]));
    expect(stepsOf('blur-ig')).toBe(Number(stated?.[2]));
    expect(stepsOf('guided-ig')).toBe(Number(stated?.[3]));
  });
});
