import { encodeModel, prepareModel } from '../../src/index.js';
import { withFacts } from '../../src/model/working-copy.js';
import { makeModel } from './model.js';
import { feedsOf, gradientOf, runModel, runtimes, type Feed } from './ort.js';
import { differences, type Differences } from './finite-differences.js';
import { maxAbs, rng, uniform } from './random.js';
import { loweredForwardDeviation } from './recurrent.js';
import { inputsOf, STEP } from '../op-cases/index.js';
import type { RecurrentForm } from '../op-cases/recurrent.js';

export interface CheckedForm {
  /** Unrolled graph against onnxruntime's kernel, relative to max(1, max |output|), per runtime. */
  readonly forward: { readonly node: number; readonly web: number };
  readonly inputs: readonly {
    readonly input: string;
    readonly gradient: Float32Array;
    /** The same gradient on onnxruntime-web (wasm). */
    readonly web: Float32Array;
    readonly scale: number;
    readonly diffs: readonly Differences[];
  }[];
}

function transpose(data: Float32Array, dims: readonly number[], perm: readonly number[]): Feed {
  const outDims = perm.map((p) => dims[p] as number);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let source = 0;
    for (let i = 0; i < perm.length; i++) source += (index[i] as number) * (strides[perm[i] as number] as number);
    out[o] = data[source] as number;
    for (let i = perm.length - 1; i >= 0; i--) {
      index[i] = (index[i] as number) + 1;
      if ((index[i] as number) < (outDims[i] as number)) break;
      index[i] = 0;
    }
  }
  return { data: out, dims: outDims };
}

/**
 * A layout-1 node unrolled (its shapes are declared) against onnxruntime's layout-0 kernel of the
 * same node on transposed inputs, outputs transposed back.
 */
async function twinForwardDeviation(provider: 'cpu' | 'wasm', lowered: Uint8Array, twin: Uint8Array, feeds: Record<string, Feed>): Promise<number> {
  const ort = provider === 'cpu' ? runtimes.node : runtimes.web;
  const swapped = Object.fromEntries(
    Object.entries(feeds).map(([name, f]) => [name, ['x', 'h0', 'c0'].includes(name) ? transpose(f.data, f.dims, [1, 0, 2]) : f]),
  );
  const want = await runModel(ort, twin, feedsOf(ort, swapped), provider);
  const have = await runModel(ort, lowered, feedsOf(ort, feeds), provider);
  let worst = 0;
  for (const [name, tensor] of Object.entries(want)) {
    const dims = tensor.dims.map(Number);
    const expected = transpose(tensor.data as Float32Array, dims, dims.length === 4 ? [2, 0, 1, 3] : [1, 0, 2]).data;
    const got = have[name]?.data as Float32Array;
    const scale = Math.max(1, maxAbs(expected));
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)) / scale);
  }
  return worst;
}

/**
 * Runs one recurrent form: the unrolled graph's outputs against the kernel's, and every input's
 * gradient on both runtimes with its central differences (also at half the step where `halfStep`
 * or the form has kinks). A layout-1 form's gradient and differences are of its unrolled model,
 * which the kernel cannot run.
 */
export async function runForm(c: RecurrentForm, index: number, halfStep = false): Promise<CheckedForm> {
  const bytes = makeModel(c.model);
  const feeds = inputsOf(c, 500 + index);
  let checkedModel = bytes;
  let forward: CheckedForm['forward'];
  if (c.twin) {
    checkedModel = encodeModel(withFacts(prepareModel(bytes), undefined).model);
    const twin = makeModel(c.twin.model);
    forward = { node: await twinForwardDeviation('cpu', checkedModel, twin, feeds), web: await twinForwardDeviation('wasm', checkedModel, twin, feeds) };
  } else {
    forward = {
      node: await loweredForwardDeviation(runtimes.node, bytes, feeds, 'cpu'),
      web: await loweredForwardDeviation(runtimes.web, bytes, feeds, 'wasm'),
    };
  }
  const seedOf = (n: number): Float32Array => uniform(rng(507 + index), n, -1, 1);
  const run = await gradientOf(runtimes.node, checkedModel, feeds, seedOf);
  const web = await gradientOf(runtimes.web, checkedModel, feeds, seedOf, { provider: 'wasm' });
  const seed = seedOf(run.output.length);
  const inputs = [];
  for (const input of Object.keys(c.model.inputs)) {
    const gradient = run.gradients[input] as Float32Array;
    const diffs = await differences(runtimes.node, checkedModel, feeds, input, seed, [...gradient.keys()], c.step ?? STEP, undefined, {
      halfStep: halfStep || c.kinked,
    });
    inputs.push({ input, gradient, web: web.gradients[input] as Float32Array, scale: Math.max(1, maxAbs(gradient)), diffs });
  }
  return { forward, inputs };
}
