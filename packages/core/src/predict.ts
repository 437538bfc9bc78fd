import { throwIfAborted, type AbortSignalLike } from './abort.js';
import type { GradientBackend } from './backend.js';
import { checkBackend } from './backend-contract.js';
import { describeValue } from './describe-value.js';
import { BackendContractError, NonFiniteError } from './errors.js';
import { abortable, yieldToEventLoop } from './event-loop.js';
import { consecutiveExamples } from './example-indices.js';
import { firstNonFinite } from './path-kernels.js';
import type { ModelInputs } from './validate.js';

/**
 * Model outputs for `count` points stored point-major per input, in backend calls of at most
 * `batchSize` points; point k belongs to example `exampleIndices[k]`. Returns `count × outputSize`
 * values and the output size.
 */
export async function predictPoints(
  backend: GradientBackend,
  data: readonly Float32Array[],
  pointShapes: readonly (readonly number[])[],
  pointSizes: readonly number[],
  exampleIndices: Int32Array,
  batchSize: number,
  signal: AbortSignalLike | undefined,
  label: string,
): Promise<{ outputs: Float32Array; outputSize: number }> {
  checkBackend(backend);
  const count = exampleIndices.length;
  let outputs: Float32Array | null = null;
  let outputSize = 0;
  for (let from = 0; from < count; from += batchSize) {
    await yieldToEventLoop(signal);
    const n = Math.min(batchSize, count - from);
    const chunk = await abortable(
      backend.predict({
        points: data.map((d, i) => d.subarray(from * (pointSizes[i] as number), (from + n) * (pointSizes[i] as number))),
        pointShapes,
        count: n,
        exampleIndices: exampleIndices.subarray(from, from + n),
      }),
      signal,
    );
    throwIfAborted(signal);
    if (!(chunk instanceof Float32Array)) {
      throw new BackendContractError(`${backend.name}: predict returned ${describeValue(chunk)} for ${n} point(s); it must return a Float32Array`);
    }
    if (chunk.length === 0 || chunk.length % n !== 0) {
      throw new BackendContractError(`${backend.name}: predict returned ${chunk.length} values for ${n} point(s); expected a non-empty multiple of ${n}`);
    }
    if (outputs === null) {
      outputSize = chunk.length / n;
      outputs = new Float32Array(count * outputSize);
    } else if (chunk.length / n !== outputSize) {
      throw new BackendContractError(`${backend.name}: predict returned ${chunk.length / n} outputs per point, earlier ${outputSize}`);
    }
    const bad = firstNonFinite(chunk);
    if (bad >= 0) {
      const point = from + Math.floor(bad / outputSize);
      throw new NonFiniteError(`model output at ${label}`, bad % outputSize, chunk[bad] as number, ` (example ${exampleIndices[point]})`);
    }
    outputs.set(chunk, from * outputSize);
  }
  return { outputs: outputs ?? new Float32Array(0), outputSize };
}

/** Model outputs at the inputs themselves, one point per example. */
export function predictAtInput(
  backend: GradientBackend,
  model: ModelInputs,
  batchSize: number,
  signal: AbortSignalLike | undefined,
): Promise<{ outputs: Float32Array; outputSize: number }> {
  const data = model.tensors.map((t) => t.data);
  return predictPoints(backend, data, model.pointShapes, model.pointSizes, consecutiveExamples(model.examples), batchSize, signal, 'the input');
}
