/**
 * `--target` on an output with several axes after the batch (a segmentation map [classes, H, W]):
 * an index along each axis picks one pixel's class score. On a 1×1 convolution, y[c, h, w] =
 * Σₖ W[c, k]·x[k, h, w] + b[c], so from a zero baseline the attributions are W[c, k]·x[k, h, w] at
 * that pixel and exactly zero everywhere else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy, writeOnnxModel } from './reliability/models.js';

const [CHANNELS, CLASSES, H, W] = [3, 4, 5, 6];
const weights = Array.from({ length: CLASSES * CHANNELS }, (_, i) => ((i * 37) % 11) / 5 - 1);
const bias = [0.1, -0.2, 0.3, -0.4];
const input = Array.from({ length: CHANNELS * H * W }, (_, i) => ((i * 53) % 17) / 8 - 1);

describe('--target on a segmentation output', () => {
  const dir = tempDir('segmentation');
  const model = writeOnnxModel(join(dir, 'seg.onnx'), {
    inputs: { x: [1, CHANNELS, H, W] },
    outputs: ['y'],
    outputShapes: { y: [1, CLASSES, 'H', W] },
    nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'] }],
    constants: { w: { dims: [CLASSES, CHANNELS, 1, 1], values: weights }, b: { dims: [CLASSES], values: bias } },
  });
  const x = writeNpy(join(dir, 'x.npy'), [1, CHANNELS, H, W], input);

  it('class, row, column picks that pixel: attributions W[c, k]·x[k, h, w] there and zero elsewhere', () => {
    const [c, h, w] = [2, 3, 4];
    const out = join(dir, 'attr.npy');
    const report = join(dir, 'attr.json');
    const run = ig(['explain', '--model', model, '--input', x, '--baseline', 'zero', '--target', `${c},${h},${w}`, '--out', out, '--json', report, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const at = (k: number, row: number, column: number): number => k * H * W + row * W + column;
    const want = new Float32Array(CHANNELS * H * W);
    for (let k = 0; k < CHANNELS; k++) want[at(k, h, w)] = (weights[c * CHANNELS + k] as number) * (input[at(k, h, w)] as number);
    const got = readFloat32Npy(out);
    expect(got.shape).toEqual([1, CHANNELS, H, W]);
    got.data.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 6));
    const json = JSON.parse(readFileSync(report, 'utf8')) as { target: number; fInput: number; fBaseline: number };
    expect(json.target).toBe(c * H * W + h * W + w);
    expect(json.fBaseline).toBeCloseTo(bias[c] as number, 6);
    expect(json.fInput).toBeCloseTo((bias[c] as number) + want.reduce((s, v) => s + v, 0), 6);
  });

  it('an index past an axis is refused naming the axis and the output shape', () => {
    const run = ig(['explain', '--model', model, '--input', x, '--target', `1,${H},0`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`--target 1,${H},0: index ${H} on axis 1 is out of range for the \\[${CLASSES}, ${H}, ${W}\\] output`));
  });

  it('a list that is neither one index per example nor one per axis says both forms', () => {
    const run = ig(['explain', '--model', model, '--input', x, '--target', '1,2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /--target lists 2 classes but the input has 1 examples; give one per example or, for one example, an index along each of the output's 3 axes \(\[4, 5, 6\]\)/,
    );
  });
});
