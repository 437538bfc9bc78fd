import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from '../helpers.js';
import { scalarOutputOnnx, singleOutputOnnx, twoInputOnnx, writeNpy, writeOnnxModel } from './models.js';
import { onnx, DataType, encodeModel } from '@ig/onnx';

/** The run failed with exactly one `error: …` line on stderr, and nothing else there. */
function expectOneLine(run: { code: number | null; stderr: string }, code: number, pattern: RegExp): void {
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^error: /);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr.includes(String.fromCharCode(27))).toBe(false);
  expect(run.code).toBe(code);
}

function scalarFreeBatchOnnx(path: string): string {
  const info = (name: string, dims?: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: DataType.FLOAT,
          ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } : {}),
        },
      },
    });
  const keepdims = onnx.AttributeProto.create({ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 });
  const graph = onnx.GraphProto.create({
    name: 'g',
    input: [info('x', ['N', 3])],
    output: [info('y')],
    node: [
      onnx.NodeProto.create({ name: 'm', opType: 'Mul', input: ['x', 'x'], output: ['s'] }),
      onnx.NodeProto.create({ name: 'r', opType: 'ReduceSum', input: ['s'], output: ['y'], attribute: [keepdims] }),
    ],
  });
  writeFileSync(path, encodeModel(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph })));
  return path;
}

describe('one-line typed errors', () => {
  const dir = tempDir('errors');
  const x3 = writeNpy(join(dir, 'x3.npy'), [1, 3], [1, 2, 3]);
  const x4 = writeNpy(join(dir, 'x4.npy'), [1, 4], [1, 2, 3, 4]);
  const one = singleOutputOnnx(join(dir, 'one.onnx'));

  it('a two-input model given one input names both inputs and how to give each', () => {
    expectOneLine(
      ig(['explain', '--model', twoInputOnnx(join(dir, 'two.onnx')), '--input', x3]),
      2,
      /two\.onnx takes 2 inputs \(a, b\); give each one as --input NAME=FILE, e\.g\. --input a=a\.npy --input b=b\.npy/,
    );
  });

  it('a scalar output under a free batch axis names the output, not a node inside the gradient graph', () => {
    const run = ig(['explain', '--model', scalarFreeBatchOnnx(join(dir, 'scalar.onnx')), '--input', x3]);
    expectOneLine(run, 1, /output "y" has shape \[\] for a batch of 1: its first axis must be the batch axis/);
    expect(run.stderr).not.toMatch(/ig_path|Reshape/);
  });

  it('a scalar output with the batch fixed at 1 still explains: attributions x² from a zero baseline', () => {
    const run = ig(['explain', '--model', scalarOutputOnnx(join(dir, 'scalar1.onnx')), '--input', x3, '--steps', '8']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/attributions: \[1, 4, 9\]/);
  });

  it('--out under a file names the file that is not a folder, not a temporary', () => {
    writeFileSync(join(dir, 'afile'), '');
    const run = ig(['explain', '--model', one, '--input', x4, '--out', join(dir, 'afile', 'a.npy')]);
    expectOneLine(run, 1, /cannot write .*afile\/a\.npy: .*afile is not a folder/);
    expect(run.stderr).not.toMatch(/\.tmp|ENOTDIR/);
  });

  it('a malformed .npy header of 60 KB is quoted in at most 80 characters', () => {
    const header = Buffer.from(`{${'x'.repeat(60_000)}}\n`);
    const file = join(dir, 'bad.npy');
    const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0]);
    prefix.writeUInt32LE(header.length, 8);
    writeFileSync(file, Buffer.concat([prefix, header]));
    const run = ig(['explain', '--model', one, '--input', file]);
    expectOneLine(run, 1, /bad\.npy: malformed \.npy header \(60003 characters\): "\{x{79}…"/);
    expect(run.stderr.length).toBeLessThan(300);
  });

  it('bad labels JSON names the labels file', () => {
    const labels = join(dir, 'labels.json');
    writeFileSync(labels, '[1,');
    expectOneLine(
      ig(['explain', '--model', one, '--input', x4, '--labels', labels]),
      1,
      new RegExp(`${labels.replace(/[/.]/g, '\\$&')}: not a valid JSON labels file`),
    );
  });

  it('an op without a gradient rule says the model cannot be differentiated, naming the node', () => {
    const det = writeOnnxModel(join(dir, 'det.onnx'), {
      inputs: { x: ['N', 4] },
      outputs: ['y'],
      nodes: [{ op: 'Det', inputs: ['x'], outputs: ['y'] }],
    });
    const run = ig(['explain', '--model', det, '--input', x4]);
    expectOneLine(run, 1, /det\.onnx: cannot differentiate the ONNX model: no gradient for Det: Det \(opset 17\) node "Det_0": no gradient rule/);
  });

  it('--tolerance states the range it accepts', () => {
    expectOneLine(ig(['explain', '--model', one, '--input', x4, '--tolerance', '0']), 2, /--tolerance must be a number > 0, got '0'/);
    expect(ig(['explain', '--model', one, '--input', x4, '--tolerance', '1e-9']).code).toBe(0);
  });
});
