import type { onnx } from '../proto/generated/onnx.js';
import { inferFacts } from '../graph/shape-inference.js';

/**
 * The dimensions static shape inference gives each tensor whatever size the model's open input
 * dimensions take: inferred with every open dimension at 1 and again at 2, a dimension is kept
 * where both agree (a sequence length the model fixes), undefined where it follows an open one.
 */
export function inferredDims(model: onnx.IModelProto): Map<string, (number | undefined)[]> {
  const graph = model.graph as onnx.IGraphProto;
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  const at = (open: number): Map<string, readonly number[]> | undefined => {
    const shapes = new Map<string, readonly number[]>();
    for (const info of inputs) {
      const dims = info.type?.tensorType?.shape?.dim;
      if (!info.name || !dims) return undefined;
      shapes.set(
        info.name,
        dims.map((d) => (!d.dimParam && Number(d.dimValue ?? 0) > 0 ? Number(d.dimValue) : open)),
      );
    }
    return inferFacts(model, shapes, { partial: true })?.shapes as Map<string, readonly number[]> | undefined;
  };
  const one = at(1);
  const two = at(2);
  const dims = new Map<string, (number | undefined)[]>();
  if (!one || !two) return dims;
  for (const [name, shape] of one) {
    const other = two.get(name);
    if (other?.length === shape.length)
      dims.set(
        name,
        shape.map((d, i) => (other[i] === d ? d : undefined)),
      );
  }
  return dims;
}
