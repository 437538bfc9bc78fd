import { throwIfAborted, type AbortSignalLike } from './abort.js';
import type { GradientBackend } from './backend.js';
import { checkGradientResponse, checkIntegrateResponse } from './backend-contract.js';
import { BackendContractError, NonFiniteError } from './errors.js';
import { abortable, yieldToEventLoop } from './event-loop.js';
import { firstNonFinite } from './path-kernels.js';
import type { PathWorkspace } from './path-workspace.js';
import { createPathWorkspace } from './path-workspaces.js';

/** The two ends of a straight path and the objective differentiated along it. */
export interface PathEnds {
  readonly example: number;
  /** Per model input: the example's values and its baseline (point-sized views). */
  readonly input: readonly Float32Array[];
  readonly baseline: readonly Float32Array[];
  /** `outputSize` objective weights. */
  readonly objective: Float32Array;
}

/** Part of one straight path whose weighted gradient sum goes into `sinks`. */
export interface PathSegment extends PathEnds {
  readonly alphas: Float64Array;
  readonly weights: Float64Array;
  /** Per model input: Σ weights[k]·gradient at alphas[k] is added here. */
  readonly sinks: readonly Float64Array[];
  /**
   * The objective at each of `alphas` is written here when given. A fused `integrate` returns
   * sums only, so a run with such segments goes through `gradients`.
   */
  readonly objectives?: Float64Array;
}

export interface PathRunnerOptions {
  readonly backend: GradientBackend;
  readonly pointShapes: readonly (readonly number[])[];
  readonly pointSizes: readonly number[];
  readonly outputSize: number;
  readonly batchSize: number;
  readonly signal: AbortSignalLike | undefined;
  /** Called with the number of points just evaluated. */
  readonly onPoints: (count: number) => void;
}

interface BatchPiece {
  readonly segment: PathSegment;
  readonly from: number;
  readonly count: number;
}

/**
 * Evaluates path segments through a backend, never holding more than one batch of points.
 * The point and gradient buffers are allocated once per runner and reused for every batch.
 */
export class PathRunner {
  private readonly options: PathRunnerOptions;
  private held: { workspace: PathWorkspace; objective: Float32Array; examples: Int32Array; capacity: number } | null = null;

  constructor(options: PathRunnerOptions) {
    this.options = options;
  }

  /** Lets go of the point buffers; the runner must not run again. */
  release(): void {
    this.held?.workspace.release();
    this.held = null;
  }

  async run(segments: readonly PathSegment[]): Promise<void> {
    if (this.options.backend.integrate !== undefined && segments.every((s) => s.objectives === undefined)) {
      for (const segment of segments) await this.runFused(segment);
      return;
    }
    await this.runUnfused(segments);
  }

  private async runFused(segment: PathSegment): Promise<void> {
    const { backend, batchSize, pointShapes, pointSizes, signal } = this.options;
    const integrate = backend.integrate;
    if (integrate === undefined) return;
    for (let from = 0; from < segment.alphas.length; from += batchSize) {
      await yieldToEventLoop(signal);
      const to = Math.min(segment.alphas.length, from + batchSize);
      const response = await abortable(
        integrate.call(backend, {
          input: segment.input,
          baseline: segment.baseline,
          pointShapes,
          alphas: Float32Array.from(segment.alphas.subarray(from, to)),
          weights: Float32Array.from(segment.weights.subarray(from, to)),
          outputWeights: segment.objective,
          exampleIndex: segment.example,
        }),
        signal,
      );
      throwIfAborted(signal);
      checkIntegrateResponse(backend.name, response, pointSizes);
      response.gradientSums.forEach((sum, input) => {
        const bad = firstNonFinite(sum);
        if (bad >= 0) {
          throw new NonFiniteError(
            `gradient of input ${input}`,
            bad,
            sum[bad] as number,
            ` (example ${segment.example}, path points ${from}..${to - 1}, alphas ${segment.alphas[from]?.toFixed(4)}..${segment.alphas[to - 1]?.toFixed(4)})`,
          );
        }
        const sink = segment.sinks[input] as Float64Array;
        for (let i = 0; i < sum.length; i++) sink[i] = (sink[i] as number) + (sum[i] as number);
      });
      this.options.onPoints(to - from);
    }
  }

  /**
   * Buffers for batches of `points`: a batchSize far above the points a run needs (Captum lets
   * internal_batch_size exceed the work) allocates only those; a later, larger run grows them.
   */
  private reserve(points: number): NonNullable<PathRunner['held']> {
    if (this.held !== null && points <= this.held.capacity) return this.held;
    const { pointSizes, outputSize } = this.options;
    this.held?.workspace.release();
    const workspace = createPathWorkspace(pointSizes, points);
    this.held = { workspace, objective: new Float32Array(points * outputSize), examples: new Int32Array(points), capacity: points };
    return this.held;
  }

