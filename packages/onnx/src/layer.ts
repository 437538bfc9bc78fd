import {
  layerIntegratedGradients as layerAttribution,
  tensorExample,
  tensorExamples,
  type IntegratedGradientsOptions,
  type IntegratedGradientsResult,
  type LayerAttributionResult,
  type LayerHead,
  type LayerSplit,
  type Tensor,
} from '@ig/core';
import { onnx } from './proto/generated/onnx.js';
import { encodeModel } from './proto/model-io.js';
import { nodeReads, topologicalOrder } from './graph/model.js';
import { toModel } from './model/prepare.js';
import { layerInputInfo } from './layer-input-info.js';
import { lowerToFloat32 } from './graph/precision.js';
import { createOnnxBackend, type OnnxBackend, type OnnxBackendOptions } from './runtime/backend.js';
import { quietSessionOptions, type OrtModuleLike, type OrtTensorLike } from './runtime/ort.js';
import { InvalidModelError, RuntimeError } from './errors.js';

export interface CutModel {
  /** Computes the layer tensor from the original inputs. */
  readonly prefix: onnx.ModelProto;
  /** Computes the output from the layer tensor (its first input) and any original inputs it still reads. */
  readonly suffix: onnx.ModelProto;
  readonly layer: string;
  /** Original graph inputs that reach the output without passing through the layer. */
  readonly passthrough: readonly string[];
}

/** Nodes needed to compute `targets`, treating the names in `sources` as given. */
export function neededNodes(order: readonly onnx.INodeProto[], targets: readonly string[], sources: ReadonlySet<string>): onnx.INodeProto[] {
  const needed = new Set(targets);
  const kept: onnx.INodeProto[] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as onnx.INodeProto;
    if (!(node.output ?? []).some((o) => needed.has(o) && !sources.has(o))) continue;
    kept.push(node);
    for (const name of nodeReads(node)) needed.add(name);
  }
  return kept.reverse();
}

/**
 * Splits a model at an intermediate tensor, for layer attribution (Captum's
 * LayerIntegratedGradients): IG then runs in the layer's space on the suffix, with layer
 * activations and baselines produced by the prefix.
 */
export function cutAtTensor(source: onnx.IModelProto | Uint8Array, layer: string, output?: string): CutModel {
  const model = lowerToFloat32(toModel(source));
  const graph = model.graph as onnx.GraphProto;
  const order = topologicalOrder(graph);
  if (!order.some((n) => (n.output ?? []).includes(layer))) {
    throw new InvalidModelError(`"${layer}" is not produced by any node; layer attribution needs an intermediate tensor`);
  }
  const outputName = output ?? graph.output[0]?.name ?? '';
  if (!graph.output.some((o) => o.name === outputName)) throw new InvalidModelError(`"${outputName}" is not a graph output`);
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !initializers.has(v.name));
  const nameOf = (v: onnx.IValueInfoProto): string => v.name ?? '';
  const layerInfo = layerInputInfo(model, layer);

  const prefix = toModel(model);
  const prefixGraph = prefix.graph as onnx.GraphProto;
  prefixGraph.node = neededNodes(order, [layer], new Set()).map((n) => onnx.NodeProto.create(n));
  prefixGraph.output = [layerInfo];

  const suffix = toModel(model);
  const suffixGraph = suffix.graph as onnx.GraphProto;
  const suffixNodes = neededNodes(order, [outputName], new Set([layer]));
  const reads = new Set(suffixNodes.flatMap((n) => nodeReads(n)));
  const passthrough = inputs.filter((v) => reads.has(nameOf(v))).map(nameOf);
  if (layer === outputName)
    throw new InvalidModelError(
      `output "${outputName}" is the layer itself: layer attribution explains an output by a tensor it is computed from, and nothing is computed from "${layer}" (a model that ends at the embedding it gathers for token ids)`,
    );
  if (!reads.has(layer)) throw new InvalidModelError(`output "${outputName}" does not depend on "${layer}"`);
  suffixGraph.node = suffixNodes.map((n) => onnx.NodeProto.create(n));
  suffixGraph.input = [layerInfo, ...inputs.filter((v) => passthrough.includes(nameOf(v))), ...graph.input.filter((v) => initializers.has(v.name))];
  suffixGraph.output = graph.output.filter((o) => o.name === outputName);
  return { prefix, suffix, layer, passthrough };
}

