import { IGError } from '@ig/core';

/** The active tfjs backend has no kernel for an op the model (or its gradient) needs. */
/** Why tfjs asks for a kernel that an input gradient should not need. */
const KERNEL_NOTES: Record<string, string> = {
  Conv2DBackpropFilter:
    " (a tfjs-layers Conv2D whose activation is not relu or elu (linear, tanh, sigmoid, …) runs tfjs's fused conv2d, and its fused gradient computes the filter gradient too)",
};

export class MissingKernelError extends IGError {
  readonly kernel: string;
  readonly backend: string;
  /** Registered backends that do have the kernel. */
  readonly alternatives: readonly string[];
  constructor(kernel: string, backend: string, alternatives: readonly string[]) {
    const hint =
      alternatives.length > 0
        ? `; backends with this kernel: ${alternatives.join(', ')} (e.g. await tf.setBackend('${alternatives[0] as string}'))`
        : '; the cpu backend (@tensorflow/tfjs-backend-cpu) implements every gradient kernel';
    super(
      'MISSING_KERNEL',
      `tfjs backend '${backend}' has no kernel '${kernel}', which the model's forward pass or its input gradient needs${KERNEL_NOTES[kernel] ?? ''}${hint}`,
    );
    this.kernel = kernel;
    this.backend = backend;
    this.alternatives = alternatives;
  }
}

/** A GraphModel holds dynamic ops (control flow, NonMaxSuppression, Where) and needs executeAsync. */
export class AsyncModelError extends IGError {
  constructor(detail: string) {
    super(
      'ASYNC_MODEL',
      `this GraphModel can only run with executeAsync, which tfjs cannot differentiate; export it without dynamic ops (control flow, Where, NonMaxSuppression) or wrap the differentiable part in a function. tfjs said: ${detail}`,
    );
  }
}

/** The model's output cannot be used: wrong batch size, several outputs without a choice, not a tensor. */
export class ModelOutputError extends IGError {
  constructor(message: string) {
    super('BAD_MODEL_OUTPUT', message);
  }
}

/** The model or layer handed to @ig/tfjs is not one it can run. */
export class UnsupportedModelError extends IGError {
  constructor(message: string) {
    super('UNSUPPORTED_MODEL', message);
  }
}

/** A backend was used after dispose(). */
export class DisposedBackendError extends IGError {
  constructor(name: string) {
    super('DISPOSED', `${name} was used after dispose()`);
  }
}

/**
 * tfjs has no input gradient for an op of the model: a conv with dilation rate > 1 (tfjs 4
 * refuses its gradient), or an op with no registered gradient at all.
 */
export class NoGradientError extends IGError {
  /** The tfjs kernel, e.g. `Conv2D`. */
  readonly op: string;
  constructor(op: string, reason: string) {
    super('NO_GRADIENT', `tfjs cannot differentiate op '${op}' of this model: ${reason}`);
    this.op = op;
  }
}

/**
 * A model input that tfjs cannot differentiate: integer-valued, like token ids into an Embedding
 * (its gradient is not a float32 tensor). Attribute at a float layer after it instead.
 */
export class NonDifferentiableInputError extends IGError {
  /** Positions of the inputs that have no gradient, in the model's input order. */
  readonly inputs: readonly number[];
  /** Their names, where the model names its inputs. */
  readonly names: readonly string[];
  /** The model's Embedding layers, where attribution can go instead (empty when none is known). */
  readonly embeddingLayers: readonly string[];
  /**
   * `reason` replaces "it reaches tfjs op '<op>' as an integer index …"; `described.hint`
   * replaces the suggestion of layerIntegratedGradients (for a model that cannot be cut at a layer).
   */
  constructor(
    inputs: readonly number[],
    described: { readonly names: readonly string[]; readonly embeddingLayers: readonly string[]; readonly hint?: string },
    op: string,
    reason?: string,
  ) {
    const names = inputs.map((i) => described.names[i] ?? `input ${i}`);
    const which = inputs.map((i) => (described.names[i] !== undefined ? `input ${i} ('${described.names[i] as string}')` : `input ${i}`)).join(', ');
    const layer = described.embeddingLayers[0];
    const hint =
      described.hint ??
      (layer === undefined
        ? 'with layerIntegratedGradients(model, <first float layer>, inputs)'
        : `with layerIntegratedGradients(model, '${layer}', inputs); Embedding layers: ${described.embeddingLayers.join(', ')}`);
    const because = reason ?? `it reaches tfjs op '${op}' as an integer index (token ids into an Embedding, or a gather)`;
    super('NON_DIFFERENTIABLE_INPUT', `${which} of this model has no gradient: ${because}; attribute at a float layer after it instead, ${hint}`);
    this.inputs = inputs;
    this.names = names;
    this.embeddingLayers = described.embeddingLayers;
  }
}

/**
 * A value that reaches an Embedding layer from a model input is not a token id of its
 * vocabulary: not an integer, or outside 0 … inputDim − 1 (tfjs would truncate it or, on some
 * backends, look up zeros).
 */
export class TokenIdError extends IGError {
  /** Where the value is: `input 0`, `baseline of input 0`. */
  readonly where: string;
  /** Its flat index in that tensor. */
  readonly index: number;
  readonly value: number;
  /** The Embedding layer and its vocabulary size (inputDim). */
  readonly layer: string;
  readonly vocabulary: number;
  constructor(where: string, index: number, position: string, value: number, layer: string, vocabulary: number) {
    const what = Number.isInteger(value) ? 'outside the vocabulary' : 'not an integer token id';
    // Inputs are float32: 3.9 arrives as 3.9000000953674316, so show the digits float32 holds.
    const shown = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(7)));
    super(
      'BAD_TOKEN_ID',
      `${where} has ${shown} at flat index ${index} (${position}), ${what} of Embedding layer '${layer}' (inputDim ${vocabulary}: ids 0 to ${vocabulary - 1})`,
    );
    this.where = where;
    this.index = index;
    this.value = value;
    this.layer = layer;
    this.vocabulary = vocabulary;
  }
}
