import type { onnx } from '../../proto/generated/onnx.js';
import { InvalidModelError, UnsupportedOpError } from '../../errors.js';
import { intAttribute } from '../../graph/attributes.js';
import type { CompositeOp } from './composite-op.js';

/**
 * The normalized coordinates of the pixel centres along an axis of `length`: −1 and 1 are the end
 * pixels' centres with align_corners, the outer edges of the end pixels without.
 */
function axisCoordinates(length: number, alignCorners: boolean): number[] {
  return Array.from({ length }, (_, i) => {
    if (!alignCorners) return -1 + (2 * i + 1) / length;
    return length === 1 ? -1 : -1 + (2 * i) / (length - 1);
  });
}

/**
 * The homogeneous coordinates (x, y[, z], 1) of every pixel of `spatial` ([H, W] or [D, H, W]),
 * the last axis fastest, x along it: a [pixels, axes + 1] matrix, row-major.
 */
function baseGrid(spatial: readonly number[], alignCorners: boolean): Float32Array {
  const coordinates = spatial.map((length) => axisCoordinates(length, alignCorners));
  const pixels = spatial.reduce((a, c) => a * c, 1);
  const width = spatial.length + 1;
  const rows = new Float32Array(pixels * width);
  for (let p = 0; p < pixels; p++) {
    let rest = p;
    for (let j = spatial.length - 1; j >= 0; j--) {
      const length = spatial[j] as number;
      // Column 0 is the last (fastest) spatial axis.
      rows[p * width + (spatial.length - 1 - j)] = (coordinates[j] as number[])[rest % length] as number;
      rest = Math.floor(rest / length);
    }
    rows[p * width + spatial.length] = 1;
  }
  return rows;
}

function refuse(node: onnx.INodeProto, opset: number, reason: string): UnsupportedOpError {
  return new UnsupportedOpError([{ opType: 'AffineGrid', domain: '', nodeName: node.name ?? '', output: node.output?.[0] ?? '', opset, reason }]);
}

/**
 * AffineGrid (opset 20): grid[n, pixel] = theta[n] · (x, y[, z], 1) over the pixel centres of the
 * output size, one MatMul of the constant base grid with thetaᵀ. The size must be constant.
 */
export const affineGrid: CompositeOp = {
  opType: 'AffineGrid',
  since: 20,
  differentiable: [0],
  refusal: () => undefined,
  lower(b, node) {
    const [theta, size] = node.input as [string, string];
    if (!b.hasConstantValues(size))
      throw refuse(node, b.opset, `input size "${size}" is not a constant: the grid's shape must be known before differentiation`);
    const sizes = b.constantValues(size);
    const thetaShape = b.shape(theta);
    const axes = sizes.length - 2;
    if ((axes !== 2 && axes !== 3) || thetaShape.length !== 3 || thetaShape[0] !== sizes[0] || thetaShape[1] !== axes || thetaShape[2] !== axes + 1) {
      throw new InvalidModelError(
        `AffineGrid node "${node.name}": theta "${theta}" of shape [${thetaShape.join(', ')}] does not fit size "${size}" = [${sizes.join(', ')}] (expected [N, 2, 3] with [N, C, H, W] or [N, 3, 4] with [N, C, D, H, W])`,
      );
    }
    const batch = sizes[0] as number;
    const spatial = sizes.slice(2);
    if (spatial.some((d) => !Number.isInteger(d) || d < 1))
      throw new InvalidModelError(`AffineGrid node "${node.name}": size "${size}" = [${sizes.join(', ')}] has a spatial size below 1`);
    const pixels = spatial.reduce((a, c) => a * c, 1);
    const base = b.floatConstant(baseGrid(spatial, intAttribute(node, 'align_corners', 0) === 1), [pixels, axes + 1]);
    const grid = b.shaped('MatMul', [base, b.transpose(theta, [0, 2, 1])], [batch, pixels, axes]);
    return [b.reshape(grid, [batch, ...spatial, axes])];
  },
};
