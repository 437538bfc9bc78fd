import type { onnx } from '../proto/generated/onnx.js';
import { explicitCeilModePools, isCeilModeMaxPool } from './ceil-mode.js';
import { inferShapes } from './probe.js';
import { withModel, type PreparedModel } from '../model/prepare.js';
import { copyModel } from '../model/working-copy.js';
import type { OrtModuleLike, OrtSessionOptionsLike, OrtTensorLike } from './ort.js';

/**
 * onnxruntime-web's WebGPU MaxPool cannot run ceil mode (torchvision's GoogLeNet and SqueezeNet
 * pool that way), so before a WebGPU session such pools become explicit pads and floor-mode pools
 * (see explicitCeilModePools). The pads need the pools' input shapes: one probe of a single
 * example (or the model's fixed batch) on `probeProvider`, which needs every other input
 * dimension to be fixed. Without that, or if the probe fails, the model is kept as it is and the
 * WebGPU session reports the pool. Returns the rewritten model, or `prepared` when none was.
 */
export async function rewriteCeilModePoolsForWebGpu(
  ort: OrtModuleLike,
  prepared: PreparedModel,
  probeProvider: string,
  sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>,
): Promise<PreparedModel> {
  const graph = prepared.model.graph as onnx.GraphProto;
  if (!graph.node.some(isCeilModeMaxPool)) return prepared;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const feeds: Record<string, OrtTensorLike> = {};
  for (const input of graph.input) {
    if (!input.name || initializers.has(input.name)) continue;
    const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d, i) => {
      const value = Number(d.dimValue ?? 0);
      return i === 0 && !(value > 0) ? 1 : value;
    });
    if (dims.length === 0 || dims.some((d) => !(d > 0))) return prepared;
    feeds[input.name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }
  let shapes: Map<string, readonly number[]>;
  try {
    shapes = new Map((await inferShapes(ort, prepared, feeds, { ...sessionOptions, executionProviders: [probeProvider] })).shapes);
  } catch {
    return prepared;
  }
  const model = copyModel(prepared.model);
  return explicitCeilModePools(model, shapes, 'all') > 0 ? withModel(prepared, model, new Map()) : prepared;
}
