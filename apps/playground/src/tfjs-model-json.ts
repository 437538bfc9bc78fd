/** The parts of a tfjs layers model.json's topology the page reads. */
import type { DeclaredShape } from './input-shape.js';

export interface LayerJson {
  readonly class_name?: string;
  readonly name?: string;
  readonly config?: {
    readonly name?: string;
    readonly batch_input_shape?: DeclaredShape;
    readonly batch_shape?: DeclaredShape;
    /** A Dense layer's output width. */
    readonly units?: unknown;
  };
  /** Functional models (tfjs and Keras 2): [[[layer name, node index, tensor index, kwargs], …]]. */
  readonly inbound_nodes?: unknown;
}

export interface ModelConfigJson {
  readonly layers?: readonly LayerJson[];
  /** Functional models: [[layer name, node index, tensor index], …]. */
  readonly input_layers?: readonly (readonly unknown[])[];
  readonly output_layers?: readonly (readonly unknown[])[];
}
