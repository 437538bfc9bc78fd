import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { eachPart, isPair, type PairRule } from './pair.js';

/**
 * A rotation by cos/sin caches at given positions: with constant caches and positions it is
 * linear in its input, so each part goes through the node itself, as the same rotation written
 * out as Mul, Slice, Concat and Add is decomposed. Caches read from the decomposed input would
 * make it a product of two pairs, which the op does not expose: refused. `names` are the inputs'.
 */
const linearRotation =
  (names: readonly string[]): PairRule =>
  (node, inputs, builder) => {
    const dependent = inputs.findIndex((input, i) => i > 0 && isPair(input));
    if (dependent > 0)
      throw new UnsupportedForm(
        `its ${names[dependent] ?? `input ${dependent}`} "${node.input?.[dependent] ?? ''}" depends on the model input; the rotation is linear only in its input, with constant caches and positions`,
      );
    const data = inputs[0];
    if (!isPair(data)) throw new UnsupportedForm('only its first input may depend on the model input');
    return eachPart(builder, node, data, 0);
  };

/** RotaryEmbedding (opset 23): inputs X, cos_cache, sin_cache, position_ids. */
export const rotaryEmbedding = linearRotation(['', 'cos cache', 'sin cache', 'position_ids']);

/** com.microsoft.RotaryEmbedding: inputs input, position_ids, cos_cache, sin_cache (run by onnxruntime's own kernel on each part). */
export const contribRotaryEmbedding = linearRotation(['', 'position_ids', 'cos cache', 'sin cache']);
