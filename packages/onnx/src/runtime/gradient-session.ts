import type { GradientRequest, GradientResponse } from '@ig/core';
import { encodeModel } from '../proto/model-io.js';
import { buildGradientModel } from '../autodiff/gradient.js';
import type { GraphRequest } from './graph-source.js';
import type { OrtSessionLike, OrtTensorLike } from './ort.js';
import { slotExamples } from './context.js';
import { padPoints, padRows, product, runsOf } from './run-batches.js';
import { toFloat32 } from './session.js';
import type { SessionContext } from './session-cache.js';
import { RuntimeError } from '../errors.js';

interface GradientMeta {
  readonly gradients: readonly string[];
  readonly outputShape: readonly number[];
}

function isGradientMeta(meta: unknown): meta is GradientMeta {
  const m = meta as GradientMeta;
  return (
    typeof meta === 'object' &&
    meta !== null &&
    Array.isArray(m.gradients) &&
    m.gradients.every((g) => typeof g === 'string') &&
    Array.isArray(m.outputShape) &&
    m.outputShape.every((d) => Number.isSafeInteger(d))
  );
}

export interface GradientContext extends SessionContext {
  /** The held-fixed (context) inputs for `count` run slots, slot k of example `slots[k]` (see slotExamples). */
  readonly contextFeeds: (count: number, slots: Int32Array | undefined) => Record<string, OrtTensorLike>;
}

/**
 * `gradients` on one gradient session per input shape: a batch of any size runs in runs of the
 * session's fixed number of points, the last padded with repeats of its last point under a zero
 * seed; padded rows are dropped.
 */
export function gradientRunner(context: GradientContext): {
  gradients(request: GradientRequest): Promise<GradientResponse>;
  sessions(): Promise<OrtSessionLike[]>;
} {
  const { ort, prepared, inputs, output } = context;
  const cache = context.sessionCache<GradientMeta>('gradient');

  const feedsOf = (
    points: readonly Float32Array[],
    shapes: readonly (readonly number[])[],
    size: number,
    slots: Int32Array | undefined,
  ): Record<string, OrtTensorLike> => {
    const feeds: Record<string, OrtTensorLike> = context.contextFeeds(size, slots);
    inputs.forEach((name, i) => (feeds[name] = new ort.Tensor('float32', points[i] as Float32Array, [size, ...(shapes[i] ?? [])])));
    return feeds;
  };

  const graphRequest = (
    shapes: readonly (readonly number[])[],
    size: number,
    points: () => Float32Array[],
    slots: Int32Array | undefined,
  ): GraphRequest<GradientMeta> => ({
    kind: 'gradient',
    pointShapes: shapes,
    pointsPerRun: size,
    options: { inputs },
    probeFeeds: () => feedsOf(points(), shapes, size, slots),
    build: (facts) => {
      const built = buildGradientModel(prepared, { output, facts, inputs });
      const outputShape = built.outputShape ?? facts.shapes.get(output);
      if (!outputShape) throw new RuntimeError(`the shape of output "${output}" is unknown`);
      return { model: encodeModel(built.model), meta: { gradients: inputs.map((name) => built.gradients.get(name) as string), outputShape } };
    },
    isMeta: isGradientMeta,
  });

  const gradients = async (request: GradientRequest): Promise<GradientResponse> => {
    const size = context.pointsPerRun(request.count);
    const objective = new Float32Array(request.count);
    const sizes = request.pointShapes.map((shape) => product(shape));
    const gradients = sizes.map((pointSize) => new Float32Array(request.count * pointSize));
    const outputSize = request.count > 0 ? request.outputWeights.length / request.count : 0;
    for (const [start, count] of runsOf(request.count, size)) {
      const points = request.points.map((p, i) => padPoints(p, sizes[i] as number, start, count, size));
      const seed = padRows(request.outputWeights, outputSize, start, count, size);
      const slots = slotExamples(request.exampleIndices, start, count, size);
      const graph = graphRequest(request.pointShapes, size, () => points, slots);
      const feeds = feedsOf(points, request.pointShapes, size, slots);
      const { meta, results } = await cache.run(graph, (m) => ({ ...feeds, ig_seed: new ort.Tensor('float32', seed, m.outputShape) }));
      const out = toFloat32(results[output], `output "${output}"`);
      for (let k = 0; k < count; k++) {
        let sum = 0;
        for (let j = 0; j < outputSize; j++) sum += (seed[k * outputSize + j] as number) * (out[k * outputSize + j] as number);
        objective[start + k] = sum;
      }
      meta.gradients.forEach((name, i) => {
        const pointSize = sizes[i] as number;
        (gradients[i] as Float32Array).set(toFloat32(results[name], `gradient "${name}"`).subarray(0, count * pointSize), start * pointSize);
      });
    }
    return { objective, gradients };
  };

  const sessions = (): Promise<OrtSessionLike[]> => cache.take();

  return { gradients, sessions };
}
