import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataType,
  decodeModel,
  decodeTensor,
  encodeModel,
  tensorValues,
  upgradeModel,
  UnsupportedOpError,
  UnsupportedOpsetError,
  type OrtTensorLike,
} from '../../src/index.js';
import { gradientOf, runtimes, type Feed } from './ort.js';
import { deviation, differences, hasKinks, sampleIndices } from './finite-differences.js';
import { maxAbs, rng, uniform } from './random.js';

// Debian's libonnx-testdata (apt-get install libonnx-testdata): models exported from PyTorch by
// people unrelated to this package, each with its own test input.
export const LIBONNX_PACKAGE = 'libonnx-testdata';
export const libonnxRoot = '/usr/share/libonnx-testdata/data';
const groups = ['pytorch-converted', 'pytorch-operator'];

/** The difference step, and the elements checked per input (spread over the tensor). */
const STEP = 1e-2;
const SAMPLES = 24;

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
    if (values.dataType === DataType.FLOAT || values.dataType === DataType.DOUBLE)
      floatFeeds[name] = { data: Float32Array.from(values.values), dims: values.dims };
    if (values.dataType !== DataType.FLOAT) otherTypes.add(values.dataType);
    if (values.dataType === DataType.INT64) {
      otherFeeds[name] = { type: 'int64', dims: values.dims, data: BigInt64Array.from(Array.from(values.values, (v) => BigInt(v))) } as OrtTensorLike;
    }
  });
  return { bytes, otherTypes, floatFeeds, otherFeeds };
}

async function loads(bytes: Uint8Array): Promise<boolean> {
  try {
    const session = await runtimes.node.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
    await session.release?.();
    return true;
  } catch {
    return false;
  }
}

export interface ModelResult {
  /** "pass…" or why the model is not differentiated. */
  readonly status: string;
  /** max over inputs and sampled elements of |gradient − difference| / max(1, max|gradient|). */
  readonly deviation?: number;
  /** Where that deviation is, for a failure message. */
  readonly where?: string;
}

/**
 * Differentiates one model at its test input and measures the deviation from central differences
 * (one-sided only at detected kinks, see isKink; `kinkThreshold` is relative to the scale).
 */
export async function checkModel(dir: string, seed: number, kinkThreshold: number): Promise<ModelResult> {
  const loaded = load(dir);
  const { otherFeeds } = loaded;
  // A few test inputs are uninitialized memory (values like 1e223, NaN in float32): such a model
  // is checked at a seeded uniform input of the same shape instead.
  const garbage = Object.values(loaded.floatFeeds).some((f) => f.data.some((v) => !Number.isFinite(v)));
  const floatFeeds = garbage
    ? Object.fromEntries(Object.entries(loaded.floatFeeds).map(([name, f]) => [name, { ...f, data: uniform(rng(seed + 1000), f.data.length, -1, 1) }]))
    : loaded.floatFeeds;
  const inputNote = garbage ? ' (its test input is not finite in float32; checked at a uniform input)' : '';
  let bytes = loaded.bytes;
  let note = '';
  if (!(await loads(bytes))) {
    // onnxruntime lacks many opset-6 kernels; the same model rewritten to opset 11 may load.
    const shapes = new Map(Object.entries(floatFeeds).map(([name, f]) => [name, f.dims]));
    bytes = encodeModel(upgradeModel(bytes, shapes));
    if (!(await loads(bytes))) return { status: 'rejected by onnxruntime' };
    note = ' (onnxruntime rejects the original; upgraded to opset 11)';
  }
  const model = decodeModel(bytes);
  const inputs = Object.keys(floatFeeds);
  if (inputs.length === 0) return { status: 'integer inputs only' };
  if (Object.keys(otherFeeds).length > 0) return { status: 'integer inputs (not differentiated here)' };
  let run;
  try {
    run = await gradientOf(runtimes.node, bytes, floatFeeds, (n) => uniform(rng(seed), n, -1, 1), { inputs });
  } catch (error) {
    if (error instanceof UnsupportedOpsetError) return { status: `opset ${error.opset} (< 11, skipped)` };
    if (error instanceof UnsupportedOpError) return { status: `unsupported: ${error.opTypes.join(', ')}${note}` };
    throw error;
  }
  const seedValues = uniform(rng(seed), run.output.length, -1, 1);
  // A float64 model is differentiated in float32; the differences run the original in float64.
  const double = loaded.otherTypes.has(DataType.DOUBLE);
  const differenceFeeds = double ? Object.fromEntries(Object.entries(floatFeeds).map(([name, f]) => [name, { ...f, type: 'float64' as const }])) : floatFeeds;
  const kinked = hasKinks((model.graph?.node ?? []).map((n) => n.opType ?? ''));
  let worst = 0;
  let where = '';
  for (const input of inputs) {
    const g = run.gradients[input] as Float32Array;
    const scale = Math.max(1, maxAbs(g));
    const output = model.graph?.output?.[0]?.name ?? undefined;
    const diffs = await differences(runtimes.node, bytes, differenceFeeds, input, seedValues, sampleIndices(g.length, SAMPLES), STEP, output, {
      halfStep: kinked,
    });
    const m = deviation(g, diffs, kinkThreshold * scale, kinked);
    if (m.error / scale >= worst) {
      worst = m.error / scale;
      const d = diffs.find((x) => x.index === m.index);
      where = `∂/∂${input}[${m.index}]: gradient ${g[m.index]}, central ${d?.central}, forward ${d?.forward}, backward ${d?.backward}${m.kinks.includes(m.index) ? ' (kink)' : ''}`;
    }
  }
  return { status: `pass${note}${double ? ' (float64 model, differentiated in float32)' : ''}${inputNote}`, deviation: worst, where };
}

/** Every model directory of the groups checked, as `group/name` → directory, sorted. */
export function libonnxModels(): [string, string][] {
  const found: [string, string][] = [];
  for (const group of groups) {
    for (const name of readdirSync(join(libonnxRoot, group)).sort()) {
      const dir = join(libonnxRoot, group, name);
      if (existsSync(join(dir, 'model.onnx'))) found.push([`${group}/${name}`, dir]);
    }
  }
  return found;
}
