import type * as IgTfjs from '@ig/tfjs';
import type * as TfConverter from '@tensorflow/tfjs-converter';
import type * as TfCore from '@tensorflow/tfjs-core';
import type { io } from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import { CliError, FileFormatError, UsageError } from '../errors.js';
import { readUserFile } from '../files.js';
import { weightFilePath } from '../weight-paths.js';
import { importRuntime } from './engine.js';
import { withInputHints } from './tfjs-input-hints.js';
import type { Engine, LoadedModel, LoadOptions, RuntimeRequirement } from './engine.js';

interface WeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly unknown[];
}

const TFJS_RUNTIME: RuntimeRequirement = {
  engine: 'the TensorFlow.js engine (model.json models)',
  packages: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-converter'],
};

/** TensorFlow.js model.json files (layers or graph models, weights beside them) on the tfjs cpu backend. */
export const engine: Engine = { name: 'tfjs', load: loadTfjsModel };

interface TfjsModules {
  readonly tf: typeof TfCore;
  readonly igTfjs: typeof IgTfjs;
}

/** tfjs-core with the cpu backend registered, and @ig/tfjs; or a MissingRuntimeError. */
async function importTfjs(): Promise<TfjsModules> {
  return importRuntime(async () => {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    // tfjs-core registers its gradients only through tfjs-layers (or @tensorflow/tfjs): a graph
    // model, loaded by the converter alone, would otherwise have none
    await import('@tensorflow/tfjs-layers');
    return { tf, igTfjs: await import('@ig/tfjs') };
  }, TFJS_RUNTIME);
}

/** The loader of one model format (graph models: the converter; layers models: tfjs-layers). */
function importConverter(): Promise<typeof TfConverter> {
  return importRuntime(() => import('@tensorflow/tfjs-converter'), TFJS_RUNTIME);
}

function importLayers(): Promise<typeof TfLayers> {
  return importRuntime(() => import('@tensorflow/tfjs-layers'), TFJS_RUNTIME);
}

async function loadTfjsModel(path: string, options: LoadOptions): Promise<LoadedModel> {
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
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights))
      throw new FileFormatError(path, 'a weightsManifest group needs "paths" and "weights" arrays');
    for (const file of group.paths) chunks.push(readUserFile(weightFilePath(path, file), 'weights file'));
    weightSpecs.push(...group.weights);
  }
  const weightData = Buffer.concat(chunks);

  const { tf, igTfjs } = await importTfjs();
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const artifacts = {
    modelTopology: json.modelTopology as object,
    weightSpecs: weightSpecs as io.WeightsManifestEntry[],
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    format: json.format as string,
  };
  const { tfjsBackend, tfjsContextualDecomposition, tfjsLayerSplit } = igTfjs;
  // a GraphDef (a list of nodes) where an older converter left out the format
  const graphModel = json.format === 'graph-model' || (json.format === undefined && Array.isArray((json.modelTopology as { node?: unknown }).node));
  if (options.layer && graphModel) throw new UsageError('--layer needs a TensorFlow.js layers model; this model.json is a graph model');
  try {
    if (graphModel) {
      const model = await (await importConverter()).loadGraphModel(tf.io.fromMemory(artifacts));
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
    const model = await (await importLayers()).loadLayersModel(tf.io.fromMemory(artifacts));
    const shape = model.inputs[0]?.shape ?? null;
    const backend = withInputHints(tfjsBackend(model, options.output !== undefined ? { output: options.output } : {}), igTfjs, model.inputs.length);
    const layer = options.layer;
    if (layer !== undefined && !model.layers.some((l) => l.name === layer)) {
      throw new UsageError(`--layer ${layer}: the model has no such layer; its layers are ${model.layers.map((l) => l.name).join(', ')}`);
    }
    const layerSplit = layer === undefined ? undefined : tfjsLayerSplit(model as never, layer);
    return {
      backend,
      engine: 'tfjs',
      provider,
      inputShape: shape,
      inputs: model.inputs.map((i) => ({ name: i.name, shape: i.shape })),
      ...(layerSplit ? { layerSplit } : {}),
      decomposition: () => tfjsContextualDecomposition(model),
      dispose: async () => {
        await backend.dispose();
        model.dispose();
      },
    };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = (error as Error).message;
    // tfjs-layers' own message lists its reasons on the lines that the first-line summary drops
    const unknown = /Unknown layer: (\w+)/.exec(message);
    if (unknown !== null) {
      throw new FileFormatError(
        path,
        `cannot load the TensorFlow.js model: tfjs-layers has no layer '${unknown[1] as string}' (a Keras layer it does not implement, such as Subtract, or a custom layer); rebuild the model without it`,
      );
    }
    throw new FileFormatError(path, `cannot load the TensorFlow.js model: ${message.split('\n')[0]}`);
  }
}
