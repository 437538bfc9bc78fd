import { inputBaselines, layerInputs } from '@ig/core';
import type { InputBaseline, Inputs, Tensor } from '@ig/core';
import { checkInputShapes } from './input-checks.js';
import type { LayersModelLike } from './model.js';
import { checkTokenIds, embeddingLookups } from './token-ids.js';

/**
 * The inputs and input-space baselines of layer attribution, checked before the model runs: the
 * forms integratedGradients takes, finite, one per model input with its declared shape, and token
 * ids of the vocabulary wherever a model input feeds an Embedding layer.
 */
export function layerModelInputs(
  model: LayersModelLike,
  inputs: Inputs,
  baselines: InputBaseline | readonly InputBaseline[] | undefined,
): { readonly inputs: Tensor[]; readonly baselines: Tensor[] } {
  const tensors = layerInputs(inputs);
  checkInputShapes(model.inputs, tensors, `LayersModel '${model.name}'`, 'the given input');
  const spread = inputBaselines(tensors, baselines);
  const lookups = embeddingLookups(model.layers ?? [], model.inputs);
  checkTokenIds(tensors, lookups, 'input');
  checkTokenIds(spread, lookups, 'baseline of input');
  return { inputs: tensors, baselines: spread };
}
