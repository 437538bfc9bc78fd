/**
 * An output path that is a file the run reads without an option naming it (an ONNX model's
 * external data file, a model.json's weight shard, a --baseline-set folder's file, a shard
 * summary of `ig batch merge`), directly, through a link or by another spelling, is refused
 * before anything is written, naming the option, the output and the file; the file is kept.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import { withExternalData } from './external-data-model.js';
import { ig, tempDir, writeIrisTfjsModel } from './helpers.js';

const dir = tempDir('outputs-over-companions');
const input = join(dir, 'x.npy');
copyFileSync(captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'), input);
mkdirSync(join(dir, 'onnx'));
const model = withExternalData(captumModelPath('iris_mlp'), join(dir, 'onnx'), 'iris.onnx');
const data = join(dir, 'onnx', 'weights.bin');
const dataBytes = readFileSync(data);
const report = join(dir, 'report.json');
const explain = (modelPath: string): string[] => ['explain', '--model', modelPath, '--input', input, '--target', '2', '--steps', '8', '-q'];
const refusal = (option: string, output: string, what: string): string =>
  `${option} ${output} is ${what}; writing it would replace that file: name another file`;
const ofModel = (file: string, kind = 'external data file', owner = `--model ${model}`): string => `the ${kind} ${file} of ${owner}`;

/** The run was refused with exit 2 and `message`, the file kept and the other output not written. */
function expectRefused(run: ReturnType<typeof ig>, message: string, file: string, bytes: Buffer, other = report): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(message);
  expect(readFileSync(file).equals(bytes)).toBe(true);
  expect(existsSync(other)).toBe(false);
}

