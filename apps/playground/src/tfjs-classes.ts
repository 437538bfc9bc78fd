/** A tfjs layers model's class count, read from model.json: the units of the Dense layer that makes its output. */
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

/** K where the output layer (or the Dense layer under its activation and dropout layers) has K units; undefined where model.json does not say. */
export function outputClasses(config: ModelConfigJson): number | undefined {
  const layers = config.layers ?? [];
  const functional = config.output_layers !== undefined;
  if (functional && config.output_layers?.length !== 1) return undefined;
  const outputName = config.output_layers?.[0]?.[0];
  let layer = functional ? layers.find((l) => layerName(l) === outputName) : layers.at(-1);
  while (layer !== undefined && layer.config?.units === undefined && SHAPE_KEEPING.has(layer.class_name ?? ''))
    layer = previousLayer(layers, layer, functional);
  const units = layer?.config?.units;
  return typeof units === 'number' && Number.isInteger(units) && units > 0 ? units : undefined;
}
