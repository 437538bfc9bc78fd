import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataType, decodeModel, decodeTensor, encodeModel, tensorValues, upgradeModel, UnsupportedOpError, UnsupportedOpsetError, type OrtTensorLike } from '../src/index.js';
import { gradientOf, runtimes, type Feed } from './helpers/ort.js';
import { differences, expectMatches, sampleIndices } from './helpers/finite-differences.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

// Debian's libonnx-testdata (apt-get install libonnx-testdata): models exported from PyTorch by
// people unrelated to this package, each with its own test input.
const root = '/usr/share/libonnx-testdata/data';
const groups = ['pytorch-converted', 'pytorch-operator'];
const available = existsSync(root);

interface Loaded {
  readonly bytes: Uint8Array;
  readonly otherTypes: Set<number>;
  readonly floatFeeds: Record<string, Feed>;
  readonly otherFeeds: Record<string, OrtTensorLike>;
}

function load(dir: string): Loaded {
  const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  const model = decodeModel(bytes);
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph?.input ?? []).filter((v) => !initializers.has(v.name)).map((v) => v.name ?? '');
  const floatFeeds: Record<string, Feed> = {};
  const otherFeeds: Record<string, OrtTensorLike> = {};
  const otherTypes = new Set<number>();
  const dataDir = join(dir, 'test_data_set_0');
  inputs.forEach((name, i) => {
    const tensor = decodeTensor(new Uint8Array(readFileSync(join(dataDir, `input_${i}.pb`))));
    const values = tensorValues(tensor, name);
    if (values.dataType === DataType.FLOAT || values.dataType === DataType.DOUBLE) floatFeeds[name] = { data: Float32Array.from(values.values), dims: values.dims };
    if (values.dataType !== DataType.FLOAT) otherTypes.add(values.dataType);
    if (values.dataType === DataType.INT64) {
      otherFeeds[name] = { type: 'int64', dims: values.dims, data: BigInt64Array.from(Array.from(values.values, (v) => BigInt(v))) } as OrtTensorLike;
    }
  });
  return { bytes, otherTypes, floatFeeds, otherFeeds };
}

type Status = string;

async function loads(bytes: Uint8Array): Promise<boolean> {
  try {
    const session = await runtimes.node.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
    await session.release?.();
    return true;
  } catch {
    return false;
  }
}

async function check(dir: string, seed: number): Promise<Status> {
  const loaded = load(dir);
  const { floatFeeds, otherFeeds } = loaded;
  let bytes = loaded.bytes;
  let note = '';
  if (!(await loads(bytes))) {
    // onnxruntime lacks many opset-6 kernels; the same model rewritten to opset 11 may load.
    const shapes = new Map(Object.entries(floatFeeds).map(([name, f]) => [name, f.dims]));
    bytes = encodeModel(upgradeModel(bytes, shapes));
    if (!(await loads(bytes))) return 'rejected by onnxruntime';
    note = ' (onnxruntime rejects the original; upgraded to opset 11)';
  }
  const model = decodeModel(bytes);
  const inputs = Object.keys(floatFeeds);
  if (inputs.length === 0) return 'integer inputs only';
  if (Object.keys(otherFeeds).length > 0) return 'integer inputs (not differentiated here)';
  let run;
  try {
    run = await gradientOf(runtimes.node, bytes, floatFeeds, (n) => uniform(rng(seed), n, -1, 1), { inputs });
  } catch (error) {
    if (error instanceof UnsupportedOpsetError) return `opset ${error.opset} (< 11, skipped)`;
    if (error instanceof UnsupportedOpError) return `unsupported: ${error.opTypes.join(', ')}${note}`;
    throw error;
  }
  const seedValues = uniform(rng(seed), run.output.length, -1, 1);
  // A float64 model is differentiated in float32; the differences run the original in float64.
  const double = loaded.otherTypes.has(DataType.DOUBLE);
  const differenceFeeds = double ? Object.fromEntries(Object.entries(floatFeeds).map(([name, f]) => [name, { ...f, type: 'float64' as const }])) : floatFeeds;
  for (const input of inputs) {
    const g = run.gradients[input] as Float32Array;
    const scale = Math.max(1, maxAbs(g));
    const diffs = await differences(runtimes.node, bytes, differenceFeeds, input, seedValues, sampleIndices(g.length, 24), 1e-2, model.graph?.output?.[0]?.name ?? undefined);
    expectMatches(g, diffs, 5e-3 * scale);
  }
  return `pass${note}${double ? ' (float64 model, differentiated in float32)' : ''}`;
}

describe.skipIf(!available)('models of Debian libonnx-testdata: input gradients equal finite differences', () => {
  it('every model whose ops are covered passes; the rest are classified', async () => {
    const table: Record<string, Status> = {};
    let seed = 1;
    for (const group of groups) {
      for (const name of readdirSync(join(root, group)).sort()) {
        const dir = join(root, group, name);
        if (!existsSync(join(dir, 'model.onnx'))) continue;
        table[`${group}/${name}`] = await check(dir, seed++);
      }
    }
    expect(Object.values(table).filter((s) => s.startsWith('pass')).length).toBeGreaterThan(100);
    expect(table).toMatchSnapshot();
  }, 240_000);
});
