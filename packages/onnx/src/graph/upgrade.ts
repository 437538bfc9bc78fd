import { onnx } from '../proto/generated/onnx.js';
import { DataType, makeTensor } from '../proto/tensor.js';
import { InvalidModelError, UnknownShapeError, UnsupportedOpsetError } from '../errors.js';
import { floatAttribute, floatsAttribute, intAttribute, intsAttribute, stringAttribute, toAttributeProto } from './attributes.js';
import { MAX_OPSET, MIN_OPSET } from './model.js';
import { freshNames, isDefaultDomain } from './names.js';

/** The oldest default-domain opset that is rewritten to opset 11 before differentiation. */
export const MIN_LEGACY_OPSET = 6;

const LEGACY_BROADCAST_OPS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Greater', 'Less', 'Gemm']);

/**
 * Rewrites a model of default-domain opset 6–10 into the same computation at opset 11: legacy
 * `broadcast`/`axis` attributes become NumPy broadcasting (with a Reshape where `axis` aligns
 * the operand), Pad/Slice/Clip attributes become inputs, Upsample and Resize-10 become
 * Resize-11, and attributes that opset 11 dropped (is_test, spatial, consumed_inputs) go.
 * Models already at opset 11–21 are returned unchanged. `shapes` must give operand shapes
 * where a legacy `axis` is used (else UnknownShapeError, the model unchanged); the shapes of
 * tensors this adds are recorded in it. Nodes are replaced, never changed in place.
 */
