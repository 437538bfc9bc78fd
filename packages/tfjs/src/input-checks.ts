import { ShapeMismatchError } from '@ig/core';
import { NonDifferentiableInputError } from './errors.js';

/** What a model declares about one input: its shape (batch axis first, null or −1 where free), name and dtype. */
export interface DeclaredInput {
  readonly shape?: readonly (number | null | undefined)[] | undefined;
  readonly name?: string | undefined;
  readonly dtype?: string | undefined;
}

/** How a GraphModel, which cannot be cut at a layer, is explained from an Embedding on. */
export const GRAPH_MODEL_HINT =
  "by explaining that part alone: a GraphModel cannot be cut at a layer, so wrap the graph from the embedding on in a function and give it to tfjsBackend, or load the model as a LayersModel and use layerIntegratedGradients(model, '<embedding layer>', inputs)";

const isFree = (dim: number | null | undefined): boolean => dim === null || dim === undefined || dim < 0;

/**
 * Refuses inputs whose count or shapes (past the batch axis) differ from the model's declared
 * ones, naming the input and both shapes; `what` says what was given (a batch of points, the inputs).
 */
export function checkInputShapes(
  declared: readonly DeclaredInput[],
  inputs: readonly { readonly shape: readonly number[] }[],
  where: string,
  what = 'a batch of points',
): void {
  if (inputs.length !== declared.length) {
    const names = declared.every((input) => input.name !== undefined) ? ` [${declared.map((input) => input.name as string).join(', ')}]` : '';
    throw new ShapeMismatchError(`${where} takes ${declared.length} inputs${names} but got ${inputs.length}`);
  }
  inputs.forEach((input, i) => {
    const want = declared[i]?.shape;
    if (want === undefined) return;
    const fits = want.length === input.shape.length && want.every((dim, axis) => isFree(dim) || axis === 0 || dim === input.shape[axis]);
    if (!fits) {
      const shown = want.map((dim) => (isFree(dim) ? 'N' : String(dim))).join(', ');
      const name = declared[i]?.name === undefined ? '' : ` ('${declared[i]?.name as string}')`;
      throw new ShapeMismatchError(`${where}: input ${i}${name} must have shape [${shown}] but ${what} has shape [${input.shape.join(', ')}]`);
    }
  });
}

/**
 * A GraphModel input declared int32 (or bool) holds token ids or indices: tfjs cannot
 * differentiate it, and it refuses the float32 points IG feeds it with a plain dtype Error.
 */
export function refuseIntegerGraphInputs(declared: readonly DeclaredInput[]): void {
  const integer = declared.flatMap((input, i) => (input.dtype !== undefined && input.dtype !== 'float32' ? [i] : []));
  if (integer.length === 0) return;
  const dtypes = [...new Set(integer.map((i) => declared[i]?.dtype as string))].join(' / ');
  throw new NonDifferentiableInputError(
    integer,
    { names: declared.map((input, i) => input.name ?? `input ${i}`), embeddingLayers: [], hint: GRAPH_MODEL_HINT },
    'Placeholder',
    `its Placeholder has dtype ${dtypes} (token ids or other indices), and tfjs differentiates float32 inputs only`,
  );
}
