import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from './helpers.js';

describe('ig demo hierarchy', () => {
  it('the Fashion-MNIST bundle also writes one occlusion hierarchy of its first image', () => {
    const cwd = tempDir('demo-hierarchy');
    const run = ig(['demo'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/tshirt: occlusion hierarchy, \d+ levels, \d+ forward passes/);
    const out = join(cwd, 'ig-demo');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { hierarchy: { sample: string; files: string[]; target: number } };
    expect(report.hierarchy.sample).toBe('tshirt');
    expect(report.hierarchy.target).toBe(0);
    const tree = JSON.parse(readFileSync(join(out, 'tshirt.hierarchy.json'), 'utf8')) as { levels: { features: number[] }[][]; label: string };
    expect(tree.label).toBe('T-shirt/top');
    expect(tree.levels[tree.levels.length - 1]?.[0]?.features).toHaveLength(784);
    const png = PNG.sync.read(readFileSync(join(out, 'tshirt.hierarchy.png')));
    expect(png.height).toBe(224);
  });
});