describe('outputs over an ONNX model’s external data file', () => {
  it('ig explain refuses --out naming it, and --json through a symbolic link to it', () => {
    expectRefused(ig([...explain(model), '--out', data, '--json', report]), refusal('--out', data, ofModel(data)), data, dataBytes);
    const link = join(dir, 'link.bin');
    symlinkSync(data, link);
    expectRefused(
      ig([...explain(model), '--json', link, '--out', join(dir, 'a.npy')]),
      refusal('--json', link, ofModel(data)),
      data,
      dataBytes,
      join(dir, 'a.npy'),
    );
  });

  it('ig check refuses --json naming it by another relative spelling', () => {
    const spelled = 'onnx/../onnx/./weights.bin';
    const run = ig(['check', '--model', model, '--input', input, '--target', '2', '--json', spelled], { cwd: dir });
    expectRefused(run, refusal('--json', spelled, ofModel(data)), data, dataBytes);
  });

  it('ig hierarchy refuses --png naming a hard link to it', () => {
    const hard = join(dir, 'hard.bin');
    linkSync(data, hard);
    const run = ig(['hierarchy', '--model', model, '--input', input, '--target', '2', '--png', hard, '--json', report]);
    expectRefused(run, refusal('--png', hard, ofModel(data)), data, dataBytes);
  });

  it('ig grad-graph refuses -o naming it', () => {
    const run = ig(['grad-graph', model, '-o', data]);
    expectRefused(run, refusal('--output', data, ofModel(data, 'external data file', `model ${model}`)), data, dataBytes);
  });

  it('ig batch refuses an --out-dir whose <id>.npy is a link to it', () => {
    const [inputs, outDir] = [join(dir, 'batch-inputs'), join(dir, 'batch-out')];
    mkdirSync(inputs);
    mkdirSync(outDir);
    copyFileSync(input, join(inputs, 'a.npy'));
    symlinkSync(data, join(outDir, 'a.npy'));
    const run = ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', outDir, '--target', '2', '--steps', '8', '-q']);
    const message = `--out-dir ${outDir} would write ${join(outDir, 'a.npy')} over ${ofModel(data)}; give another --out-dir`;
    expectRefused(run, message, data, dataBytes, join(outDir, 'summary.jsonl'));
    expect(readdirSync(outDir)).toEqual(['a.npy']);
  });

  it('an output next to the model and its data file is written as before', () => {
    const [out, json] = [join(dir, 'onnx', 'a.npy'), join(dir, 'onnx', 'a.json')];
    const run = ig([...explain(model), '--out', out, '--json', json]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(existsSync(out) && existsSync(json)).toBe(true);
    expect(readFileSync(data).equals(dataBytes)).toBe(true);
  });
});

describe('outputs over a TensorFlow.js model’s weight shards', () => {
  it('ig explain refuses --json naming the second shard; ig batch an --out-dir where an item’s report is model.json', async () => {
    const tfjs = await writeIrisTfjsModel(join(dir, 'tfjs'));
    const whole = readFileSync(join(dir, 'tfjs', 'weights.bin'));
    const shards = ['group1-shard1of2.bin', 'group1-shard2of2.bin'].map((name) => join(dir, 'tfjs', name));
    writeFileSync(shards[0] as string, whole.subarray(0, 64));
    writeFileSync(shards[1] as string, whole.subarray(64));
    const json = JSON.parse(readFileSync(tfjs, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    (json.weightsManifest[0] as { paths: string[] }).paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
    writeFileSync(tfjs, JSON.stringify(json));
    const second = shards[1] as string;
    const bytes = readFileSync(second);
    expectRefused(ig([...explain(tfjs), '--json', second]), refusal('--json', second, ofModel(second, 'weights file', `--model ${tfjs}`)), second, bytes);
    const normal = ig([...explain(tfjs), '--json', join(dir, 'tfjs', 'report.json')]);
    expect([normal.code, normal.stderr]).toEqual([0, '']);

    const inputs = join(dir, 'tfjs-inputs');
    mkdirSync(inputs);
    copyFileSync(input, join(inputs, 'model.npy'));
    const modelBytes = readFileSync(tfjs);
    const run = ig(['batch', '--model', tfjs, '--inputs', inputs, '--out-dir', join(dir, 'tfjs'), '--target', '2', '--steps', '8', '-q']);
    const message = `--out-dir ${join(dir, 'tfjs')} would write ${tfjs} over the --model file ${tfjs}; give another --out-dir`;
    expectRefused(run, message, tfjs, modelBytes, join(dir, 'tfjs', 'summary.jsonl'));
    expect(existsSync(join(dir, 'tfjs', 'model.npy'))).toBe(false);
  });
});

describe('outputs over a --baseline-set folder’s file', () => {
  it('ig explain --algorithm expected-gradients refuses --out naming one', () => {
    const set = join(dir, 'set');
    mkdirSync(set);
    copyFileSync(captumPath('data', 'iris_mlp', 'baseline_zeros.npy'), join(set, 'zeros.npy'));
    const file = join(set, 'zeros.npy');
    const bytes = readFileSync(file);
    const run = ig([...explain(model), '--algorithm', 'expected-gradients', '--baseline-set', set, '--out', file, '--json', report]);
    expectRefused(run, refusal('--out', file, `the baseline ${file} in --baseline-set ${set}`), file, bytes);
  });
});

describe('ig batch merge --out over a shard summary', () => {
  it('is refused naming the summary, which is kept', () => {
    const [inputs, outDir] = [join(dir, 'shard-inputs'), join(dir, 'shard-out')];
    mkdirSync(inputs);
    for (const name of ['a.npy', 'b.npy']) copyFileSync(input, join(inputs, name));
    for (const shard of ['1/2', '2/2'])
      expect(ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', outDir, '--target', '2', '--steps', '8', '--shard', shard, '-q']).code).toBe(0);
    const summary = join(outDir, 'summary-1-of-2.jsonl');
    const bytes = readFileSync(summary);
    const run = ig(['batch', 'merge', outDir, '--out', summary]);
    expectRefused(run, refusal('--out', summary, `the shard summary ${summary}`), summary, bytes, join(outDir, 'summary.jsonl'));
  });
});
