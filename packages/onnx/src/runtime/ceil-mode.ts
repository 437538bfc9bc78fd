import { onnx } from '../proto/generated/onnx.js';
import { DataType, makeTensor } from '../proto/tensor.js';
import { intAttribute, intsAttribute, stringAttribute, toAttributeProto } from '../graph/attributes.js';
import { freshNames, isDefaultDomain } from '../graph/names.js';

/**
 * The explicit pads' value: the lowest float32 rather than −∞, so that a padded row, pooled alone
 * along one axis by the MaxPool gradient, never meets ∞ − ∞; a real element equal to it still wins
 * (it comes first). Only a window whose real elements are all −∞ then pools to this value instead.
 */
const LOWEST = -3.4028234663852886e38;

/** A MaxPool that pools in ceil mode with explicit pads (auto_pad NOTSET), output 0 only. */
export const isCeilModeMaxPool = (node: onnx.INodeProto): boolean =>
  node.opType === 'MaxPool' &&
  isDefaultDomain(node.domain) &&
  intAttribute(node, 'ceil_mode', 0) === 1 &&
  stringAttribute(node, 'auto_pad', 'NOTSET') === 'NOTSET' &&
  (node.output ?? []).filter(Boolean).length === 1;

interface AxisWindows {
  /** Windows along the axis as onnxruntime counts them in ceil mode. */
  readonly windows: number;
  /** Whether that is one fewer than the ceil formula gives (the last would start in the end padding). */
  readonly dropped: boolean;
  /** End pads that give a floor-mode pool the same windows. */
  readonly extra: number;
}

/**
 * Ceil-mode windows along one axis: ceil((L + pads − span)/s) + 1, less the last if it would
 * start in the end padding (as onnxruntime and the ONNX reference count them), and the end pads
 * that give a floor-mode pool the same windows.
 */
function axisWindows(length: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number): AxisWindows {
  const span = (kernel - 1) * dilation + 1;
  let windows = Math.ceil((length + padBegin + padEnd - span) / stride) + 1;
  const dropped = (windows - 1) * stride - padBegin >= length;
  if (dropped) windows--;
  return { windows, dropped, extra: Math.max(0, (windows - 1) * stride + span - (length + padBegin + padEnd)) };
}

/**
 * Rewrites ceil-mode MaxPools whose input shape `shapes` gives into a Pad with the lowest float32
 * at the end of the spatial axes and a floor-mode MaxPool: the same windows over the same values,
 * so the same outputs and gradients. `which`:
 * - `all`: every such pool (onnxruntime-web's WebGPU MaxPool cannot run ceil mode);
 * - `dropping`: only pools that lose their last window along some axis, which ONNX shape
 *   inference counts while onnxruntime does not, so that a gradient graph reading both would be
 *   rejected when the session is created.
 * `model`'s node list is rewritten (its nodes are replaced, not changed) and the shapes of added tensors are recorded in `shapes`. Returns
 * how many pools were rewritten.
 */
export function explicitCeilModePools(model: onnx.ModelProto, shapes: Map<string, readonly number[]>, which: 'all' | 'dropping'): number {
  const graph = model.graph as onnx.GraphProto;
  const opset = Number(model.opsetImport.find((o) => isDefaultDomain(o.domain))?.version ?? 0);
  // Pad takes its pads as an input from opset 11, which prepared models have.
  if (opset < 11) return 0;
  const fresh = freshNames(graph, 'ig_ceil_mode');
  let rewritten = 0;
  const nodes: onnx.NodeProto[] = [];
  for (const original of graph.node as onnx.NodeProto[]) {
    const shape = isCeilModeMaxPool(original) ? shapes.get(original.input[0] ?? '') : undefined;
    if (shape === undefined || shape.length < 3) {
      nodes.push(original);
      continue;
    }
    // A copy: the model's nodes may be shared with a prepared model (see copyModel).
    const node = onnx.NodeProto.create({ ...original });
    const spatial = shape.slice(2);
    const kernel = intsAttribute(node, 'kernel_shape') ?? [];
    const strides = intsAttribute(node, 'strides') ?? spatial.map(() => 1);
    const dilations = intsAttribute(node, 'dilations') ?? spatial.map(() => 1);
    const pads = intsAttribute(node, 'pads') ?? spatial.map(() => 0).concat(spatial.map(() => 0));
    if (kernel.length !== spatial.length) {
      nodes.push(original);
      continue;
    }
    const axes = spatial.map((length, i) =>
      axisWindows(length, kernel[i] as number, strides[i] as number, dilations[i] as number, pads[i] as number, pads[spatial.length + i] as number),
    );
    if (which === 'dropping' && !axes.some((a) => a.dropped)) {
      nodes.push(original);
      continue;
    }
    const extra = axes.map((a) => a.extra);
    node.attribute = (node.attribute ?? []).filter((a) => a.name !== 'ceil_mode');
    node.attribute.push(toAttributeProto('ceil_mode', { int: 0 }));
    rewritten++;
    if (extra.every((e) => e === 0)) {
      nodes.push(node);
      continue;
    }
    const padsName = fresh('pads');
    const valueName = fresh('value');
    graph.initializer.push(makeTensor(padsName, [2 * shape.length], DataType.INT64, [0, 0, ...spatial.map(() => 0), 0, 0, ...extra]));
    graph.initializer.push(makeTensor(valueName, [], DataType.FLOAT, [LOWEST]));
    const padded = fresh('padded');
    shapes.set(padded, [...shape.slice(0, 2), ...spatial.map((length, i) => length + (extra[i] as number))]);
    nodes.push(
      onnx.NodeProto.create({
        name: fresh('Pad'),
        opType: 'Pad',
        input: [node.input[0] as string, padsName, valueName],
        output: [padded],
        attribute: [toAttributeProto('mode', { string: 'constant' })],
      }),
    );
    node.input = [padded, ...node.input.slice(1)];
    nodes.push(node);
  }
  graph.node = nodes;
  return rewritten;
}
