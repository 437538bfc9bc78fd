/** A tfjs layers model's class count, read from model.json: the units of the Dense layer that makes its output. */
import { ModelInputError } from './errors.js';
import type { ModelOutput } from './model-outputs.js';
import type { LayerJson, ModelConfigJson } from './tfjs-model-json.js';

/** Layers whose output has the shape of their input, so the class count is that of the layer before. */
const SHAPE_KEEPING = new Set([
  'Activation',
  'Softmax',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'PReLU',
  'ThresholdedReLU',
  'Dropout',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]);

function layerName(layer: LayerJson): string | undefined {
  return layer.name ?? layer.config?.name;
}

/** The layer that feeds `layer`: the one before it in a Sequential, its single inbound layer in a functional model. */
function previousLayer(layers: readonly LayerJson[], layer: LayerJson, functional: boolean): LayerJson | undefined {
  if (!functional) return layers[layers.indexOf(layer) - 1];
  const inbound = (layer.inbound_nodes as unknown[][][] | undefined)?.[0];
  const source = Array.isArray(inbound) && inbound.length === 1 && Array.isArray(inbound[0]) ? inbound[0][0] : undefined;
  return typeof source === 'string' ? layers.find((l) => layerName(l) === source) : undefined;
}

/** K where the layer (or the Dense layer under its activation and dropout layers) has K units; undefined where model.json does not say. */
function classesFrom(layers: readonly LayerJson[], layer: LayerJson | undefined, functional: boolean): number | undefined {
  let at = layer;
  while (at !== undefined && at.config?.units === undefined && SHAPE_KEEPING.has(at.class_name ?? '')) at = previousLayer(layers, at, functional);
  const units = at?.config?.units;
  return typeof units === 'number' && Number.isInteger(units) && units > 0 ? units : undefined;
}

/**
 * The model's outputs in model.outputNames' order, each by its layer's name: a Sequential's last
 * layer, or a functional model's output layers. `source` names model.json in the errors.
 */
export function modelOutputs(config: ModelConfigJson, source: string): ModelOutput[] {
  const layers = config.layers ?? [];
  if (config.output_layers === undefined) {
    const last = layers.at(-1);
    return last === undefined ? [] : [{ name: layerName(last) ?? 'output', classes: classesFrom(layers, last, false) }];
  }
  const names = config.output_layers.map((entry) => entry[0]);
  return names.map((name, k) => {
    const layer = layers.find((l) => layerName(l) === name);
    if (typeof name !== 'string' || layer === undefined)
      throw new ModelInputError(`${source}: output ${k} names the layer ${JSON.stringify(name)}, which its layers do not hold`);
    if (names.indexOf(name) !== k)
      throw new ModelInputError(
        `${source}: outputs ${names.indexOf(name)} and ${k} are both tensors of layer '${name}'; the playground picks an output by its layer name`,
      );
    return { name, classes: classesFrom(layers, layer, true) };
  });
}

/** The class count of a model with one output; undefined where model.json does not say or there are several outputs. */
export function outputClasses(config: ModelConfigJson): number | undefined {
  const outputs = modelOutputs(config, 'model.json');
  return outputs.length === 1 ? outputs[0]?.classes : undefined;
}
