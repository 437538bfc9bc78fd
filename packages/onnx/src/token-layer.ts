import {
  idsInputName,
  layerIntegratedGradients,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
  type LayerHead,
  type LayerSplit,
  type Tensor,
} from '@ig/core';
import type { onnx } from './proto/generated/onnx.js';
import { encodeModel } from './proto/model-io.js';
import { DataType } from './proto/tensor.js';
import { toModel } from './model/prepare.js';
import { withEmbeddingLookups } from './model/composite/contrib/embedding-lookups.js';
import { asIntegratedGradientsResult, cutAtTensor, type CutModel } from './layer.js';
import { createOnnxBackend, type OnnxBackend, type OnnxBackendOptions } from './runtime/backend.js';
import { checkSharedAxes, ContextInputError, feedsOf, type ContextData, type ContextInputs, type ContextTensor } from './runtime/context.js';
import type { OrtModuleLike, OrtSessionLike } from './runtime/ort.js';
import { RuntimeError } from './errors.js';
import { checkSequenceLengths, checkTokenIds, embeddingTables } from './token-ids.js';
import { positionLimit } from './position-offset.js';

export type TokenLayerOptions = Omit<OnnxBackendOptions, 'inputs' | 'context'>;

export interface TokenLayerAttributionOptions extends Omit<IntegratedGradientsOptions, 'baselines' | 'attributionsInto'> {
  /**
   * The baseline's inputs that differ from the example's, usually the token ids with a pad or
   * [MASK] id at every position; the other inputs (the attention mask) keep the example's values.
   */
  readonly baselines: ContextInputs;
}

/**
 * A token model split at a float tensor (the core's LayerSplit over inputs given by name): the
 * prefix gives the layer's activation, the suffix a backend from it with every other input the
 * suffix reads (an attention mask, the ids themselves) held at the example's values.
 */
export interface TokenLayerExplainer extends LayerSplit<ContextInputs> {
  readonly cut: CutModel;
  /** The graph inputs by name, with their ONNX element types. */
  readonly inputTypes: ReadonlyMap<string, number>;
  /**
   * How many tokens the model has position embeddings for: the table's rows, less 2 for RoBERTa's
   * position ids (see positionLimit); undefined when unknown.
   */
  readonly maxPositions: number | undefined;
  /** The graph inputs' declared shapes: a number for a fixed axis, null for a free one (or an unknown shape). */
  readonly inputShapes: ReadonlyMap<string, readonly (number | null)[] | null>;
  /** The model's output (float32, its shape) for one example's inputs, given by name. */
  predict(inputs: ContextInputs): Promise<Tensor>;
  /** The layer tensor (float32) for one example's inputs, given by name. */
  activation(inputs: ContextInputs): Promise<Tensor>;
  /**
   * Layer Integrated Gradients (Captum's LayerIntegratedGradients) for one example: IG in the
   * layer's space from the baseline's activation to the example's, every input the suffix still
   * reads (an attention mask, the ids themselves) held at the example's values. The same as the
   * core's `layerIntegratedGradients(explainer, inputs, { baselines: { ...inputs, ...baselines } })`.
   */
  attribute(inputs: ContextInputs, options: TokenLayerAttributionOptions): Promise<IntegratedGradientsResult>;
  dispose(): Promise<void>;
}

/**
 * Layer attribution for models whose inputs are token ids (int64) and masks: the cut is at a float
 * tensor downstream of the ids, such as the output of the embedding `Gather`.
 */
