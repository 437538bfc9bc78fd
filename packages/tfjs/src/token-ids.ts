import type { Tensor } from '@ig/core';
import { TokenIdError } from './errors.js';

/** The parts of a tfjs-layers Embedding (or any layer) read to find which model input it looks up. */
interface LayerNodes {
  readonly name: string;
  getClassName(): string;
  getConfig?(): { readonly inputDim?: unknown };
  readonly inboundNodes?: readonly { readonly inputTensors?: readonly unknown[] }[];
}

/** An Embedding layer fed directly by model input `input`, with its vocabulary size. */
export interface EmbeddingLookup {
  readonly input: number;
  readonly layer: string;
  readonly vocabulary: number;
}

/** The Embedding layers among `layers` that read one of `modelInputs` (symbolic tensors) directly. */
export function embeddingLookups(layers: readonly unknown[], modelInputs: readonly unknown[]): EmbeddingLookup[] {
  return (layers as readonly LayerNodes[]).flatMap((layer) => {
    if (layer.getClassName() !== 'Embedding') return [];
    const vocabulary = layer.getConfig?.().inputDim;
    if (typeof vocabulary !== 'number') return [];
    return (layer.inboundNodes ?? []).flatMap((node) => {
      const input = modelInputs.indexOf(node.inputTensors?.[0]);
      return input < 0 ? [] : [{ input, layer: layer.name, vocabulary }];
    });
  });
}

/**
 * Refuses a value that an Embedding layer would read as a token id but is not one of its
 * vocabulary, naming the tensor (`${what} ${i}`), the position, the value and the layer.
 */
export function checkTokenIds(tensors: readonly Tensor[], lookups: readonly EmbeddingLookup[], what: string): void {
  for (const { input, layer, vocabulary } of lookups) {
    const tensor = tensors[input];
    if (tensor === undefined) continue;
    const size = tensor.data.length / Math.max(1, tensor.shape[0] ?? 1);
    for (let k = 0; k < tensor.data.length; k++) {
      const id = tensor.data[k] as number;
      if (Number.isInteger(id) && id >= 0 && id < vocabulary) continue;
      throw new TokenIdError(`${what} ${input}`, k, `example ${Math.floor(k / size)}, position ${k % size}`, id, layer, vocabulary);
    }
  }
}
