import * as ort from 'onnxruntime-web';
import type { onnx } from './proto/generated/onnx.js';
import { openOnnxBackend, type OnnxBackend, type OnnxBackendOptions } from './runtime/backend.js';
import { createContextualDecomposition, type OnnxContextualDecomposition, type OnnxContextualDecompositionOptions } from './contextual-decomposition/index.js';
import { createLayerBackend, type LayerBackend } from './layer.js';
import { guardInputs } from './runtime/input-guard.js';
import { isPrepared, type PreparedModel } from './model/prepare.js';
import type { OrtModuleLike } from './runtime/ort.js';
import { readModelForWeb, type ModelSource } from './model-source.js';
import { toOrtTensor } from './ort-tensor.js';
import type { Tensor } from '@ig/core';
import { createTokenLayerExplainer, type TokenLayerExplainer, type TokenLayerOptions } from './token-layer.js';

export * from './index.js';
export type { OnnxBackend, OnnxBackendOptions, ExecutionProvider } from './runtime/backend.js';

/**
 * A GradientBackend on onnxruntime-web for a model URL (fetched) or bytes (see ModelSource).
 * `executionProviders` (default `['wasm']`) are tried in
 * order, e.g. `['webgpu', 'wasm']`; the one that loaded is in `backend.name`.
 */
export async function onnxBackend(source: ModelSource | PreparedModel, options: OnnxBackendOptions = {}): Promise<OnnxBackend> {
  const model = isPrepared(source) ? source : await readModelForWeb(source);
  const { backend, prepared } = await openOnnxBackend(ort, 'onnxruntime-web', model, {
    ...options,
    executionProviders: options.executionProviders ?? ['wasm'],
  });
  return guardInputs(backend, prepared);
}

/**
 * A backend for layer attribution at the intermediate tensor `layer` (see layerIntegratedGradients).
 */
export function onnxLayerBackend(model: Uint8Array | onnx.IModelProto, layer: string, options: OnnxBackendOptions = {}): Promise<LayerBackend> {
  return createLayerBackend(ort, 'onnxruntime-web', model, layer, { ...options, executionProviders: options.executionProviders ?? ['wasm'] });
}

/**
 * Layer attribution for a token model (int64 ids, masks) at the float tensor `layer`, such as the
 * embedding output (see findEmbeddingOutput and TokenLayerExplainer.attribute).
 */
export function onnxTokenLayerExplainer(model: Uint8Array | onnx.IModelProto, layer: string, options: TokenLayerOptions = {}): Promise<TokenLayerExplainer> {
  return createTokenLayerExplainer(ort, 'onnxruntime-web', model, layer, { ...options, executionProviders: options.executionProviders ?? ['wasm'] });
}

/** A core tensor (an attribution, an input) as an onnxruntime-web `ort.Tensor` of float32. */
export function toTensor(tensor: Tensor): ort.Tensor {
  return toOrtTensor(ort, tensor) as ort.Tensor;
}

/** The onnxruntime-web module this entry point uses. */
export const runtime: OrtModuleLike = ort;

/** Contextual decomposition of the model on onnxruntime-web (see createContextualDecomposition). */
export function onnxContextualDecomposition(
  model: Uint8Array | onnx.IModelProto,
  options: OnnxContextualDecompositionOptions = {},
): Promise<OnnxContextualDecomposition> {
  return createContextualDecomposition(ort, 'onnxruntime-web', model, {
    ...options,
    sessionOptions: options.sessionOptions ?? { executionProviders: ['wasm'] },
  });
}
