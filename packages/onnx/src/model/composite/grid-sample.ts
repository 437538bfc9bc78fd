import type { onnx } from '../../proto/generated/onnx.js';
import { DataType } from '../../proto/tensor.js';
import { InvalidModelError, UnsupportedOpError } from '../../errors.js';
import { intAttribute, stringAttribute } from '../../graph/attributes.js';
import type { CompositeOp } from './composite-op.js';
import type { LoweringBuilder } from './lowering-builder.js';
import { axisTaps, type AxisTaps, type GridSampleMode, type GridSamplePadding, type SampleForm } from './grid-sample-axis.js';

/** Opset 16 names the modes bilinear and bicubic; opset 20 renamed them linear and cubic. */
const MODES: Readonly<Record<string, GridSampleMode>> = { bilinear: 'linear', linear: 'linear', nearest: 'nearest', bicubic: 'cubic', cubic: 'cubic' };
const PADDINGS: readonly GridSamplePadding[] = ['zeros', 'border', 'reflection'];
/** Flat pixel indices are computed in float32, exact below 2^24. */
const MAX_PIXELS = 2 ** 24;

const product = (dims: readonly number[]): number => dims.reduce((a, c) => a * c, 1);

function modeName(node: onnx.INodeProto, opset: number): string {
  return stringAttribute(node, 'mode', opset >= 20 ? 'linear' : 'bilinear');
}

function refuse(node: onnx.INodeProto, opset: number, reason: string): UnsupportedOpError {
  return new UnsupportedOpError([{ opType: 'GridSample', domain: '', nodeName: node.name ?? '', output: node.output?.[0] ?? '', opset, reason }]);
}

/** One tap of the N-D interpolation: the flat pixel index it reads and its weight (undefined: 1). */
interface Tap {
  readonly index: string;
  readonly weight: string | undefined;
}

/** Every combination of one tap per axis (the first axis outermost), with flat indices over `strides`. */
function combineTaps(b: LoweringBuilder, axes: readonly AxisTaps[], strides: readonly number[]): Tap[] {
  let taps: Tap[] = [{ index: '', weight: undefined }];
  axes.forEach((axis, j) => {
    const stride = strides[j] as number;
    taps = taps.flatMap((tap) =>
      axis.positions.map((position, k) => {
        const scaled = stride === 1 ? position : b.times(position, b.floatConstant([stride]));
        const weight = axis.weights[k];
        return {
          index: tap.index ? b.plus(tap.index, scaled) : scaled,
          weight: tap.weight && weight ? b.times(tap.weight, weight) : (tap.weight ?? weight),
        };
      }),
    );
  });
  return taps;
}

/**
 * GridSample (opset 16; N-D from 20): Y[n, c, p] = Σ over taps of weight · X[n, c, pixel], the
 * taps and weights per spatial axis from the grid (see axisTaps). All taps are read by one
 * GatherElements over X flattened to [N, C, pixels], whose gradient adds repeated reads up.
 */
export const gridSample: CompositeOp = {
  opType: 'GridSample',
  since: 16,
  differentiable: 'all',
  refusal(node, opset) {
    const mode = modeName(node, opset);
    if (!(mode in MODES)) return `mode "${mode}" is not one of ${Object.keys(MODES).join(', ')}`;
    const padding = stringAttribute(node, 'padding_mode', 'zeros');
    if (!PADDINGS.includes(padding as GridSamplePadding)) return `padding_mode "${padding}" is not one of ${PADDINGS.join(', ')}`;
    return undefined;
  },
  lower(b, node) {
    const [x, grid] = node.input as [string, string];
    const opset = b.opset;
    const form: SampleForm = {
      mode: MODES[modeName(node, opset)] as GridSampleMode,
      padding: stringAttribute(node, 'padding_mode', 'zeros') as GridSamplePadding,
      alignCorners: intAttribute(node, 'align_corners', 0) === 1,
    };
    const xShape = b.shape(x);
    const gridShape = b.shape(grid);
    const axes = xShape.length - 2;
    if (axes !== 2 && axes !== 3)
      throw refuse(node, opset, `input X "${x}" of rank ${xShape.length}: only 4-D and 5-D inputs (2 or 3 spatial axes) are lowered`);
    if (axes === 3 && form.mode === 'cubic')
      throw refuse(node, opset, `cubic mode on a 5-D input X "${x}": only linear and nearest are lowered in 3 spatial axes`);
    const [batch, channels] = xShape as [number, number];
    const spatial = xShape.slice(2);
    if (gridShape.length !== xShape.length || gridShape[0] !== batch || gridShape[axes + 1] !== axes) {
      throw new InvalidModelError(
        `GridSample node "${node.name}": grid "${grid}" of shape [${gridShape.join(', ')}] does not fit X "${x}" of shape [${xShape.join(', ')}]`,
      );
    }
    const pixels = product(spatial);
    if (pixels >= MAX_PIXELS) throw refuse(node, opset, `input X "${x}" has ${pixels} pixels per channel; the lowering indexes at most ${MAX_PIXELS - 1}`);
    const outSpatial = gridShape.slice(1, -1);
    const points = product(outSpatial);

    // The grid's last axis lists coordinates fastest axis first (x along W, then y along H…).
    const components = b.splitEqual(b.transpose(b.reshape(grid, [batch, points, axes]), [0, 2, 1]), 1, axes);
    const label = node.name || `GridSample writing ${node.output[0]}`;
    const perAxis = spatial.map((length, j) => axisTaps(b, components[axes - 1 - j] as string, length, form, `${label}/axis ${j + 2}`));
    const strides = spatial.map((_, j) => product(spatial.slice(j + 1)));
    const taps = combineTaps(b, perAxis, strides);
    const count = taps.length;

    const flatIndices = b.concatAxis(
      taps.map((t) => t.index),
      2,
    );
    const indices = b.shaped('Cast', [flatIndices], [batch, 1, count * points], { to: { int: DataType.INT64 } });
    const gathered = b.shaped(
      'GatherElements',
      [b.reshape(x, [batch, channels, pixels]), b.expand(indices, [batch, channels, count * points])],
      [batch, channels, count * points],
      {
        axis: { int: 2 },
      },
    );
    let sampled = gathered;
    const weights = taps.map((t) => t.weight);
    if (weights.every((w): w is string => w !== undefined)) {
      const weighted = b.times(gathered, b.concatAxis(weights, 2));
      sampled =
        count === 1
          ? weighted
          : b.shaped('ReduceSum', [b.reshape(weighted, [batch, channels, count, points]), b.int64Constant([2])], [batch, channels, points], {
              keepdims: { int: 0 },
            });
    }
    return [b.reshape(sampled, [batch, channels, ...outSpatial])];
  },
};
