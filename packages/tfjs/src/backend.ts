import * as tf from '@tensorflow/tfjs-core';
import { BackendContractError } from '@ig/core';
import type { GradientBackend, GradientRequest, GradientResponse, IntegrateRequest, IntegrateResponse, PointBatch } from '@ig/core';
import { DisposedBackendError } from './errors.js';
import { explainGradientError, releaseAbandonedTape, type InputDescription } from './gradient-errors.js';
import { refuseWrongGradients, withCorrectedKernels } from './kernel-workarounds.js';
import { explainKernelError } from './kernels.js';
import { describeInputs, describeModel, makeForward } from './model.js';
import type { Forward, OutputSelector, TfjsModel } from './model.js';

export interface TfjsBackendOptions {
  /** For a model with several outputs: the index or name of the one to explain. */
  readonly output?: OutputSelector;
}

/**
 * A GradientBackend that differentiates a TensorFlow.js model with tfjs autodiff on whichever
 * tfjs backend is active (cpu, wasm, webgl, webgpu, tensorflow).
 */
export function tfjsBackend(model: TfjsModel, options: TfjsBackendOptions = {}): GradientBackend {
  return new TfjsGradientBackend(makeForward(model, options.output), describeModel(model), describeInputs(model));
}

/** The same backend over an already-built forward pass (used by layer attribution). */
export function forwardBackend(forward: Forward, description: string): GradientBackend {
  return new TfjsGradientBackend(forward, description, { names: [], embeddingLayers: [] });
}

class TfjsGradientBackend implements GradientBackend {
  private disposed = false;

  constructor(
    private readonly forward: Forward,
    private readonly description: string,
    private readonly inputs: InputDescription,
  ) {}

  get name(): string {
    return `tfjs/${tf.getBackend()} (${this.description})`;
  }

  async predict(batch: PointBatch): Promise<Float32Array> {
    this.assertLive();
    const output = guard(() => tf.tidy(() => this.forward(toTensors(batch.points, batch.pointShapes, batch.count), batch.count)));
    return readAndDispose(output);
  }

  async gradients(request: GradientRequest): Promise<GradientResponse> {
    this.assertLive();
    const { count } = request;
    let objective: tf.Tensor | undefined;
    let gradients: tf.Tensor[];
    try {
      gradients = guard(() =>
        tf.tidy(() => {
          const points = toTensors(request.points, request.pointShapes, count);
          const weights = tf.tensor2d(request.outputWeights, [count, request.outputWeights.length / Math.max(count, 1)]);
          return gradientsOf(points, this.inputs, (xs) => {
            const perPoint = tf.sum(tf.mul(this.checkedForward(xs, count, weights.shape[1]), weights), 1);
            objective = tf.keep(perPoint);
            return tf.sum(perPoint);
          });
        }),
      );
    } catch (error) {
      objective?.dispose();
      throw error;
    }
    const objectiveValues = objective === undefined ? new Float32Array(count) : await readAndDispose(objective);
    const gradientValues = await Promise.all(gradients.map(readAndDispose));
    return { objective: objectiveValues, gradients: gradientValues };
  }

  async integrate(request: IntegrateRequest): Promise<IntegrateResponse> {
    this.assertLive();
    const count = request.alphas.length;
    const shapes = request.pointShapes;
    const sums = guard(() =>
      tf.tidy(() => {
        const points = request.input.map((input, i) => {
          const shape = shapes[i] as readonly number[];
          const x = tf.tensor(input, [1, ...shape], 'float32');
          const baseline = tf.tensor(request.baseline[i] as Float32Array, [1, ...shape], 'float32');
          const alphas = tf.tensor(request.alphas, [count, ...shape.map(() => 1)], 'float32');
          return tf.add(baseline, tf.mul(alphas, tf.sub(x, baseline)));
        });
        const outputWeights = tf.tensor2d(request.outputWeights, [1, request.outputWeights.length]);
        const quadratureWeights = tf.tensor1d(request.weights, 'float32');
        const gradients = gradientsOf(points, this.inputs, (xs) => {
          const perPoint = tf.sum(tf.mul(this.checkedForward(xs, count, request.outputWeights.length), outputWeights), 1);
          return tf.sum(tf.mul(perPoint, quadratureWeights));
        });
        return tf.concat(gradients.map((gradient) => tf.reshape(tf.sum(gradient, 0), [-1])));
      }),
    );
    const flat = await readAndDispose(sums);
    let offset = 0;
    const gradientSums = request.input.map((input) => {
      const part = flat.slice(offset, offset + input.length);
      offset += input.length;
      return part;
    });
    return { gradientSums };
  }

  dispose(): void {
    this.disposed = true;
  }

  private checkedForward(xs: tf.Tensor[], count: number, outputSize: number): tf.Tensor2D {
    const output = this.forward(xs, count);
    if (output.shape[1] !== outputSize) {
      throw new BackendContractError(`${this.description} gives ${output.shape[1]} outputs per point but ${outputSize} output weights per point were given`);
    }
    return output;
  }

  private assertLive(): void {
    if (this.disposed) throw new DisposedBackendError(`tfjsBackend (${this.description})`);
  }
}

function toTensors(points: readonly Float32Array[], shapes: readonly (readonly number[])[], count: number): tf.Tensor[] {
  if (points.length !== shapes.length) {
    throw new BackendContractError(`${points.length} point arrays but ${shapes.length} point shapes`);
  }
  return points.map((values, i) => tf.tensor(values, [count, ...(shapes[i] as readonly number[])], 'float32'));
}

/** Gradients of a scalar with respect to every input; an input the scalar does not depend on gets zeros. */
function gradientsOf(xs: tf.Tensor[], inputs: InputDescription, scalar: (xs: tf.Tensor[]) => tf.Scalar): tf.Tensor[] {
  try {
    const recorded = (): tf.Scalar => {
      const y = scalar(xs);
      refuseWrongGradients();
      return y;
    };
    const { grads } = withCorrectedKernels(() => tf.engine().gradients(recorded, xs, undefined, true));
    return xs.map((x, i) => grads[i] ?? tf.zerosLike(x));
  } catch (error) {
    releaseAbandonedTape();
    throw explainGradientError(error, xs, scalar, inputs);
  }
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw explainKernelError(error);
  }
}

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    const data = await t.data<'float32'>();
    return Float32Array.from(data);
  } finally {
    t.dispose();
  }
}
