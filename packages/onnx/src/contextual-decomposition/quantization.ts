import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { intAttribute } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { alongQuantizationAxis } from '../autodiff/rules/quantization.js';
import { DataType } from '../proto/tensor.js';
import { cloneNode, firstPairOnly, type DeclaredDims, type PairRule } from './pair.js';

/*
 * A QDQ model's fake quantization, DequantizeLinear(QuantizeLinear(x)), decomposed as the CD paper
 * splits any nonlinearity of a sum. QuantizeLinear's parts are the integer levels as floats, split
 * by the Shapley split of q(x) = saturate(round(x/s) + zp) with q(0) = zp held by the irrelevant
 * part; DequantizeLinear, affine, scales each part by s and takes zp from the irrelevant one, so
 * relevant + irrelevant is the dequantized value exactly.
 */

/** The node's scale or zero point shaped to broadcast along its axis of `data` (see alongQuantizationAxis). */
function alongAxis(node: onnx.INodeProto, builder: GraphBuilder, declared: DeclaredDims, value: string, data: string): string {
  const dims = builder.hasShape(value) ? builder.shape(value) : declared(value);
  if (dims === undefined) throw new UnsupportedForm(`the shape of its scale or zero point "${value}" is not known`);
  if (intAttribute(node, 'block_size', 0) > 0) throw new UnsupportedForm('block quantization is not decomposed');
  if (dims.length === 0 || (dims.length === 1 && dims[0] === 1)) return value;
  const rank = (builder.hasShape(data) ? builder.shape(data) : declared(data))?.length;
  if (rank === undefined) throw new UnsupportedForm(`the rank of "${data}", quantized per axis, is not known`);
  return alongQuantizationAxis(builder, value, dims, rank, intAttribute(node, 'axis', 1));
}

/** QuantizeLinear: the integer levels as floats, by the Shapley split of q with q(0) = zp irrelevant. */
export const quantizeLinear: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  const rest = (node.input ?? []).slice(1);
  const q = (x: string): string => builder.toFloat(cloneNode(builder, node, [x, ...rest])[0] as string);
  const whole = q(builder.add(data.rel, data.irrel));
  const atZero = q(builder.mul(data.rel, builder.floatConstant([0])));
  const rel = builder.scale(builder.add(builder.sub(q(data.rel), atZero), builder.sub(whole, q(data.irrel))), 0.5);
  return [{ rel, irrel: builder.sub(whole, rel) }];
};

/** DequantizeLinear of QuantizeLinear's parts: (q − zp)·s, each part scaled by s and zp taken from the irrelevant one. */
export const dequantizeLinear: PairRule = (node, inputs, builder, declared) => {
  const data = firstPairOnly(node, inputs);
  const levels = node.input?.[0] as string;
  const given = node.input?.[1] as string;
  const shaped = alongAxis(node, builder, declared, given, levels);
  // A float16 scale (opset 19) as float32, the parts' type.
  const scale = builder.knownDataType(given) === DataType.FLOAT16 ? builder.toFloat(shaped) : shaped;
  const zeroPoint = node.input?.[2];
  const irrel = zeroPoint ? builder.sub(data.irrel, builder.toFloat(alongAxis(node, builder, declared, zeroPoint, levels))) : data.irrel;
  return [{ rel: builder.mul(data.rel, scale), irrel: builder.mul(irrel, scale) }];
};
