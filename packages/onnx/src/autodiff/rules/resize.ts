import { checkConstantSize } from '../../graph/builder.js';
import type { GraphBuilder } from '../../graph/builder.js';
import { normalizeAxis, outputGrad, UnsupportedForm, type GradientRule, type NodeView } from './rule.js';
import type { onnx } from '../../proto/generated/onnx.js';
import { DataType } from '../../proto/tensor.js';
import { floatsAttribute, stringAttribute, toAttributeProto } from '../../graph/attributes.js';
import type { LegacyOp, LegacyUpgrade } from './legacy.js';

const f32 = Math.fround;

/** The input coordinate that output index o maps to, in float32 as ONNX Runtime computes it. */
function sourceCoordinate(mode: string, o: number, scale: number, inLength: number, outLength: number): number {
  switch (mode) {
    case 'half_pixel':
      return f32(f32(f32(o + 0.5) / scale) - 0.5);
    case 'half_pixel_symmetric': {
      const adjustment = f32(outLength / f32(scale * inLength));
      const offset = f32(f32(inLength / 2) * f32(1 - adjustment));
      return f32(offset + f32(f32(f32(o + 0.5) / scale) - 0.5));
    }
    case 'pytorch_half_pixel':
      return outLength > 1 ? f32(f32(f32(o + 0.5) / scale) - 0.5) : 0;
    case 'align_corners':
      return outLength === 1 ? 0 : f32(f32(o * (inLength - 1)) / (outLength - 1));
    case 'asymmetric':
      return f32(o / scale);
    case 'tf_half_pixel_for_nn':
      return f32(f32(o + 0.5) / scale);
    default:
      throw new UnsupportedForm(`coordinate_transformation_mode "${mode}"`);
  }
}

function nearestIndex(rounding: string, x: number): number {
  const floor = Math.floor(x);
  const isHalf = x - floor === 0.5;
  switch (rounding) {
    case 'round_prefer_floor':
      return isHalf ? floor : Math.round(x);
    case 'round_prefer_ceil':
      return isHalf ? floor + 1 : Math.round(x);
    case 'floor':
      return floor;
    case 'ceil':
      return Math.ceil(x);
    default:
      throw new UnsupportedForm(`nearest_mode "${rounding}"`);
  }
}

/** Row-major [outLength × inLength] interpolation weights of one axis. */
function axisWeights(node: NodeView, scale: number, inLength: number, outLength: number): Float32Array {
  const mode = node.string('mode', 'nearest');
  const transform = node.string('coordinate_transformation_mode', 'half_pixel');
  checkConstantSize([outLength, inLength]);
  const weights = new Float32Array(outLength * inLength);
  for (let o = 0; o < outLength; o++) {
    const x = sourceCoordinate(transform, o, scale, inLength, outLength);
    if (mode === 'nearest') {
      const i = Math.min(Math.max(nearestIndex(node.string('nearest_mode', 'round_prefer_floor'), x), 0), inLength - 1);
      weights[o * inLength + i] = 1;
    } else if (mode === 'linear') {
      const clamped = Math.min(Math.max(x, 0), inLength - 1);
      const low = Math.min(Math.floor(clamped), inLength - 1);
      const high = Math.min(low + 1, inLength - 1);
      const fraction = clamped - low;
      weights[o * inLength + low] = (weights[o * inLength + low] as number) + (1 - fraction);
      weights[o * inLength + high] = (weights[o * inLength + high] as number) + fraction;
    } else {
      throw new UnsupportedForm(`mode "${mode}"`);
    }
  }
  return weights;
}

function isIdentity(weights: Float32Array, length: number): boolean {
  for (let o = 0; o < length; o++) for (let i = 0; i < length; i++) if (weights[o * length + i] !== (o === i ? 1 : 0)) return false;
  return true;
}

function scalesPerAxis(node: NodeView, b: GraphBuilder, inShape: readonly number[], outShape: readonly number[]): number[] {
  const rank = inShape.length;
  const axes = (node.ints('axes') ?? [...Array(rank).keys()]).map((a) => normalizeAxis(node, a, rank));
  const scaleInput = node.input(2);
  const given = scaleInput ? b.constantValues(scaleInput) : [];
  const scales = inShape.map((d, axis) => (outShape[axis] as number) / d);
  if (given.length > 0) axes.forEach((axis, i) => (scales[axis] = given[i] as number));
  return scales;
}

/** Nearest and (multi)linear Resize are separable: one fixed interpolation matrix per axis. */
export const resize: GradientRule = {
  opType: 'Resize',
  since: 11,
  differentiable: [0],
  legacy: legacyResize,
  gradient(node, grads, b) {
    let g = outputGrad(node, grads);
    if (node.int('antialias', 0) !== 0) throw new UnsupportedForm('antialias');
    if (node.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') throw new UnsupportedForm('keep_aspect_ratio_policy');
    const inShape = b.shape(node.input(0));
    const outShape = b.shape(node.output(0));
    const scales = scalesPerAxis(node, b, inShape, outShape);
    let shape = [...outShape];
    inShape.forEach((inLength, axis) => {
      const outLength = outShape[axis] as number;
      const weights = axisWeights(node, scales[axis] as number, inLength, outLength);
      if (inLength === outLength && isIdentity(weights, inLength)) return;
      g = b.axisAdjoint(g, shape, axis, weights, inLength);
      shape = shape.map((d, i) => (i === axis ? inLength : d));
    });
    return [g];
  },
};

export const resizeRules: readonly GradientRule[] = [resize];

/** Upsample (before opset 10) and Resize-10 become Resize-11 in the same mode. */
function legacyResize(node: onnx.NodeProto, upgrade: LegacyUpgrade): void {
  const mode = stringAttribute(node, 'mode', 'nearest');
  const scales = floatsAttribute(node, 'scales');
  const scaleInput = scales ? upgrade.constant('scales', [scales.length], DataType.FLOAT, scales) : (node.input?.[1] ?? '');
  node.opType = 'Resize';
  node.input = [node.input?.[0] ?? '', upgrade.constant('roi', [0], DataType.FLOAT, []), scaleInput];
  node.attribute = [
    toAttributeProto('mode', { string: mode === 'bilinear' ? 'linear' : mode }),
    toAttributeProto('coordinate_transformation_mode', { string: 'asymmetric' }),
    toAttributeProto('nearest_mode', { string: 'floor' }),
  ];
}

/** Upsample has no rule: it is differentiated as the Resize it becomes. */
export const upsample: LegacyOp = { opType: 'Upsample', legacy: legacyResize };