export async function createTokenLayerExplainer(
  ort: OrtModuleLike,
  runtimeName: string,
  source: onnx.IModelProto | Uint8Array,
  layer: string,
  options: TokenLayerOptions = {},
): Promise<TokenLayerExplainer> {
  // A fused embedding (com.microsoft.EmbedLayerNormalization) becomes standard ops with its word lookup a Gather.
  const model = withEmbeddingLookups(toModel(source));
  const cut = cutAtTensor(model, layer, options.output);
  const graph = model.graph as onnx.GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputTypes = new Map<string, number>(
    graph.input.filter((v) => !initializers.has(v.name)).map((v) => [v.name ?? '', v.type?.tensorType?.elemType ?? DataType.FLOAT]),
  );
  const inputShapes = new Map<string, (number | null)[] | null>(
    graph.input
      .filter((v) => !initializers.has(v.name))
      .map((v) => {
        const dims = v.type?.tensorType?.shape?.dim;
        return [v.name ?? '', dims ? dims.map((d) => (!d.dimParam && Number(d.dimValue) > 0 ? Number(d.dimValue) : null)) : null];
      }),
  );
  const tables = embeddingTables(graph);
  const maxPositions = await positionLimit(ort, model, inputTypes, inputShapes);
  const provider = options.executionProviders?.[0] ?? 'cpu';
  const open = async (part: onnx.IModelProto, what: string): Promise<OrtSessionLike> => {
    try {
      return await ort.InferenceSession.create(encodeModel(part), { logSeverityLevel: 4, ...(options.sessionOptions ?? {}), executionProviders: [provider] });
    } catch (error) {
      throw new RuntimeError(`${what} could not be loaded`, [error]);
    }
  };
  const prefix = await open(cut.prefix, `the prefix up to "${layer}"`);
  const forward = await open(model, 'the model');
  const outputName = options.output ?? graph.output[0]?.name ?? '';

  const runFor = async (session: OrtSessionLike, inputs: ContextInputs, name: string, what: string): Promise<Tensor> => {
    for (const input of inputTypes.keys()) {
      if (!inputs[input]) throw new ContextInputError(input, 'is an input of the model; give its value');
    }
    checkSharedAxes(graph, inputs);
    checkSequenceLengths(graph, inputs, maxPositions);
    checkTokenIds(inputs, tables);
    const feeds = feedsOf(ort, Object.fromEntries(session.inputNames.map((n) => [n, inputs[n] as ContextTensor])), inputTypes);
    let results;
    try {
      results = await session.run(feeds);
    } catch (error) {
      throw new RuntimeError(`${what} failed to run`, [error]);
    }
    const value = results[name];
    if (!value || !(value.data instanceof Float32Array)) throw new RuntimeError(`"${name}" is not a float32 tensor`);
    return { data: value.data, shape: [...value.dims] };
  };
  const activation = (inputs: ContextInputs): Promise<Tensor> => runFor(prefix, inputs, layer, `the prefix up to "${layer}"`);
  const firstInput = inputTypes.keys().next().value as string;
  // The suffix backend of the first example; later ones feed their own inputs on its sessions.
  let suffix: Promise<OnnxBackend> | undefined;

  const explainer: TokenLayerExplainer = {
    cut,
    layer,
    inputTypes,
    inputShapes,
    maxPositions,
    activation,
    predict: (inputs: ContextInputs): Promise<Tensor> => runFor(forward, inputs, outputName, 'the model'),
    examples: (inputs) => {
      const first = inputs[firstInput];
      if (!first) throw new ContextInputError(firstInput, 'is an input of the model; give its value');
      return first.shape[0] ?? 1;
    },
    example: (inputs, index) => Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, exampleOf(value, index)])),
    async head(inputs): Promise<LayerHead> {
      const context = Object.fromEntries(cut.passthrough.map((name) => [name, inputs[name]]).filter(([, v]) => v !== undefined));
      if (suffix) return { backend: (await suffix).withContext(context), held: [], release: () => undefined };
      const created = createOnnxBackend(ort, runtimeName, cut.suffix, { ...options, inputs: [layer], context });
      // An example whose inputs the backend refuses leaves the next one to create it.
      suffix = created.catch((error: unknown) => {
        suffix = undefined;
        throw error;
      });
      return { backend: await suffix, held: [], release: () => undefined };
    },
    async attribute(inputs: ContextInputs, { baselines, ...igOptions }: TokenLayerAttributionOptions): Promise<IntegratedGradientsResult> {
      for (const [name, value] of Object.entries(baselines)) {
        const input = inputs[name];
        if (!inputTypes.has(name)) throw new ContextInputError(name, 'a baseline is given for an input the model does not have');
        if (input && input.data.length !== value.data.length) {
          throw new ContextInputError(name, `the baseline has ${value.data.length} values, the input ${input.data.length}`);
        }
      }
      return asIntegratedGradientsResult(await layerIntegratedGradients(explainer, inputs, { ...igOptions, baselines: { ...inputs, ...baselines } }));
    },
    async dispose(): Promise<void> {
      await (await suffix?.catch(() => undefined))?.dispose();
      await prefix.release?.();
      await forward.release?.();
    },
  };
  return explainer;
}

/** Example `index` of a context value, with a batch axis of 1. */
function exampleOf(value: ContextTensor, index: number): ContextTensor {
  const size = value.data.length / Math.max(1, value.shape[0] ?? 1);
  return { data: value.data.subarray(index * size, (index + 1) * size) as ContextData, shape: [1, ...value.shape.slice(1)] };
}

/**
 * The output of the embedding lookup: the `Gather` whose table is an initializer and whose indices
 * are the token-ids input (see idsInputName; not position or token-type ids), else the first such
 * Gather on any integer graph input; undefined when the model has none. A fused
 * com.microsoft.EmbedLayerNormalization gives its word lookup, `<output>/word_embeddings`.
 */
export function findEmbeddingOutput(source: onnx.IModelProto | Uint8Array): string | undefined {
  const graph = withEmbeddingLookups(toModel(source)).graph as onnx.GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const integerInputs = new Set(
    graph.input.filter((v) => !initializers.has(v.name) && [DataType.INT64, DataType.INT32].includes(v.type?.tensorType?.elemType ?? 0)).map((v) => v.name),
  );
  const lookups = graph.node.filter((n) => n.opType === 'Gather' && initializers.has(n.input?.[0] ?? '') && integerInputs.has(n.input?.[1] ?? ''));
  const ids = idsInputName([...integerInputs].map(String));
  const gather = lookups.find((n) => n.input?.[1] === ids) ?? lookups[0];
  return gather?.output?.[0] ?? undefined;
}
