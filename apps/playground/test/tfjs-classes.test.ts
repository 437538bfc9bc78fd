/** The class count the page reads from a tfjs model.json, against the output shape tfjs itself gives the model. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { modelOutputs, outputClasses } from '../src/tfjs-classes.js';
import type { ModelConfigJson } from '../src/tfjs-model-json.js';

/** The config model.json holds for `model` (modelTopology.config, as model.save() writes it). */
function savedConfig(model: tf.LayersModel): ModelConfigJson {
  const topology = model.toJSON(null, false) as unknown as { config: ModelConfigJson | ModelConfigJson['layers'] };
  return Array.isArray(topology.config) ? { layers: topology.config } : (topology.config as ModelConfigJson);
}

function classesOf(model: tf.LayersModel): number | undefined {
  return model.outputs[0]?.shape.at(-1) ?? undefined;
}

describe('the class count of a tfjs layers model', () => {
  test('a Sequential model ending in Dense, Softmax activation and Dropout', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [8, 8, 1] }),
        tf.layers.dense({ units: 7 }),
        tf.layers.activation({ activation: 'softmax' }),
        tf.layers.dropout({ rate: 0.1 }),
      ],
    });
    expect(classesOf(model)).toBe(7);
    expect(outputClasses(savedConfig(model))).toBe(7);
  });

  test('a functional model whose output is a Softmax layer over a Dense layer', () => {
    const input = tf.input({ shape: [6, 6, 3] });
    const dense = tf.layers.dense({ units: 3 }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.softmax().apply(dense) as tf.SymbolicTensor });
    expect(classesOf(model)).toBe(3);
    expect(outputClasses(savedConfig(model))).toBe(3);
  });

  test('an output layer that changes the width and declares no units gives no count', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 12, inputShape: [4] }), tf.layers.reshape({ targetShape: [3, 4] })] });
    expect(outputClasses(savedConfig(model))).toBeUndefined();
  });

  test('a functional model with several outputs: each by the output name tfjs gives it, with its class count', () => {
    const input = tf.input({ shape: [5, 5, 2] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 6, name: 'logits' }).apply(flat) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 2 }).apply(flat);
    const probabilities = tf.layers.dropout({ rate: 0.2, name: 'probabilities' }).apply(tf.layers.softmax().apply(dense)) as tf.SymbolicTensor;
    const map = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'map' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [probabilities, map, logits] });
    const outputs = modelOutputs(savedConfig(model), 'model.json');
    expect(outputs.map((o) => o.name)).toEqual(model.outputNames);
    expect(outputs.map((o) => o.classes)).toEqual([2, undefined, 6]);
    expect(model.outputs.map((o) => o.shape.at(-1))).toEqual([2, 3, 6]);
    expect(outputClasses(savedConfig(model))).toBeUndefined();
  });

  test('an output naming a layer model.json lacks is refused naming it', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    const config = { layers: savedConfig(model).layers ?? [], output_layers: [['missing', 0, 0]] };
    expect(() => modelOutputs(config, 'model.json')).toThrow(`model.json: output 0 names the layer "missing", which its layers do not hold`);
  });
});
