import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { eachPart, isPair, type PairRule } from './pair.js';

const CACHE_NAMES = ['', 'cos cache', 'sin cache', 'position_ids'] as const;

/**
 * RotaryEmbedding (opset 23): with constant cos/sin caches and positions the rotation is linear in
 * its input, so each part goes through the node itself, as the same rotation written out as Mul,
 * Slice, Concat and Add is decomposed. Caches read from the decomposed input would make it a
 * product of two pairs, which the op does not expose: refused.
 */
export const rotaryEmbedding: PairRule = (node, inputs, builder) => {
  const dependent = inputs.findIndex((input, i) => i > 0 && isPair(input));
  if (dependent > 0)
    throw new UnsupportedForm(
      `its ${CACHE_NAMES[dependent] ?? `input ${dependent}`} "${node.input?.[dependent] ?? ''}" depends on the model input; the rotation is linear only in its input, with constant caches and positions`,
    );
  const data = inputs[0];
  if (!isPair(data)) throw new UnsupportedForm('only its first input may depend on the model input');
  return eachPart(builder, node, data, 0);
};
