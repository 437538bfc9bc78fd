import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captumPath } from '@ig/test-fixtures';
import { formatNpy } from '../src/npy.js';
import { ig, tempDir, writeIrisTfjsModel } from './helpers.js';

/** Exit code, and stderr as one `error: …` line with no stack trace. */
function expectFailure(run: { code: number | null; stderr: string }, code: 1 | 2, message: RegExp): void {
  expect(run.code).toBe(code);
  const lines = run.stderr.trim().split('\n');
  expect(lines[0]).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('bad arguments and bad files', () => {
  let dir: string;
  let model: string;
  const input = captumPath('data', 'iris_mlp', 'input_setosa_row1.npy');
  beforeAll(async () => {
    dir = tempDir('errors');
    model = await writeIrisTfjsModel(join(dir, 'iris'));
  });
  const outputs = () => ['--out', join(dir, 'a.npy'), '--json', join(dir, 'a.json')];
  const noOutputs = () => {
    expect(existsSync(join(dir, 'a.npy'))).toBe(false);
    expect(existsSync(join(dir, 'a.json'))).toBe(false);
  };

  it('usage errors exit 2 with one line', () => {
    expectFailure(ig(['explain', '--model', model]), 2, /required option '--input <file>' not specified/);
    expectFailure(ig(['explain', '--model', model, '--input', input, '--steps', 'many', ...outputs()]), 2, /--steps must be a positive integer, got 'many'/);
    expectFailure(ig(['explain', '--model', model, '--input', input, '--method', 'simpson']), 2, /argument 'simpson' is invalid/);
    expectFailure(ig(['explain', '--model', model, '--input', input, '--baselines', '4']), 2, /use it with --baseline uniform or gaussian/);
    expectFailure(ig(['frobnicate']), 2, /unknown command 'frobnicate'/);
    // 1 / 1e-300 overflows float32: the pixels became Infinity, blamed on "input 0".
    expectFailure(
      ig(['explain', '--model', model, '--input', input, '--std', '1e-300,1,1', ...outputs()]),
      2,
      /--std must not contain 0 or a value below 1e-30 in size/,
    );
    expectFailure(ig(['batch', '--model', model, '--inputs', dir, '--out-dir', join(dir, 'o'), '--shard', '3/2']), 2, /--shard must be i\/n/);
    noOutputs();
  });

  it('a target out of range exits 2 and names the number of outputs', () => {
    expectFailure(
      ig(['explain', '--model', model, '--input', input, '--target', '7', ...outputs()]),
      2,
      /--target 7 is out of range: the model has 3 outputs \(0–2\)/,
    );
    noOutputs();
  });

  it('a missing file exits 1 and says which', () => {
    expectFailure(ig(['explain', '--model', model, '--input', join(dir, 'nope.npy'), ...outputs()]), 1, /input .*nope\.npy does not exist/);
    expectFailure(ig(['explain', '--model', join(dir, 'missing.json'), '--input', input]), 1, /model .*missing\.json does not exist/);
    noOutputs();
  });

  it('random bytes as a model exit 1', () => {
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, Buffer.from([0x13, 0x37, 0xff, 0x00, 0x42, 0x99, 0x10]));
    expectFailure(ig(['explain', '--model', junk, '--input', input, ...outputs()]), 1, /junk\.json: not a TensorFlow\.js model\.json/);
    const junkOnnx = join(dir, 'junk.onnx');
    writeFileSync(junkOnnx, Buffer.from([0x13, 0x37, 0xff, 0x00, 0x42, 0x99, 0x10]));
    expectFailure(ig(['explain', '--model', junkOnnx, '--input', input, ...outputs()]), 1, /^error: /);
    noOutputs();
  });

  it('random bytes as an input exit 1', () => {
    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, Buffer.from('definitely not numpy'));
    expectFailure(ig(['explain', '--model', model, '--input', junk, ...outputs()]), 1, /junk\.npy: not a \.npy file/);
    noOutputs();
  });

  it('a wrong-shape input exits 1 with both shapes', () => {
    const wide = join(dir, 'wide.npy');
    writeFileSync(wide, formatNpy(new Float32Array(5), [1, 5]));
    expectFailure(ig(['explain', '--model', model, '--input', wide, ...outputs()]), 1, /has shape \[1, 5\] but the model takes \[\?, 4\]/);
    noOutputs();
  });

  it('a NaN in the input exits 1 with its index', () => {
    const nan = join(dir, 'nan.npy');
    writeFileSync(nan, formatNpy(Float32Array.from([5.1, Number.NaN, 1.4, 0.2]), [1, 4]));
    expectFailure(ig(['explain', '--model', model, '--input', nan, ...outputs()]), 1, /nan\.npy: NaN at index \[0, 1\] \(flat 1\)/);
    noOutputs();
  });

  it('a failure after the first output is written removes it', () => {
    // --out is written first; the heatmap then fails because the iris input is not an image
    expectFailure(
      ig(['explain', '--model', model, '--input', input, '--heatmap', join(dir, 'a.png'), ...outputs()]),
      2,
      /--heatmap needs an image-shaped input/,
    );
    noOutputs();
    expect(existsSync(join(dir, 'a.png'))).toBe(false);
  });

  it('--debug adds the stack trace', () => {
    const run = ig(['explain', '--debug', '--model', model, '--input', input, '--target', '9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});
