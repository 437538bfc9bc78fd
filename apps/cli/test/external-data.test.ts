import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { decodeModel, encodeModel, onnx } from '@ig/onnx';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { captumCases, expectMatchesCaptum, explainLikeCaptum, type CaptumCase } from './captum.js';

/**
 * The Captum iris MLP saved as large exported models are: every initializer in `weights.bin`
 * beside the model (at its offset, as onnx.save_model(save_as_external_data=True) writes them).
 */
function saveWithExternalData(dir: string): string {
  const model = decodeModel(readFileSync(captumModelPath('iris_mlp')));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of model.graph!.initializer!) {
    const bytes = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : new Uint8Array(new Float32Array(tensor.floatData ?? []).buffer);
    tensor.rawData = new Uint8Array(0);
    tensor.floatData = [];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: 'weights.bin' }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(bytes.length) }),
    ];
    chunks.push(new Uint8Array(bytes));
    offset += bytes.length;
  }
  mkdirSync(join(dir, 'model'), { recursive: true });
  writeFileSync(join(dir, 'model', 'weights.bin'), Buffer.concat(chunks));
  writeFileSync(join(dir, 'model', 'iris.onnx'), encodeModel(model));
  return join(dir, 'model', 'iris.onnx');
}

describe('ONNX models with external data files', () => {
  const dir = tempDir('external-data');
  const model = saveWithExternalData(dir);

  it('ig explain reads the weights beside the model and reproduces Captum', () => {
    const c = captumCases.find((k) => k.model === 'iris_mlp') as CaptumCase;
    const out = join(dir, 'a.npy');
    const run = explainLikeCaptum(c, { model, input: captumPath(c.input_file), baseline: captumPath(c.baseline_file), out, report: join(dir, 'a.json') });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectMatchesCaptum(readFloat32Npy(out), c, 'onnx');
  });

  it('a missing weights file is an error naming the tensor and the file', () => {
    const moved = join(dir, 'alone.onnx');
    writeFileSync(moved, readFileSync(model));
    const run = ig(['inspect', moved]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/alone\.onnx: tensor "[^"]+": external data file "weights\.bin" could not be read: ENOENT/);
  });
});
