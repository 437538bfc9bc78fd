import * as tf from '@tensorflow/tfjs-core';
import { IGError } from '@ig/core';
import { AsyncModelError, ModelOutputError, UnsupportedModelError } from './errors.js';
import type { InputDescription } from './gradient-errors.js';
import { checkInputShapes, GRAPH_MODEL_HINT, refuseIntegerGraphInputs } from './input-checks.js';

/** The parts of a `tf.LayersModel` / `tf.Sequential` this package uses. */
export interface LayersModelLike {
  readonly name: string;
  readonly inputs: readonly { readonly shape: readonly (number | null)[]; readonly name?: string }[];
  readonly outputNames: readonly string[];
  /** Read only to name an Embedding layer when token ids are given as inputs. */
  readonly layers?: readonly { readonly name: string; getClassName(): string }[];
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: { training?: boolean }): unknown;
}

/** The parts of a `tf.GraphModel` this package uses. */
export interface GraphModelLike {
  readonly inputNodes: readonly string[];
  readonly outputNodes: readonly string[];
  /** The graph's input signature (shape −1 where free; dtype as declared by its Placeholder). */
  readonly inputs: readonly { readonly shape?: readonly number[]; readonly name?: string; readonly dtype?: string }[];
  execute(inputs: tf.Tensor | tf.Tensor[], outputs?: string | string[]): tf.Tensor | tf.Tensor[];
  executeAsync(inputs: tf.Tensor | tf.Tensor[], outputs?: string | string[]): Promise<tf.Tensor | tf.Tensor[]>;
}

/** A differentiable function of the model inputs: one tensor for one input, an array for several. */
export type TfjsFunction = (inputs: tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[];

export type TfjsModel = LayersModelLike | GraphModelLike | TfjsFunction;

/** Which output of a multi-output model to explain: its index, or its name (output name or graph node). */
export type OutputSelector = number | string;

/** Runs the model on a batch of `count` points and returns its selected output as `[count, outputSize]`. */
export type Forward = (inputs: tf.Tensor[], count: number) => tf.Tensor2D;

export function isLayersModel(model: TfjsModel): model is LayersModelLike {
  return typeof model === 'object' && model !== null && 'apply' in model && 'outputNames' in model;
}

export function isGraphModel(model: TfjsModel): model is GraphModelLike {
  return typeof model === 'object' && model !== null && 'execute' in model && 'executeAsync' in model;
}

export function describeModel(model: TfjsModel): string {
  if (isLayersModel(model)) return `LayersModel '${model.name}'`;
  if (isGraphModel(model)) return 'GraphModel';
  return 'function';
}

/** Input names, and the Embedding layers to attribute at when an input has no gradient (token ids). */
export function describeInputs(model: TfjsModel): InputDescription {
  if (isGraphModel(model)) return { names: [...model.inputNodes], embeddingLayers: [], hint: GRAPH_MODEL_HINT };
  if (!isLayersModel(model)) return { names: [], embeddingLayers: [] };
  return {
    names: model.inputs.map((input, i) => input.name ?? `input ${i}`),
    embeddingLayers: (model.layers ?? []).filter((layer) => layer.getClassName() === 'Embedding').map((layer) => layer.name),
  };
}

/** Builds the forward pass of any supported model, selecting one output. */
export function makeForward(model: TfjsModel, output: OutputSelector | undefined): Forward {
  if (isLayersModel(model)) return layersForward(model, output);
  if (isGraphModel(model)) return graphForward(model, output);
  if (typeof model === 'function') {
    return (inputs, count) => {
      const result = model(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs);
      return selectOutput(result, output, [], 'function', count);
    };
  }
  throw new UnsupportedModelError('expected a tf.LayersModel, a tf.GraphModel or a function (x: tf.Tensor | tf.Tensor[]) => tf.Tensor');
}

function layersForward(model: LayersModelLike, output: OutputSelector | undefined): Forward {
  const where = `LayersModel '${model.name}'`;
  return (inputs, count) => {
    checkInputShapes(model.inputs, inputs, where);
    let result: unknown;
    try {
      result = model.apply(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs, { training: false });
    } catch (error) {
      throw explainUnsupported(error, where);
    }
    return selectOutput(result, output, model.outputNames, where, count);
  };
}

function graphForward(model: GraphModelLike, output: OutputSelector | undefined): Forward {
  return (inputs, count) => {
    const declared = model.inputNodes.map((name, i) => ({ ...model.inputs[i], name }));
    checkInputShapes(declared, inputs, 'GraphModel');
    refuseIntegerGraphInputs(declared);
    let result: tf.Tensor | tf.Tensor[];
    try {
      result = model.execute(inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs);
    } catch (error) {
      if (error instanceof Error && error.message.includes('executeAsync')) throw new AsyncModelError(error.message);
      throw error;
    }
    return selectOutput(result, output, model.outputNodes, 'GraphModel', count);
  };
}

/**
 * tfjs-layers builds some configurations it cannot run (a Softmax layer on an axis other than the
 * last, a Conv1D with 'causal' padding): its plain "not yet supported" Error or its
 * NotImplementedError becomes an UnsupportedModelError naming the model.
 */
export function explainUnsupported(error: unknown, where: string): unknown {
  if (!(error instanceof Error) || error instanceof IGError || !/not (yet )?(supported|implemented)/i.test(error.message)) return error;
  return new UnsupportedModelError(`${where} cannot run in tfjs ${tf.version_core}: ${error.message}`);
}

function selectOutput(result: unknown, output: OutputSelector | undefined, names: readonly string[], where: string, count: number): tf.Tensor2D {
  const outputs = Array.isArray(result) ? (result as unknown[]) : [result];
  let chosen: unknown;
  if (output === undefined) {
    if (outputs.length !== 1) {
      const listed = names.length > 0 ? ` [${names.join(', ')}]` : '';
      throw new ModelOutputError(`${where} returns ${outputs.length} outputs${listed}; choose one with the 'output' option (an index or a name)`);
    }
    chosen = outputs[0];
  } else if (typeof output === 'number') {
    if (!Number.isInteger(output) || output < 0 || output >= outputs.length) {
      throw new ModelOutputError(`${where}: output index ${output} is out of range; it returns ${outputs.length} outputs`);
    }
    chosen = outputs[output];
  } else {
    const index = names.findIndex((name) => name === output || name.split(':')[0] === output);
    if (index < 0) {
      throw new ModelOutputError(`${where} has no output named '${output}'; its outputs are [${names.join(', ')}]`);
    }
    chosen = outputs[index];
  }
  if (!(chosen instanceof tf.Tensor)) {
    throw new ModelOutputError(`${where} returned ${typeof chosen} where a tf.Tensor was expected`);
  }
  if (chosen.rank === 0 || chosen.shape[0] !== count) {
    throw new ModelOutputError(`${where}: output has shape [${chosen.shape.join(', ')}] but must have the batch of ${count} points in dim 0`);
  }
  if (chosen.dtype !== 'float32') {
    throw new ModelOutputError(`${where}: output has dtype ${chosen.dtype}; only float32 outputs can be differentiated`);
  }
  return tf.reshape(chosen, [count, -1]);
}
