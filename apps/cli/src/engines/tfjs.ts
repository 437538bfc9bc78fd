import type { io } from '@tensorflow/tfjs-core';
import { CliError, FileFormatError, UsageError } from '../errors.js';
import { readUserFile } from '../files.js';
import { weightFilePath } from '../weight-paths.js';
import type { LayerAttribution, LoadedModel, LoadOptions } from '../load-model.js';

interface WeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly unknown[];
}

/** A TensorFlow.js model.json (layers or graph model, weights beside it) on the tfjs cpu backend. */
export async function loadEngineModel(path: string, options: LoadOptions): Promise<LoadedModel> {
  const provider = options.provider ?? 'cpu';
  if (provider !== 'cpu') throw new UsageError(`--provider ${provider} is not available for TensorFlow.js models in Node; use --provider cpu`);
  let json: {
    format?: string;
    modelTopology?: unknown;
    weightsManifest?: readonly WeightsGroup[];
    [key: string]: unknown;
  };
  try {
    json = JSON.parse(readUserFile(path, 'model').toString('utf8')) as typeof json;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new FileFormatError(path, 'not a TensorFlow.js model.json (invalid JSON)');
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new FileFormatError(path, 'not a TensorFlow.js model.json (no modelTopology or weightsManifest)');
  }
  const chunks: Buffer[] = [];
  const weightSpecs: unknown[] = [];
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) throw new FileFormatError(path, 'a weightsManifest group needs "paths" and "weights" arrays');
    for (const file of group.paths) chunks.push(readUserFile(weightFilePath(path, file), 'weights file'));
    weightSpecs.push(...group.weights);
  }
  const weightData = Buffer.concat(chunks);

  const tf = await import('@tensorflow/tfjs-core');
  tf.env().set('PROD', true);
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const artifacts = {
    modelTopology: json.modelTopology as object,
    weightSpecs: weightSpecs as io.WeightsManifestEntry[],
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    format: json.format as string,
  };
  const { layerIntegratedGradients, tfjsBackend, tfjsContextualDecomposition } = await import('@ig/tfjs');
  if (options.layer && json.format === 'graph-model') throw new UsageError('--layer needs a TensorFlow.js layers model; this model.json is a graph model');
  try {
    if (json.format === 'graph-model') {
      const converter = await import('@tensorflow/tfjs-converter');
      const model = await converter.loadGraphModel(tf.io.fromMemory(artifacts));
      const shape = model.inputs[0]?.shape ?? null;
      const backend = tfjsBackend(model, options.output !== undefined ? { output: options.output } : {});
      return {
        backend,
        engine: 'tfjs',
        provider,
        inputShape: shape ? shape.map((d) => (d > 0 ? d : null)) : null,
        inputs: model.inputs.map((i) => ({ name: i.name, shape: i.shape ? i.shape.map((d) => (d > 0 ? d : null)) : null })),
        dispose: async () => {
          await backend.dispose();
          model.dispose();
        },
      };
    }
    const layers = await import('@tensorflow/tfjs-layers');
    const model = await layers.loadLayersModel(tf.io.fromMemory(artifacts));
    const shape = model.inputs[0]?.shape ?? null;
    const backend = tfjsBackend(model, options.output !== undefined ? { output: options.output } : {});
    const layer = options.layer;
    if (layer !== undefined && !model.layers.some((l) => l.name === layer)) {
      throw new UsageError(`--layer ${layer}: the model has no such layer; its layers are ${model.layers.map((l) => l.name).join(', ')}`);
    }
    const layerAttribution: LayerAttribution | undefined =
      layer === undefined
        ? undefined
        : async (input, igOptions) => {
            const result = await layerIntegratedGradients(model as never, layer, input, igOptions);
            return { attributions: result.attribution, reports: result.reports };
          };
    return {
      backend,
      engine: 'tfjs',
      provider,
      inputShape: shape,
      inputs: model.inputs.map((i) => ({ name: i.name, shape: i.shape })),
      ...(layerAttribution ? { layerAttribution } : {}),
      decomposition: () => tfjsContextualDecomposition(model),
      dispose: async () => {
        await backend.dispose();
        model.dispose();
      },
    };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new FileFormatError(path, `cannot load the TensorFlow.js model: ${(error as Error).message.split('\n')[0]}`);
  }
}
