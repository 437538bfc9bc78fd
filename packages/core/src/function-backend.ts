import type { GradientBackend, GradientRequest, GradientResponse, PointBatch } from './backend.js';
import { BackendContractError } from './errors.js';
import { checkFunctions, checkGradientValues, checkOutputs, gradientsOf } from './function-backend-checks.js';

type Values = Float32Array | readonly number[];

/**
 * A model as plain per-point functions; each point is one Float32Array per model input. `example`
 * is the index of the example the point belongs to (PointBatch.exampleIndices; 0 when a caller
 * does not say), for a model with values of its own per example, such as a mask.
 */
export interface PointFunctions {
  /** The model's outputs at one point. */
  forward(point: readonly Float32Array[], example: number): Values;
  /**
   * ∂(Σⱼ outputWeights[j]·outputⱼ)/∂x at one point, one array per model input; optionally
   * with the objective's value, which saves a forward call. A model with one input may return
   * that input's gradient alone, as a bare Float32Array.
   */
  gradient(
    point: readonly Float32Array[],
    outputWeights: Float32Array,
    example: number,
  ): readonly Values[] | { readonly value: number; readonly gradients: readonly Values[] } | Float32Array;
}

/** A model as batched functions (one call per batch of points), e.g. a custom engine's kernels. */
export interface BatchFunctions {
  forwardBatch(batch: PointBatch): Float32Array | Promise<Float32Array>;
  gradientBatch(request: GradientRequest): GradientResponse | Promise<GradientResponse>;
}

function isBatch(fns: PointFunctions | BatchFunctions): fns is BatchFunctions {
  return typeof (fns as BatchFunctions).forwardBatch === 'function';
}

function pointViews(batch: PointBatch, k: number): Float32Array[] {
  return batch.points.map((data, i) => {
    const size = data.length / batch.count;
    if (!Number.isInteger(size)) throw new BackendContractError(`input ${i}: ${data.length} values do not split into ${batch.count} points`);
    return data.subarray(k * size, (k + 1) * size);
  });
}

/**
 * Wraps plain JavaScript functions into a GradientBackend: the way a custom engine embeds the
 * core. Per-point functions are called once per path point, and their gradients go into the
 * request's `gradientBuffers` when offered; batched ones are called once per batch with the
 * request as it is.
 */
export function functionBackend(fns: PointFunctions | BatchFunctions, name = 'function'): GradientBackend {
  checkFunctions(fns, name);
  if (isBatch(fns)) {
    return {
      name,
      predict: async (batch) => fns.forwardBatch(batch),
      gradients: async (request) => fns.gradientBatch(request),
      dispose: () => undefined,
    };
  }
  const forwardAll = (batch: PointBatch): Float32Array => {
    let out: Float32Array | null = null;
    for (let k = 0; k < batch.count; k++) {
      const y = checkOutputs(fns.forward(pointViews(batch, k), batch.exampleIndices?.[k] ?? 0), name, k);
      out ??= new Float32Array(batch.count * y.length);
      if (y.length * batch.count !== out.length)
        throw new BackendContractError(`${name}: forward returned ${y.length} outputs at point ${k}, earlier ${out.length / batch.count}`);
      out.set(y, k * y.length);
    }
    return out ?? new Float32Array(0);
  };
  return {
    name,
    predict: async (batch) => forwardAll(batch),
    gradients: async (request) => {
      const outputSize = request.outputWeights.length / request.count;
      const objective = new Float32Array(request.count);
      // Every value of the offered buffers is written below, so they can be returned as they are.
      const gradients = request.points.map((p, i) => {
        const offered = request.gradientBuffers?.[i];
        return offered !== undefined && offered.length === p.length ? offered : new Float32Array(p.length);
      });
      for (let k = 0; k < request.count; k++) {
        const point = pointViews(request, k);
        const weights = request.outputWeights.subarray(k * outputSize, (k + 1) * outputSize);
        const example = request.exampleIndices?.[k] ?? 0;
        const { grads, value } = gradientsOf(fns.gradient(point, weights, example), point.length, name, k);
        if (grads.length !== point.length) throw new BackendContractError(`${name}: gradient returned ${grads.length} arrays for ${point.length} input(s)`);
        grads.forEach((g, i) => {
          const size = (point[i] as Float32Array).length;
          (gradients[i] as Float32Array).set(checkGradientValues(g, size, i, name, k), k * size);
        });
        if (value !== undefined) {
          objective[k] = value;
        } else {
          const y = checkOutputs(fns.forward(point, example), name, k);
          let value = 0;
          for (let j = 0; j < y.length; j++) value += (weights[j] as number) * (y[j] as number);
          objective[k] = value;
        }
      }
      return { objective, gradients };
    },
    dispose: () => undefined,
  };
}