export function upgradeToOpset11(model: onnx.ModelProto, shapes: Map<string, readonly number[]>): onnx.ModelProto {
  const entry = model.opsetImport.find((o) => isDefaultDomain(o.domain));
  const version = Number(entry?.version ?? 0);
  if (!entry || version >= MIN_OPSET) return model;
  if (version < MIN_LEGACY_OPSET) throw new UnsupportedOpsetError(version, MIN_LEGACY_OPSET, MAX_OPSET);
  const graph = model.graph as onnx.GraphProto;
  const fresh = freshNames(graph, 'ig_upgrade');
  const initializers: onnx.TensorProto[] = [];
  const constant = (hint: string, dims: readonly number[], dataType: number, values: readonly number[]): string => {
    const name = fresh(hint);
    initializers.push(makeTensor(name, dims, dataType, values));
    shapes.set(name, dims);
    return name;
  };
  const nodes: onnx.NodeProto[] = [];
  for (const original of graph.node as onnx.NodeProto[]) {
    if (!isDefaultDomain(original.domain)) {
      nodes.push(original);
      continue;
    }
    // A copy: the model's nodes may be shared with a prepared model (see copyModel).
    const node = onnx.NodeProto.create({ ...original });
    const drop = (...names: string[]): void => {
      node.attribute = (node.attribute ?? []).filter((a) => !names.includes(a.name ?? ''));
    };
    const describe = `${node.opType} node "${node.name ?? ''}"`;
    switch (node.opType) {
      case 'Dropout':
      case 'BatchNormalization':
      case 'InstanceNormalization':
        drop('is_test', 'spatial', 'consumed_inputs');
        break;
      case 'Pad': {
        if (version < 11) {
          const pads = intsAttribute(node, 'pads') ?? intsAttribute(node, 'paddings') ?? [];
          const value = floatAttribute(node, 'value', 0);
          node.input = [node.input?.[0] ?? '', constant('pads', [pads.length], DataType.INT64, pads), constant('value', [], DataType.FLOAT, [value])];
          drop('pads', 'paddings', 'value');
        }
        break;
      }
      case 'Slice': {
        if (version < 10) {
          const starts = intsAttribute(node, 'starts') ?? [];
          const ends = intsAttribute(node, 'ends') ?? [];
          const axes = intsAttribute(node, 'axes') ?? starts.map((_, i) => i);
          node.input = [
            node.input?.[0] ?? '',
            constant('starts', [starts.length], DataType.INT64, starts),
            constant('ends', [ends.length], DataType.INT64, ends),
            constant('axes', [axes.length], DataType.INT64, axes),
          ];
          drop('starts', 'ends', 'axes');
        }
        break;
      }
      case 'Clip': {
        const low = (node.attribute ?? []).some((a) => a.name === 'min') ? constant('min', [], DataType.FLOAT, [floatAttribute(node, 'min', 0)]) : '';
        const high = (node.attribute ?? []).some((a) => a.name === 'max') ? constant('max', [], DataType.FLOAT, [floatAttribute(node, 'max', 0)]) : '';
        node.input = [node.input?.[0] ?? '', low, high];
        drop('min', 'max', 'consumed_inputs');
        break;
      }
      case 'Upsample':
      case 'Resize': {
        const mode = stringAttribute(node, 'mode', 'nearest');
        const scales = floatsAttribute(node, 'scales');
        const scaleInput = scales ? constant('scales', [scales.length], DataType.FLOAT, scales) : (node.input?.[1] ?? '');
        node.opType = 'Resize';
        node.input = [node.input?.[0] ?? '', constant('roi', [0], DataType.FLOAT, []), scaleInput];
        node.attribute = [
          toAttributeProto('mode', { string: mode === 'bilinear' ? 'linear' : mode }),
          toAttributeProto('coordinate_transformation_mode', { string: 'asymmetric' }),
          toAttributeProto('nearest_mode', { string: 'floor' }),
        ];
        break;
      }
      case 'PRelu': {
        // Before opset 7 a 1-D slope of length C is per channel (axis 1); NumPy rules would
        // align it with the last axis instead.
        const [x, slope] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
        const slopeShape = shapes.get(slope);
        const xShape = shapes.get(x);
        if (version < 7 && slopeShape?.length === 1 && (slopeShape[0] as number) > 1) {
          if (!xShape) throw new UnknownShapeError(x);
          if (xShape.length > 2) {
            const aligned = [slopeShape[0] as number, ...new Array<number>(xShape.length - 2).fill(1)];
            const reshaped = fresh('slope');
            nodes.push(
              onnx.NodeProto.create({ opType: 'Reshape', name: fresh('Reshape'), input: [slope, constant('shape', [aligned.length], DataType.INT64, aligned)], output: [reshaped] }),
            );
            shapes.set(reshaped, aligned);
            node.input = [x, reshaped];
          }
        }
        drop('consumed_inputs');
        break;
      }
      default:
        if (version < 7 && LEGACY_BROADCAST_OPS.has(node.opType ?? '')) {
          const broadcast = intAttribute(node, 'broadcast', 0);
          const hasAxis = (node.attribute ?? []).some((a) => a.name === 'axis');
          if (broadcast === 1 && hasAxis && node.opType !== 'Gemm') {
            const [a, b] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
            const aShape = shapes.get(a);
            const bShape = shapes.get(b);
            if (!aShape) throw new UnknownShapeError(a);
            if (!bShape) throw new UnknownShapeError(b);
            const axis = intAttribute(node, 'axis', 0);
            const start = axis < 0 ? axis + aShape.length : axis;
            const trailing = aShape.length - start - bShape.length;
            if (start < 0 || trailing < 0) throw new InvalidModelError(`${describe}: legacy broadcast axis ${axis} does not fit shapes`);
            const aligned = [...bShape, ...new Array<number>(trailing).fill(1)];
            const reshaped = fresh('aligned');
            nodes.push(
              onnx.NodeProto.create({
                opType: 'Reshape',
                name: fresh('Reshape'),
                input: [b, constant('shape', [aligned.length], DataType.INT64, aligned)],
                output: [reshaped],
              }),
            );
            shapes.set(reshaped, aligned);
            node.input = [a, reshaped];
          }
          drop('broadcast', 'axis', 'consumed_inputs');
        } else {
          drop('consumed_inputs');
        }
    }
    nodes.push(node);
  }
  // Nothing changes until every node is rewritten: a rewrite that needs a shape no one gave throws first.
  graph.node = nodes;
  graph.initializer.push(...initializers);
  entry.version = MIN_OPSET;
  model.irVersion = Math.max(Number(model.irVersion ?? 0), 6);
  return model;
}