  private async runUnfused(segments: readonly PathSegment[]): Promise<void> {
    const { pointSizes, outputSize } = this.options;
    const points = segments.reduce((total, segment) => total + segment.alphas.length, 0);
    const batchSize = Math.max(1, Math.min(this.options.batchSize, points));
    const { workspace, objective, examples } = this.reserve(batchSize);
    let pieces: BatchPiece[] = [];
    let filled = 0;
    for (const segment of segments) {
      for (let from = 0; from < segment.alphas.length;) {
        const count = Math.min(segment.alphas.length - from, batchSize - filled);
        for (let input = 0; input < pointSizes.length; input++) {
          workspace.fill(input, filled, segment.input[input] as Float32Array, segment.baseline[input] as Float32Array, segment.alphas, from, count);
        }
        for (let j = 0; j < count; j++) objective.set(segment.objective, (filled + j) * outputSize);
        examples.fill(segment.example, filled, filled + count);
        pieces.push({ segment, from, count });
        filled += count;
        from += count;
        if (filled === batchSize) {
          await this.evaluate(pieces, filled);
          pieces = [];
          filled = 0;
        }
      }
    }
    if (filled > 0) await this.evaluate(pieces, filled);
    workspace.flush();
  }

  private async evaluate(pieces: readonly BatchPiece[], count: number): Promise<void> {
    const { backend, pointShapes, pointSizes, outputSize, signal } = this.options;
    const { workspace, objective, examples, capacity } = this.reserve(count);
    await yieldToEventLoop(signal);
    const full = count === capacity;
    const batch = (buffers: readonly Float32Array[]): readonly Float32Array[] =>
      full ? buffers : buffers.map((buffer, input) => buffer.subarray(0, count * (pointSizes[input] as number)));
    const response = await abortable(
      backend.gradients({
        points: batch(workspace.points),
        pointShapes,
        count,
        outputWeights: full ? objective : objective.subarray(0, count * outputSize),
        gradientBuffers: batch(workspace.gradients),
        exampleIndices: full ? examples : examples.subarray(0, count),
      }),
      signal,
    );
    throwIfAborted(signal);
    checkGradientResponse(backend.name, response, pointSizes, count);
    let point = 0;
    for (const piece of pieces) {
      for (let input = 0; input < pointSizes.length; input++) {
        const gradients = response.gradients[input] as Float32Array;
        const sink = piece.segment.sinks[input] as Float64Array;
        if (workspace.accumulate(input, sink, gradients, point, piece.segment.weights, piece.from, piece.count))
          this.reportNonFinite(gradients, input, point, piece);
      }
      if (piece.segment.objectives !== undefined) this.copyObjectives(response.objective, point, piece);
      point += piece.count;
    }
    this.options.onPoints(count);
  }

  private copyObjectives(objective: Float32Array, firstPoint: number, piece: BatchPiece): void {
    const { backend } = this.options;
    if (!(objective instanceof Float32Array) || objective.length < firstPoint + piece.count) {
      throw new BackendContractError(`${backend.name}: gradients returned ${String(objective?.length)} objective values, expected one per point`);
    }
    for (let j = 0; j < piece.count; j++) {
      const value = objective[firstPoint + j] as number;
      if (!Number.isFinite(value))
        throw new NonFiniteError(
          'objective',
          firstPoint + j,
          value,
          ` (example ${piece.segment.example}, alpha ${(piece.segment.alphas[piece.from + j] as number).toFixed(6)})`,
        );
      (piece.segment.objectives as Float64Array)[piece.from + j] = value;
    }
  }

  private reportNonFinite(gradients: Float32Array, input: number, firstPoint: number, piece: BatchPiece): never {
    const size = this.options.pointSizes[input] as number;
    for (let j = 0; j < piece.count; j++) {
      const offset = (firstPoint + j) * size;
      const bad = firstNonFinite(gradients, offset, offset + size);
      if (bad >= 0) {
        const step = piece.from + j;
        throw new NonFiniteError(
          `gradient of input ${input}`,
          bad - offset,
          gradients[bad] as number,
          ` (example ${piece.segment.example}, path step ${step}, alpha ${(piece.segment.alphas[step] as number).toFixed(6)})`,
        );
      }
    }
    throw new NonFiniteError(
      `gradient sum of input ${input}`,
      firstNonFinite(piece.segment.sinks[input] as Float64Array),
      Number.NaN,
      ` (example ${piece.segment.example}: the weighted sum overflowed)`,
    );
  }
}
