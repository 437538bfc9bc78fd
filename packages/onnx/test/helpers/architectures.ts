import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@ig/test-fixtures';
import type { OrtModuleLike } from '../../src/index.js';
import { fixturesDir } from './fixtures.js';
import { gradientOf } from './ort.js';
import { maxAbs } from './random.js';

/** One tiny module of scripts/architecture_references.py (see its docstring for the constructs). */
export interface ArchitectureCase {
  /** ONNX file per opset. */
  readonly models: Readonly<Record<string, string>>;
  readonly input: string;
  /** ∂logits[k, targets[k]]/∂input[k] by torch autograd in float64 (stored as float32). */
  readonly gradient: string;
  readonly targets: readonly number[];
  readonly logits: readonly number[];
  readonly torchFloat32Deviation: number;
}

export const architecturesDir = join(fixturesDir, 'architectures');

export const architectureCases: Readonly<Record<string, ArchitectureCase>> = (
  JSON.parse(readFileSync(join(architecturesDir, 'references.json'), 'utf8')) as { cases: Record<string, ArchitectureCase> }
).cases;

/** Every (case, opset) pair, keyed "name opset K". */
export const architectureModels: readonly { key: string; name: string; opset: string; c: ArchitectureCase }[] = Object.entries(architectureCases).flatMap(
  ([name, c]) => Object.keys(c.models).map((opset) => ({ key: `${name} opset ${opset}`, name, opset, c })),
);

export interface ArchitectureDeviation {
  /** max over points of max |ours − torch| / max |torch| of the input gradient. */
  readonly gradient: number;
  /** max over points of |ours − torch| / max(1, |torch|) of the target logit. */
  readonly logit: number;
  /** The smallest max |torch gradient| over the points: the check is not of a vanishing gradient. */
  readonly scale: number;
}

/** Our input gradients of each point's target logit (one batch, all points) against torch's. */
export async function architectureDeviation(ort: OrtModuleLike, c: ArchitectureCase, opset: string, provider?: string): Promise<ArchitectureDeviation> {
  const file = c.models[opset];
  if (!file) throw new Error(`no opset ${opset} model`);
  return modelDeviation(ort, c, new Uint8Array(readFileSync(join(architecturesDir, file))), provider);
}

/**
 * architectureDeviation of the case's module given as `bytes` (a rewritten copy of one of its
 * models, or a case of another fixture directory `dir` in the same format).
 */
export async function modelDeviation(
  ort: OrtModuleLike,
  c: ArchitectureCase,
  bytes: Uint8Array,
  provider?: string,
  dir = architecturesDir,
): Promise<ArchitectureDeviation> {
  const input = readNpy(join(dir, c.input));
  const expected = readNpy(join(dir, c.gradient)).data;
  const count = input.shape[0] as number;
  const seedOf = (n: number): Float32Array => {
    const classes = n / count;
    return Float32Array.from({ length: n }, (_, i) => (i % classes === c.targets[Math.floor(i / classes)] ? 1 : 0));
  };
  const run = await gradientOf(ort, bytes, { input: { data: input.data, dims: input.shape } }, seedOf, provider ? { provider } : {});
  const got = run.gradients.input as Float32Array;
  const size = got.length / count;
  const classes = run.output.length / count;
  let gradient = 0;
  let logit = 0;
  let scale = Infinity;
  for (let k = 0; k < count; k++) {
    const want = expected.subarray(k * size, (k + 1) * size);
    const have = got.subarray(k * size, (k + 1) * size);
    const pointScale = maxAbs(want);
    let error = 0;
    for (let i = 0; i < size; i++) error = Math.max(error, Math.abs((have[i] as number) - (want[i] as number)));
    gradient = Math.max(gradient, error / pointScale);
    scale = Math.min(scale, pointScale);
    const torchLogit = c.logits[k] as number;
    const ours = run.output[k * classes + (c.targets[k] as number)] as number;
    logit = Math.max(logit, Math.abs(ours - torchLogit) / Math.max(1, Math.abs(torchLogit)));
  }
  return { gradient, logit, scale };
}
