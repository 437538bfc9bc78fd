import { makeModel } from '../helpers/model.js';
import { gradientOf, runtimes, type Feed } from '../helpers/ort.js';
import { differences, hasKinks, type Differences } from '../helpers/finite-differences.js';
import { maxAbs, rng, uniform } from '../helpers/random.js';
import type { OpCase } from './case.js';
import { elementwiseCases } from './elementwise.js';
import { convCases, linearCases } from './linear-conv.js';
import { normalizationCases, poolingCases } from './pooling-normalization.js';
import { shapeCases, slicingCases } from './shape-slicing.js';
import { reduceCases, resizeCases } from './reduce-resize.js';
import { activationTrigCases } from './activations-trig.js';
import { normMoreCases, rearrangeCases, reduceMoreCases } from './rearrange-norms.js';
import { gatherEinsumCases } from './gather-einsum.js';
import { compositeCases, scatterCases } from './composite.js';
import { signalCases } from './signal.js';
import { gridSampleCases } from './grid-sample.js';
import { attentionRotaryCases } from './attention.js';
import { contribFusedCases } from './contrib-fused.js';
import { contribAttentionCases } from './contrib-attention.js';
import { contribEmbeddingCases } from './contrib-embedding.js';

export const opCases: OpCase[] = [
  ...elementwiseCases,
  ...linearCases,
  ...convCases,
  ...poolingCases,
  ...normalizationCases,
  ...shapeCases,
  ...slicingCases,
  ...reduceCases,
  ...resizeCases,
  // New cases go last: a case's random inputs are seeded by its index.
  ...rearrangeCases,
  ...normMoreCases,
  ...activationTrigCases,
  ...reduceMoreCases,
  ...gatherEinsumCases,
  ...compositeCases,
  ...scatterCases,
  ...signalCases,
  ...gridSampleCases,
  ...attentionRotaryCases,
  // onnxruntime's contrib ops: fused and normalization ops, then the attention family.
  ...contribFusedCases,
  ...contribAttentionCases,
  ...contribEmbeddingCases,
];

/**
 * Forward passes run in float32 on onnxruntime. A step of 1e-2 balances the rounding error of the
 * difference quotient (~1e-7·|f|/h) against its truncation error (h²/6·|f'''|).
 */
export const STEP = 1e-2;

export function inputsOf(c: OpCase, seed: number): Record<string, Feed> {
  const random = rng(seed);
  return Object.fromEntries(
    Object.entries(c.model.inputs).map(([name, dims]) => {
      const [low, high] = c.ranges?.[name] ?? [-1, 1];
      const shape = dims.map(Number);
      return [
        name,
        {
          data: uniform(
            random,
            shape.reduce((a, b) => a * b, 1),
            low,
            high,
          ),
          dims: shape,
        },
      ];
    }),
  );
}

export interface CheckedInput {
  readonly input: string;
  readonly gradient: Float32Array;
  /** max(1, max |gradient|): tolerances are relative to it. */
  readonly scale: number;
  readonly diffs: readonly Differences[];
  /** Whether the model has an op with kinks (see hasKinks). */
  readonly kinked: boolean;
}

/**
 * The case's gradient (onnxruntime-node) and its differences at every element; also at half the
 * step where the model has kinks or `halfStep` asks for them.
 */
export async function runOpCase(c: OpCase, index: number, halfStep = false): Promise<CheckedInput[]> {
  const bytes = makeModel(c.model);
  const feeds = inputsOf(c, 1000 + index);
  const seedOf = (n: number): Float32Array => uniform(rng(7 + index), n, -1, 1);
  const run = await gradientOf(runtimes.node, bytes, feeds, seedOf, { inputs: c.check });
  const seed = seedOf(run.output.length);
  const kinked = hasKinks(c.model.nodes.map((n) => n.op));
  const checked: CheckedInput[] = [];
  for (const input of c.check ?? Object.keys(c.model.inputs)) {
    const gradient = run.gradients[input] as Float32Array;
    // Differences are taken at the gradient's own elements, so a gradient of the wrong size would go unseen.
    const size = (c.model.inputs[input] ?? []).map(Number).reduce((a, b) => a * b, 1);
    if (gradient.length !== size) throw new Error(`${c.name}: the gradient of ${input} has ${gradient.length} elements, the input ${size}`);
    const indices = [...Array(gradient.length).keys()];
    const diffs = await differences(runtimes.node, bytes, feeds, input, seed, indices, c.step ?? STEP, undefined, { halfStep: halfStep || kinked });
    checked.push({ input, gradient, scale: Math.max(1, maxAbs(gradient)), diffs, kinked });
  }
  return checked;
}

/** The key of one checked input in tolerances.json. */
export const toleranceKey = (c: OpCase, input: string): string => `${c.name} ∂/∂${input}`;
