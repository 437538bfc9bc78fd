import { integratedGradients, type IntegratedGradientsOptions, type IntegratedGradientsResult, type Tensor } from '@ig/core';
import type { onnx } from './proto/generated/onnx.js';
import { encodeModel } from './proto/model-io.js';
import { DataType } from './proto/tensor.js';
import { toModel } from './prepare.js';
import { cutAtTensor, type CutModel } from './layer.js';
import { createOnnxBackend, type OnnxBackendOptions } from './backend.js';
import { checkSharedAxes, ContextInputError, feedsOf, type ContextInputs, type ContextTensor } from './context.js';
import type { OrtModuleLike, OrtSessionLike } from './runtime.js';
import { RuntimeError } from './errors.js';

export type TokenLayerOptions = Omit<OnnxBackendOptions, 'inputs' | 'context'>;

export interface TokenLayerAttributionOptions extends Omit<IntegratedGradientsOptions, 'baselines'> {
  /**
   * The baseline's inputs that differ from the example's, usually the token ids with a pad or
   * [MASK] id at every position; the other inputs (the attention mask) keep the example's values.
   */
  readonly baselines: ContextInputs;
}

export interface TokenLayerExplainer {
  readonly cut: CutModel;
  readonly layer: string;
  /** The graph inputs by name, with their ONNX element types. */
  readonly inputTypes: ReadonlyMap<string, number>;
  /** The model's output (float32, its shape) for one example's inputs, given by name. */
  predict(inputs: ContextInputs): Promise<Tensor>;
  /** The layer tensor (float32) for one example's inputs, given by name. */
  activation(inputs: ContextInputs): Promise<Tensor>;
  /**
   * Layer Integrated Gradients (Captum's LayerIntegratedGradients) for one example: IG in the
   * layer's space from the baseline's activation to the example's, every input the suffix still
   * reads (an attention mask, the ids themselves) held at the example's values.
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
  const model = toModel(source);
  const cut = cutAtTensor(model, layer, options.output);
  const graph = model.graph as onnx.GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputTypes = new Map<string, number>(graph.input.filter((v) => !initializers.has(v.name)).map((v) => [v.name ?? '', v.type?.tensorType?.elemType ?? DataType.FLOAT]));
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

  return {
    cut,
    layer,
    inputTypes,
    activation,
    predict: (inputs: ContextInputs): Promise<Tensor> => runFor(forward, inputs, outputName, 'the model'),
    async attribute(inputs: ContextInputs, { baselines, ...igOptions }: TokenLayerAttributionOptions): Promise<IntegratedGradientsResult> {
      for (const [name, value] of Object.entries(baselines)) {
        const input = inputs[name];
        if (!inputTypes.has(name)) throw new ContextInputError(name, 'a baseline is given for an input the model does not have');
        if (input && input.data.length !== value.data.length) {
          throw new ContextInputError(name, `the baseline has ${value.data.length} values, the input ${input.data.length}`);
        }
      }
      const actual = await activation(inputs);
      const reference = await activation({ ...inputs, ...baselines });
      const context = Object.fromEntries(cut.passthrough.map((name) => [name, inputs[name]]).filter(([, v]) => v !== undefined));
      const backend = await createOnnxBackend(ort, runtimeName, cut.suffix, { ...options, inputs: [layer], context });
      try {
        return await integratedGradients(backend, [actual], { ...igOptions, baselines: [reference] });
      } finally {
        await backend.dispose();
      }
    },
    async dispose(): Promise<void> {
      await prefix.release?.();
      await forward.release?.();
    },
  };
}

/**
 * The output of the embedding lookup: the first `Gather` whose table is an initializer and whose
 * indices are an integer graph input (token ids); undefined when the model has none.
 */
export function findEmbeddingOutput(source: onnx.IModelProto | Uint8Array): string | undefined {
  const graph = toModel(source).graph as onnx.GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const integerInputs = new Set(
    graph.input.filter((v) => !initializers.has(v.name) && [DataType.INT64, DataType.INT32].includes(v.type?.tensorType?.elemType ?? 0)).map((v) => v.name),
  );
  const gather = graph.node.find((n) => n.opType === 'Gather' && initializers.has(n.input?.[0] ?? '') && integerInputs.has(n.input?.[1] ?? ''));
  return gather?.output?.[0] ?? undefined;
}
