/**
 * A dropped TensorFlow.js layers model: model.json's input shape (as tfjs saves it, or wrapped in
 * `model_config` as the Keras converter writes it) and the weight files its manifest names.
 */
import { ModelInputError } from './errors.js';
import type { ImageInputSpec } from './image.js';
import { specFromShape, type DeclaredShape } from './input-shape.js';
import type { ModelOutput } from './model-outputs.js';
import { modelOutputs } from './tfjs-classes.js';
import type { LayerJson, ModelConfigJson } from './tfjs-model-json.js';

interface ModelJson {
  readonly format?: string;
  readonly modelTopology?: {
    readonly config?: ModelConfigJson | readonly LayerJson[];
    readonly model_config?: { readonly config?: ModelConfigJson | readonly LayerJson[] };
    readonly node?: unknown;
  };
  readonly weightsManifest?: readonly { readonly paths?: readonly string[] }[];
}

function parse(text: string, name: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelInputError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null) throw new ModelInputError(`${name} is not a tfjs model.json (it holds no object)`);
  return json as ModelJson;
}

/** The layers model's config: a Sequential's layer list, or a functional model's layers and its input and output layers. */
function modelConfig(json: ModelJson, name: string): ModelConfigJson {
  const topology = json.modelTopology;
  if (json.format === 'graph-model' || topology?.node !== undefined)
    throw new ModelInputError(`${name} is a tfjs graph model; the playground loads layers models (tf.loadLayersModel), converted from Keras`);
  if (typeof topology !== 'object' || !Array.isArray(json.weightsManifest))
    throw new ModelInputError(`${name} is not a tfjs layers model.json (it needs modelTopology and weightsManifest)`);
  const config = topology.model_config?.config ?? topology.config;
  return Array.isArray(config) ? { layers: config as readonly LayerJson[] } : ((config as ModelConfigJson | undefined) ?? {});
}

/** The declared input shape: the functional model's input layer, or the first layer of a Sequential. */
function declaredInputShape(config: ModelConfigJson): DeclaredShape | undefined {
  const layers = config.layers ?? [];
  const inputName = config.input_layers?.[0]?.[0];
  const layer = layers.find((l) => inputName !== undefined && (l.name ?? l.config?.name) === inputName) ?? layers[0];
  return layer?.config?.batch_input_shape ?? layer?.config?.batch_shape;
}

export interface TfjsImageModel {
  readonly input: ImageInputSpec;
  /** The number of classes of the first output, where its layer declares it (a Dense layer's units). */
  readonly classes: number | undefined;
  /** Every output, by name, with its class count: the one explained is picked on the page. */
  readonly outputs: readonly ModelOutput[];
}

/** Reads model.json; every weight file its manifest names must be among `files` (by file name). */
export function readTfjsImageModel(text: string, name: string, files: readonly string[]): TfjsImageModel {
  const json = parse(text, name);
  const config = modelConfig(json, name);
  const inputs = (config.input_layers ?? []).map((entry) => String(entry[0]));
  if (inputs.length > 1)
    throw new ModelInputError(`${name} takes ${inputs.length} inputs (${inputs.join(', ')}); the playground explains models with one image input`);
  const shape = declaredInputShape(config);
  if (shape === undefined) throw new ModelInputError(`${name}: no input shape found (batch_input_shape of its input layer)`);
  const needed = (json.weightsManifest ?? []).flatMap((group) => group.paths ?? []).map((path) => path.split('/').pop() ?? path);
  const missing = needed.filter((file) => !files.includes(file));
  if (missing.length > 0)
    throw new ModelInputError(
      `${name} needs the weight file${missing.length > 1 ? 's' : ''} ${missing.map((f) => `'${f}'`).join(', ')}; drop ${missing.length > 1 ? 'them' : 'it'} together with ${name}`,
    );
  const outputs = modelOutputs(config, name);
  return { input: specFromShape(shape, name), classes: outputs[0]?.classes, outputs };
}
