import type { GradientBackend } from '@ig/core';
import type { LayerBackend } from '@ig/onnx';
import { FileFormatError, UsageError } from '../errors.js';
import { LARGE_GRAPH_NODES } from '../limits.js';
import type { ModelSummary } from '@ig/onnx';
import { graphCacheOf, importOnnx } from '../onnx-module.js';
import type { ContextValues, Engine, EngineStats, LoadedModel, LoadOptions } from './engine.js';
import { readModelBytes } from '../model-bytes.js';

/** .onnx models on onnxruntime-node (or onnxruntime-web for --provider wasm) through @ig/onnx. */
export const engine: Engine = { name: 'onnx', load: loadOnnxModel };

async function loadOnnxModel(path: string, options: LoadOptions): Promise<LoadedModel> {
  const provider = options.provider ?? 'cpu';
  let bytes: Uint8Array = await readModelBytes(path, provider);
  const onnx = await importOnnx(provider);
  let inputShape: (number | null)[] | null = null;
  let outputShape: (number | null)[] | null = null;
  let nodes: number;
  let declared: ModelSummary['inputs'] = [];
  try {
    let summary = onnx.inspect(bytes);
    if (options.output !== undefined && !summary.outputs.some((o) => o.name === options.output)) {
      // An intermediate tensor is explained as an extra output (neuron attribution).
      try {
        bytes = onnx.encodeModel(onnx.exposeTensor(bytes, options.output));
      } catch (error) {
        throw new UsageError(`--output ${options.output}: ${(error as Error).message}`);
      }
      summary = onnx.inspect(bytes);
    }
    declared = summary.inputs;
    const first = summary.inputs[0]?.shape;
    if (first) inputShape = first.map((d) => (typeof d === 'number' && d > 0 ? d : null));
    const chosen = options.output === undefined ? summary.outputs[0] : summary.outputs.find((o) => o.name === options.output);
    if (chosen === undefined)
      throw new UsageError(
        `--output ${String(options.output)}: the model has no such output; its outputs are ${summary.outputs.map((o) => o.name).join(', ')}`,
      );
    const output = chosen.shape;
    if (output) outputShape = output.map((d) => (typeof d === 'number' && d > 0 ? d : null));
    nodes = Object.values((summary['ops'] ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new FileFormatError(path, `not a readable ONNX model: ${(error as Error).message.split('\n')[0]}`);
  }
  if (nodes > LARGE_GRAPH_NODES && options.quiet !== true) {
    process.stderr.write(`warning: ${path} has ${nodes} nodes; building and loading its gradient graphs may take minutes\n`);
  }
  // @ig/onnx keeps onnxruntime's own log quiet; its messages are in the errors it throws
  const session = { executionProviders: [provider] };
  const chosenCache = await graphCacheOf(options);
  const graphCache = chosenCache?.graphCache;
  const cacheDir = chosenCache?.dir;
  let backend: GradientBackend & {
    readonly stats: EngineStats;
    readonly inputNames: readonly string[];
    withContext(context: ContextValues): GradientBackend;
  };
  let layerSplit: LayerBackend | undefined;
  try {
    backend = await onnx.onnxBackend(bytes, {
      ...session,
      ...(options.output !== undefined ? { output: options.output } : {}),
      ...(options.context !== undefined ? { context: options.context } : {}),
      ...(graphCache ? { graphCache } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
  } catch (error) {
    const hint = provider === 'cpu' ? '' : `; is the ${provider} provider available here? try --provider cpu`;
    // The model loaded but an op has no gradient rule: say so rather than "cannot load".
    const what = (error as { code?: string }).code === 'ONNX_UNSUPPORTED_OP' ? 'cannot differentiate the ONNX model' : 'cannot load the ONNX model';
    throw new FileFormatError(path, `${what}: ${(error as Error).message.split('\n')[0]}${hint}`, { cause: error });
  }
  const layer = options.layer;
  if (layer !== undefined) {
    try {
      layerSplit = await onnx.onnxLayerBackend(bytes, layer, session);
    } catch (error) {
      await backend.dispose();
      throw new UsageError(`--layer ${layer}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
    }
  }
  const split = layerSplit;
  const inputs = backend.inputNames.map((name) => ({
    name,
    shape: declared.find((i) => i.name === name)?.shape?.map((d) => (typeof d === 'number' && d > 0 ? d : null)) ?? null,
  }));
  return {
    backend,
    engine: 'onnx',
    provider,
    inputShape,
    inputs,
    outputShape,
    ...(split ? { layerSplit: split } : {}),
    stats: backend.stats,
    withContext: (context) => backend.withContext(context),
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    dispose: async () => {
      await split?.dispose();
      await backend.dispose();
    },
  };
}
