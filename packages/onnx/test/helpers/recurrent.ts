import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@ig/test-fixtures';
import { cutAtTensor, encodeModel, findEmbeddingOutput, type OrtModuleLike } from '../../src/index.js';
import { fixturesDir } from './fixtures.js';
import { gradientOf, type Feed } from './ort.js';
import { maxAbs } from './random.js';

/** One model of scripts/recurrent_references.py (see its docstring). */
export interface RecurrentCase {
  readonly models: Readonly<Record<string, string>>;
  /** Sequence models: input name → .npy file (x, and h0, c0 where the states are inputs). */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Sequence models: input name → ∂logits[k, targets[k]]/∂input by torch autograd in float64. */
  readonly gradients?: Readonly<Record<string, string>>;
  /** The text model: token ids, the embedding output and its gradient. */
  readonly ids?: string;
  readonly embedded?: string;
  readonly embeddingGradient?: string;
  readonly targets: readonly number[];
  readonly logits: readonly number[];
  readonly torchFloat32Deviation: number;
}

export const recurrentDir = join(fixturesDir, 'recurrent');

export const recurrentCases: Readonly<Record<string, RecurrentCase>> = (
  JSON.parse(readFileSync(join(recurrentDir, 'references.json'), 'utf8')) as { cases: Record<string, RecurrentCase> }
).cases;

/** Every (case, opset) pair, keyed "name opset K". */
export const recurrentModels: readonly { key: string; name: string; opset: string; c: RecurrentCase }[] = Object.entries(recurrentCases).flatMap(([name, c]) =>
  Object.keys(c.models).map((opset) => ({ key: `${name} opset ${opset}`, name, opset, c })),
);

export interface RecurrentDeviation {
  /** max over differentiated inputs of max |ours − torch| / max |torch|. */
  readonly gradient: number;
  /** max over points of |ours − torch| / max(1, |torch|) of the target logit. */
  readonly logit: number;
  /** The smallest max |torch gradient| over the inputs: the check is not of a vanishing gradient. */
  readonly scale: number;
}

const npy = (file: string): Feed => {
  const array = readNpy(join(recurrentDir, file));
  return { data: array.data, dims: array.shape };
};

export const modelBytes = (c: RecurrentCase, opset: string): Uint8Array => new Uint8Array(readFileSync(join(recurrentDir, c.models[opset] as string)));

/**
 * Our gradients of each point's target logit, one run for all points, against torch's: of every
 * input of a sequence model, of the embedding output of the text model (the model cut there).
 */
export async function recurrentDeviation(ort: OrtModuleLike, c: RecurrentCase, opset: string, provider?: string): Promise<RecurrentDeviation> {
  let bytes = modelBytes(c, opset);
  let feeds: Record<string, Feed>;
  let expected: Record<string, Float32Array>;
  if (c.embedded && c.embeddingGradient) {
    const layer = findEmbeddingOutput(bytes) as string;
    bytes = encodeModel(cutAtTensor(bytes, layer).suffix);
    feeds = { [layer]: npy(c.embedded) };
    expected = { [layer]: npy(c.embeddingGradient).data as Float32Array };
  } else {
    feeds = Object.fromEntries(Object.entries(c.inputs ?? {}).map(([name, file]) => [name, npy(file)]));
    expected = Object.fromEntries(Object.entries(c.gradients ?? {}).map(([name, file]) => [name, npy(file).data as Float32Array]));
  }
  const count = c.targets.length;
  const seedOf = (n: number): Float32Array => {
    const classes = n / count;
    return Float32Array.from({ length: n }, (_, i) => (i % classes === c.targets[Math.floor(i / classes)] ? 1 : 0));
  };
  const run = await gradientOf(ort, bytes, feeds, seedOf, { inputs: Object.keys(expected), ...(provider ? { provider } : {}) });
  let gradient = 0;
  let scale = Infinity;
  for (const [name, want] of Object.entries(expected)) {
    const have = run.gradients[name] as Float32Array;
    if (have.length !== want.length) throw new Error(`gradient of ${name}: ${have.length} elements, expected ${want.length}`);
    const inputScale = maxAbs(want);
    let error = 0;
    for (let i = 0; i < want.length; i++) error = Math.max(error, Math.abs((have[i] as number) - (want[i] as number)));
    gradient = Math.max(gradient, error / inputScale);
    scale = Math.min(scale, inputScale);
  }
  const classes = run.output.length / count;
  let logit = 0;
  for (let k = 0; k < count; k++) {
    const torchLogit = c.logits[k] as number;
    const ours = run.output[k * classes + (c.targets[k] as number)] as number;
    logit = Math.max(logit, Math.abs(ours - torchLogit) / Math.max(1, Math.abs(torchLogit)));
  }
  return { gradient, logit, scale };
}
