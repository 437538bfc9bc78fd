import * as ort from 'onnxruntime-node';
import type { onnx } from './proto/generated/onnx.js';
import { openOnnxBackend, type OnnxBackend, type OnnxBackendOptions } from './runtime/backend.js';
import { createContextualDecomposition, type OnnxContextualDecomposition, type OnnxContextualDecompositionOptions } from './contextual-decomposition/index.js';
import { createLayerBackend, type LayerBackend } from './layer.js';
import { guardInputs } from './runtime/input-guard.js';
import { isPrepared, type PreparedModel } from './model/prepare.js';
import type { OrtModuleLike } from './runtime/ort.js';
import { createTokenLayerExplainer, type TokenLayerExplainer, type TokenLayerOptions } from './token-layer.js';
import { defaultCacheDir, fileGraphCache } from './cache/file-cache.js';
import { readModelForNode } from './model-file.js';
import type { ModelSource } from './model-source.js';
import { toOrtTensor } from './ort-tensor.js';
import type { Tensor } from '@ig/core';

export * from './index.js';
export type { OnnxBackend, OnnxBackendOptions, ExecutionProvider } from './runtime/backend.js';
export { defaultCacheDir, fileGraphCache, packageVersion, type FileGraphCacheOptions } from './cache/file-cache.js';

export interface NodeOnnxBackendOptions extends OnnxBackendOptions {
  /**
   * Keep built gradient and fused graphs in a folder across processes: `true` for the platform's
   * cache folder (see defaultCacheDir), or a folder path. Default: no cache. A `graphCache`
   * given as well wins.
   */
  readonly cacheDir?: string | boolean;
}

function withCache(options: NodeOnnxBackendOptions): OnnxBackendOptions {
  const { cacheDir, ...rest } = options;
  if (rest.graphCache || cacheDir === undefined || cacheDir === false) return rest;
  const dir = cacheDir === true ? defaultCacheDir() : cacheDir;
  return { ...rest, graphCache: fileGraphCache({ dir, ...(rest.onWarning ? { onWarning: rest.onWarning } : {}) }) };
}

/**
 * A GradientBackend on onnxruntime-node for a model file path, a URL, or bytes (see ModelSource).
 * `executionProviders` (default `['cpu']`) are tried in order, e.g. `['cuda', 'cpu']`; the one that
 * loaded is in `backend.name`.
 */
export async function onnxBackend(source: ModelSource | PreparedModel, options: NodeOnnxBackendOptions = {}): Promise<OnnxBackend> {
  const model = isPrepared(source) ? source : await readModelForNode(source);
  const { backend, prepared } = await openOnnxBackend(ort, 'onnxruntime-node', model, withCache(options));
  return guardInputs(backend, prepared);
}

/**
 * A backend for layer attribution at the intermediate tensor `layer` (see layerIntegratedGradients).
 */
export function onnxLayerBackend(model: Uint8Array | onnx.IModelProto, layer: string, options: OnnxBackendOptions = {}): Promise<LayerBackend> {
  return createLayerBackend(ort, 'onnxruntime-node', model, layer, options);
}

/**
 * Layer attribution for a token model (int64 ids, masks) at the float tensor `layer`, such as the
 * embedding output (see findEmbeddingOutput and TokenLayerExplainer.attribute).
 */
export function onnxTokenLayerExplainer(model: Uint8Array | onnx.IModelProto, layer: string, options: TokenLayerOptions = {}): Promise<TokenLayerExplainer> {
  return createTokenLayerExplainer(ort, 'onnxruntime-node', model, layer, { ...options });
}

/** A core tensor (an attribution, an input) as an onnxruntime-node `ort.Tensor` of float32. */
export function toTensor(tensor: Tensor): ort.Tensor {
  return toOrtTensor(ort, tensor) as ort.Tensor;
}

/** The onnxruntime-node module this entry point uses. */
export const runtime: OrtModuleLike = ort;

/** Contextual decomposition of the model on onnxruntime-node (see createContextualDecomposition). */
export function onnxContextualDecomposition(
  model: Uint8Array | onnx.IModelProto,
  options: OnnxContextualDecompositionOptions = {},
): Promise<OnnxContextualDecomposition> {
  return createContextualDecomposition(ort, 'onnxruntime-node', model, options);
}
