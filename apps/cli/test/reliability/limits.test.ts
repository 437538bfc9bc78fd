import { closeSync, openSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from '../helpers.js';
import { chainOnnx, imageOnnx, singleOutputOnnx, writeNpy } from './models.js';

/** A PNG whose header declares width × height (grey, 8 bits) and whose data is a single tiny IDAT: the header is all a size check may read. */
function pngClaiming(path: string, width: number, height: number): string {
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(Buffer.alloc(64))),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
  return path;
}

/** An .npy whose header declares `shape` (float32) over a sparse file: no disk or memory is spent on its body. */
function sparseNpy(path: string, shape: readonly number[]): string {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10 + header.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  prefix.write(header, 10, 'latin1');
  const fd = openSync(path, 'w');
  writeSync(fd, prefix);
  ftruncateSync(fd, prefix.length + shape.reduce((a, b) => a * b, 4));
  closeSync(fd);
  return path;
}

const oneError = (run: { stderr: string }): string => {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] as string;
};

describe('resource limits', () => {
  const dir = tempDir('limits');
  const image = imageOnnx(join(dir, 'image.onnx'));
  const small = pngClaiming(join(dir, 'small.png'), 4, 4);

  it('an image declaring 30000×30000 pixels is refused from its header, before decoding', () => {
    const run = ig(['explain', '--model', image, '--input', pngClaiming(join(dir, 'bomb.png'), 30_000, 30_000)]);
    expect(oneError(run)).toMatch(
      /^error: image .*bomb\.png is 30000×30000 = 900000000 pixels, above the limit of 40000000; raise --max-pixels if you mean it$/,
    );
    expect(run.code).toBe(1);
  });

  it('a model declaring a 30000×30000 input: the resize target is refused before resizing', () => {
    const run = ig(['explain', '--model', imageOnnx(join(dir, 'huge.onnx'), 30_000, 30_000), '--input', small]);
    expect(oneError(run)).toMatch(
      /the size .*small\.png is resized to \(the model's input \[\?, 3, 30000, 30000\]\) is 30000×30000 = 900000000 pixels, above the limit of 40000000; raise --max-pixels/,
    );
    expect(run.code).toBe(1);
  });

  it('--size 30000 is refused the same way, naming --size', () => {
    const run = ig(['explain', '--model', image, '--input', small, '--size', '30000']);
    expect(oneError(run)).toMatch(/resized to \(--size\) is 30000×30000/);
  });

  it('a 4.8 GB .npy of the wrong shape is refused from its header, its body never read', () => {
    const run = ig(['explain', '--model', singleOutputOnnx(join(dir, 'one.onnx')), '--input', sparseNpy(join(dir, 'wrong.npy'), [1, 3, 20_000, 20_000])]);
    expect(oneError(run)).toMatch(/input .*wrong\.npy has shape \[1, 3, 20000, 20000\] but the model takes \[\?, 4\]/);
    expect(run.code).toBe(1);
  });

  it('a .npy above --max-input-mib is refused from its header, with the flag to raise it', () => {
    const run = ig(['explain', '--model', singleOutputOnnx(join(dir, 'one.onnx')), '--input', sparseNpy(join(dir, 'big.npy'), [300_000_000, 4])]);
    expect(oneError(run)).toMatch(/big\.npy: shape \(300000000, 4\) of float32 is 4578 MiB, above the limit of 1024 MiB; raise --max-input-mib if you mean it/);
  });

  it('a 4.8 GB baseline .npy is refused from its header: it cannot broadcast to the input', () => {
    const x = writeNpy(join(dir, 'x.npy'), [1, 4], [0.1, 0.2, 0.3, 0.4]);
    const run = ig([
      'explain',
      '--model',
      singleOutputOnnx(join(dir, 'one.onnx')),
      '--input',
      x,
      '--baseline',
      sparseNpy(join(dir, 'base.npy'), [300_000_000, 4]),
    ]);
    expect(oneError(run)).toMatch(/baseline .*base\.npy has 1200000000 values, more than the input's 4; it must broadcast to the input's shape \[1, 4\]/);
    expect(run.code).toBe(1);
  });

  it('--steps above --steps-limit is a usage error; --steps-limit raises it', () => {
    const model = singleOutputOnnx(join(dir, 'one.onnx'));
    const x = writeNpy(join(dir, 'x.npy'), [1, 4], [0.1, 0.2, 0.3, 0.4]);
    for (const steps of ['100000000', '1e9']) {
      const run = ig(['explain', '--model', model, '--input', x, '--steps', steps]);
      expect(oneError(run)).toBe(`error: --steps ${Number(steps)} is above the limit of 10000 points per path; raise --steps-limit if you mean it`);
      expect(run.code).toBe(2);
    }
    expect(ig(['explain', '--model', model, '--input', x, '--steps', '12000', '--steps-limit', '12000', '--method', 'riemann-middle']).code).toBe(0);
  });

  it('--memory-budget refuses a --batch-size that does not fit it', () => {
    const model = singleOutputOnnx(join(dir, 'one.onnx'));
    const x = writeNpy(join(dir, 'x.npy'), [1, 4], [0.1, 0.2, 0.3, 0.4]);
    const run = ig(['explain', '--model', model, '--input', x, '--batch-size', '64', '--memory-budget', '0.001']);
    expect(oneError(run)).toMatch(/batchSize 64 needs 0\.00195 MiB of points and gradients, above memoryBudgetBytes \(0\.00100 MiB\)/);
    expect(run.code).toBe(2);
  });

  it('a graph of more than 5000 nodes is announced with its node count before its sessions are built', () => {
    const x = writeNpy(join(dir, 'x3.npy'), [1, 3], [1, 2, 3]);
    const run = ig(['explain', '--model', chainOnnx(join(dir, 'chain.onnx'), 6000), '--input', x]);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^warning: .*chain\.onnx has 6000 nodes; building and loading its gradient graphs may take minutes$/);
    expect(lines[1]).toMatch(/^error: input .*x3\.npy has shape \[1, 3\] but the model takes \[\?, 2\]/);
  });
});
