import type { onnx } from './proto/generated/onnx.js';
import { encodeModel } from './proto/model-io.js';
import { explicitCeilModePools, isCeilModeMaxPool } from './graph/ceil-mode.js';
import { inferShapes } from './probe.js';
import type { OrtModuleLike, OrtSessionOptionsLike, OrtTensorLike } from './runtime.js';

/**
 * onnxruntime-web's WebGPU MaxPool cannot run ceil mode (torchvision's GoogLeNet and SqueezeNet
 * pool that way), so before a WebGPU session such pools become explicit pads and floor-mode
 * pools (see explicitCeilModePools). The pads need the pools' input shapes: one probe of a single example on `probeProvider`,
 * which needs every input dimension but the first to be fixed; without that the model is left as
 * it is. Returns how many pools were rewritten.
 */
export async function rewriteCeilModePoolsForWebGpu(
  ort: OrtModuleLike,
  model: onnx.ModelProto,
  probeProvider: string,
  sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>,
): Promise<number> {
  const graph = model.graph as onnx.GraphProto;
  if (!graph.node.some(isCeilModeMaxPool)) return 0;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const feeds: Record<string, OrtTensorLike> = {};
  for (const input of graph.input) {
    if (!input.name || initializers.has(input.name)) continue;
    const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d, i) => (i === 0 ? 1 : Number(d.dimValue ?? 0)));
    if (dims.length === 0 || dims.some((d) => !(d > 0))) return 0;
    feeds[input.name] = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
  }
  const facts = await inferShapes(ort, encodeModel(model), feeds, { ...sessionOptions, executionProviders: [probeProvider] });
  return explicitCeilModePools(model, new Map(facts.shapes), 'all');
}
