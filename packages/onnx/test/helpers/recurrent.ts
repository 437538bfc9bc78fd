import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@ig/test-fixtures';
import { cutAtTensor, encodeModel, findEmbeddingOutput, inferShapes, prepareModel, type onnx, type OrtModuleLike } from '../../src/index.js';
import { withFacts } from '../../src/model/working-copy.js';
import { fixturesDir } from './fixtures.js';
import { feedsOf, gradientOf, runModel, type Feed } from './ort.js';
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

/**
 * The unrolled graph (see lowerRecurrentNodes) against onnxruntime's own LSTM, GRU and RNN
 * kernels: max over the model's outputs of max |unrolled − kernel| / max(1, max |kernel|).
 */
export async function loweredForwardDeviation(ort: OrtModuleLike, bytes: Uint8Array, feeds: Record<string, Feed>, provider: string): Promise<number> {
  const tensors = feedsOf(ort, feeds);
  const facts = await inferShapes(ort, bytes, tensors, { executionProviders: [provider] });
  const lowered = withFacts(prepareModel(bytes), facts).model;
  const graph = lowered.graph as onnx.GraphProto;
  if (graph.node.some((n) => ['LSTM', 'GRU', 'RNN'].includes(n.opType ?? ''))) throw new Error('a recurrent node was left in the unrolled model');
  const original = await runModel(ort, bytes, tensors, provider);
  const unrolled = await runModel(ort, encodeModel(lowered), tensors, provider);
  let worst = 0;
  for (const [name, tensor] of Object.entries(original)) {
    const want = tensor.data as Float32Array;
    const have = unrolled[name]?.data as Float32Array;
    if (have.length !== want.length) throw new Error(`output ${name}: ${have.length} elements, expected ${want.length}`);
    const scale = Math.max(1, maxAbs(want));
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((have[i] as number) - (want[i] as number)) / scale);
  }
  return worst;
}