/**
 * A model split at an intermediate tensor (the core's LayerSplit): the prefix gives the layer's
 * activation, the suffix is a GradientBackend from it (and the inputs that bypass the layer).
 */
export interface LayerBackend extends LayerSplit {
  /** A GradientBackend over the suffix: its inputs are [layer, ...passthrough]. */
  readonly backend: OnnxBackend;
  readonly cut: CutModel;
  /** Runs the prefix: the suffix's inputs ([layer, ...passthrough]) for the original inputs. */
  activations(inputs: readonly Tensor[]): Promise<Tensor[]>;
  dispose(): Promise<void>;
}

export async function createLayerBackend(
  ort: OrtModuleLike,
  runtimeName: string,
  source: onnx.IModelProto | Uint8Array,
  layer: string,
  options: OnnxBackendOptions = {},
): Promise<LayerBackend> {
  const model = toModel(source);
  const cut = cutAtTensor(model, layer, options.output);
  const backend = await createOnnxBackend(ort, runtimeName, cut.suffix, options);
  const provider = backend.executionProvider;
  const prefix = await ort.InferenceSession.create(encodeModel(cut.prefix), { ...quietSessionOptions(options.sessionOptions), executionProviders: [provider] });
  const graph = model.graph as onnx.GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputNames = graph.input.filter((v) => !initializers.has(v.name)).map((v) => v.name ?? '');
  const passthroughOf = (inputs: readonly Tensor[]): Tensor[] => cut.passthrough.map((name) => inputs[inputNames.indexOf(name)] as Tensor);
  const activations = async (inputs: readonly Tensor[]): Promise<Tensor[]> => {
    if (inputs.length !== inputNames.length) {
      throw new InvalidModelError(`the model has ${inputNames.length} inputs, ${inputs.length} tensors were given`);
    }
    const feeds: Record<string, OrtTensorLike> = {};
    inputNames.forEach((name, i) => {
      const t = inputs[i] as Tensor;
      feeds[name] = new ort.Tensor('float32', t.data, t.shape);
    });
    let results: Record<string, OrtTensorLike>;
    try {
      results = await prefix.run(feeds);
    } catch (error) {
      throw new RuntimeError(`the prefix up to "${layer}" failed to run`, [error]);
    }
    const activation = results[layer];
    if (!activation || !(activation.data instanceof Float32Array)) throw new RuntimeError(`"${layer}" is not a float32 tensor`);
    return [{ data: activation.data, shape: [...activation.dims] }, ...passthroughOf(inputs)];
  };
  return {
    backend,
    cut,
    layer,
    activations,
    examples: tensorExamples,
    example: tensorExample,
    activation: async (example) => (await activations(example))[0] as Tensor,
    // One suffix backend serves every example; the passthrough inputs are its further inputs.
    head: async (example): Promise<LayerHead> => ({ backend, held: passthroughOf(example), release: () => undefined }),
    async dispose(): Promise<void> {
      await prefix.release?.();
      await backend.dispose();
    },
  };
}

/** The core's layer result in the shape of an IntegratedGradientsResult: `attributions[0]` is the layer attribution. */
export function asIntegratedGradientsResult(result: LayerAttributionResult): IntegratedGradientsResult {
  const { attribution, reports, targetsPerExample, method, backend, gradientEvaluations, warnings } = result;
  return { attributions: [attribution], reports, targetsPerExample, method, backend, gradientEvaluations, warnings };
}

/**
 * Layer Integrated Gradients: inputs and baselines are given in input space and mapped through
 * the prefix; IG integrates in the layer's space (inputs that bypass the layer keep their
 * actual values). `attributions[0]` is the layer attribution. Equivalent to the core's
 * `layerIntegratedGradients(layerBackend, inputs, { baselines })`, which returns the layer
 * activations as well.
 */
export async function layerIntegratedGradients(
  layerBackend: LayerBackend,
  inputs: readonly Tensor[],
  baselines: readonly Tensor[],
  options: Omit<IntegratedGradientsOptions, 'baselines' | 'attributionsInto'> = {},
): Promise<IntegratedGradientsResult> {
  return asIntegratedGradientsResult(await layerAttribution(layerBackend, inputs, { ...options, baselines }));
}
