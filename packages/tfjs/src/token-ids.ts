import type { Tensor } from '@ig/core';
import { TokenIdError } from './errors.js';

/** The parts of a tfjs-layers layer read to find which model input an Embedding looks up. */
interface LayerNodes {
  readonly name: string;
  getClassName(): string;
  getConfig?(): { readonly inputDim?: unknown };
  readonly inboundNodes?: readonly { readonly inputTensors?: readonly unknown[] }[];
  /** Set on a nested model (a Sequential used as a layer): its own layers and inputs. */
  readonly layers?: readonly unknown[];
  readonly inputs?: readonly unknown[];
}

/** An Embedding layer fed directly by model input `input`, with its vocabulary size. */
export interface EmbeddingLookup {
  readonly input: number;
  readonly layer: string;
  readonly vocabulary: number;
}

/**
 * The Embedding layers among `layers` that read one of `modelInputs` (symbolic tensors)
 * directly, or through the inputs of a nested model (a text encoder used as a layer).
 */
export function embeddingLookups(layers: readonly unknown[], modelInputs: readonly unknown[]): EmbeddingLookup[] {
  return (layers as readonly LayerNodes[]).flatMap((layer) =>
    (layer.inboundNodes ?? []).flatMap((node) => {
      const fed = (node.inputTensors ?? []).map((tensor) => modelInputs.indexOf(tensor));
      if (layer.getClassName() === 'Embedding') {
        const vocabulary = layer.getConfig?.().inputDim;
        const input = fed[0] ?? -1;
        return typeof vocabulary === 'number' && input >= 0 ? [{ input, layer: layer.name, vocabulary }] : [];
      }
      if (layer.layers === undefined || layer.inputs === undefined || fed.every((input) => input < 0)) return [];
      return embeddingLookups(layer.layers, layer.inputs).flatMap((inner) => {
        const input = fed[inner.input] ?? -1;
        return input < 0 ? [] : [{ ...inner, input }];
      });
    }),
  );
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
