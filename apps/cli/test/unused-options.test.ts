/**
 * Every documented option either changes the run or is refused: an option the run would not use
 * exits 2 with a message naming it and what rules it out, and writes nothing.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

const dir = tempDir('unused-options');
const iris = ['--model', captumModelPath('iris_mlp'), '--input', captumPath('data', 'iris_mlp', 'input_virginica_row101.npy')];
const text = ['--model', fixture('text_models', 'bert.onnx'), '--tokenizer', fixture('text_models', 'wordpiece.json'), '--text', 'hello'];
const regressor = [
  '--model',
  fixture('segmentation', 'regress.onnx'),
  '--input',
  fixture('segmentation', 'regress_input.npy'),
  '--target-weights',
  fixture('segmentation', 'regress_weights.npy'),
];
const json = join(dir, 'report.json');
const inputs = join(dir, 'inputs');
mkdirSync(inputs);
copyFileSync(captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'), join(inputs, 'a.npy'));

const refusals: [string, readonly string[], RegExp][] = [
  ['explain --text --baseline', ['explain', ...text, '--baseline', 'white'], /--baseline does not apply with --text: .*--baseline-token or --baseline-ids/],
  ['explain --text --size', ['explain', ...text, '--size', '32'], /--size does not apply with --text/],
  ['explain --text --output', ['explain', ...text, '--output', 'logits'], /--output does not apply with --text/],
  ['explain --text --panel', ['explain', ...text, '--panel', join(dir, 'p.png')], /--panel draws tensor inputs; it does not apply with --text/],
  ['explain --text --sign', ['explain', ...text, '--sign', 'positive'], /--sign draws tensor inputs; it does not apply with --text/],
  ['explain --auto-rule without --steps auto', ['explain', ...iris, '--auto-rule', 'nested'], /--auto-rule refines --steps auto; drop it or use --steps auto/],
  [
    'explain --sign without a picture',
    ['explain', ...iris, '--sign', 'positive'],
    /--sign sets how the pictures of --heatmap and --panel are drawn; add --heatmap/,
  ],
  [
    'explain --tokenizer on a float input',
    ['explain', ...iris, '--tokenizer', 't.json'],
    /--tokenizer goes with --text or token ids \(an int64 \.npy\) in --input/,
  ],
  ['explain --html on a float input', ['explain', ...iris, '--html', join(dir, 'x.html')], /--html shades the tokens of --text; it does not apply to --input/],
  [
    'explain saliency --tolerance',
    ['explain', ...iris, '--algorithm', 'saliency', '--tolerance', '0.1'],
    /--tolerance bounds a completeness error, which --algorithm saliency does not have/,
  ],
  [
    'explain --target-weights --labels',
    ['explain', ...regressor, '--labels', captumPath('data', 'iris_mlp', 'labels.txt')],
    /--labels names the classes of --target or --target-region; --target-weights explains no class/,
  ],
  [
    'explain --seed with nothing drawn at random',
    ['explain', ...iris, '--algorithm', 'saliency', '--seed', '3'],
    /--seed seeds random baselines \(--baseline uniform or gaussian\), --noise and the draws of expected-gradients; this run draws none/,
  ],
  ['check --seed with a zero baseline', ['check', ...iris, '--seed', '3'], /--seed seeds random baselines .*; this run draws none/],
  ['check --auto-rule without --steps auto', ['check', ...iris, '--auto-rule', 'nested'], /--auto-rule refines --steps auto/],
  ['check --sign (no heatmap)', ['check', ...iris, '--sign', 'positive'], /unknown option '--sign'/],
  ['check --layer', ['check', ...iris, '--layer', 'x'], /ig check checks the attributions to the model input; --layer is not available here/],
  [
    'batch --sign without --heatmaps',
    ['batch', '--model', captumModelPath('iris_mlp'), '--inputs', inputs, '--out-dir', join(dir, 'out'), '--sign', 'positive'],
    /--sign sets how the pictures of --heatmaps are drawn; add --heatmaps or drop it/,
  ],
  [
    'batch --seed with nothing drawn at random',
    ['batch', '--model', captumModelPath('iris_mlp'), '--inputs', inputs, '--out-dir', join(dir, 'out'), '--seed', '2'],
    /--seed seeds random baselines .*; this run draws none/,
  ],
  [
    'hierarchy --score cd --steps',
    ['hierarchy', ...iris, '--score', 'cd', '--steps', '10'],
    /--steps sets the path points of --score integrated-gradients and group-path-ig, not --score cd/,
  ],
  ['hierarchy --score occlusion --steps', ['hierarchy', ...iris, '--steps', '10'], /--steps sets the path points .*, not --score occlusion/],
  ['hierarchy --score cd --baseline', ['hierarchy', ...iris, '--score', 'cd', '--baseline', 'white'], /--baseline is not used by --score cd/],
  [
    'hierarchy --text --baseline',
    ['hierarchy', ...text, '--baseline', 'white'],
    /--baseline applies to --input; with --text removed tokens become --baseline-token/,
  ],
  ['hierarchy --baseline-token without --text', ['hierarchy', ...iris, '--baseline-token', '3'], /--baseline-token goes with --text/],
  [
    'hierarchy --text --score cd --baseline-token',
    ['hierarchy', ...text, '--score', 'cd', '--baseline-token', '[UNK]'],
    /--baseline-token is not used by --score cd, which splits the input into the group and the rest/,
  ],
  ['hierarchy --layer without --text', ['hierarchy', ...iris, '--layer', 'x'], /--layer goes with --text/],
  [
    'grad-graph --steps without --fused',
    ['grad-graph', captumModelPath('iris_mlp'), '-o', join(dir, 'g.onnx'), '--steps', '10'],
    /--steps sets the path points of the --fused graph; add --fused or drop --steps/,
  ],
  ['hierarchy --score cd --provider wasm', ['hierarchy', ...iris, '--score', 'cd', '--provider', 'wasm'], /--score cd runs on --provider cpu/],
];

describe('options a run would not use', () => {
  it.each(refusals)('%s: exit 2 naming both options, no output', (_, args, message) => {
    // batch writes into --out-dir and grad-graph to -o, not --json
    const written = args[0] === 'batch' ? join(dir, 'out') : args[0] === 'grad-graph' ? join(dir, 'g.onnx') : json;
    const run = ig(written === json ? [...args, '--json', json] : args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(existsSync(written)).toBe(false);
  });
});

describe('a --layer the model cannot be cut at', () => {
  it.each([
    ['explain', ...text],
    ['hierarchy', ...text],
    ['explain', ...iris],
  ])('%s: exit 2 naming --layer, with texts as with tensor inputs', (...args) => {
    const run = ig([...args, '--layer', 'nope']);
    expect(run.stderr).toMatch(/--layer nope: "nope" is not produced by any node/);
    expect(run.code).toBe(2);
  });
});
