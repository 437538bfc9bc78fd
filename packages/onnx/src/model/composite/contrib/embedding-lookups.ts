import { onnx } from '../../../proto/generated/onnx.js';
import { DataType } from '../../../proto/tensor.js';
import { defaultOpset } from '../../../graph/model.js';
import { qualifiedOpType } from '../registry.js';
import { usedNames } from '../../endpoints.js';
import { LoweringBuilder } from '../lowering-builder.js';
import { copyModel } from '../../working-copy.js';
import { embedLayerNormalization, embedLayerNormalizationOps } from './embed-layer-normalization.js';

const FUSED_EMBEDDING = qualifiedOpType(embedLayerNormalization.opType, embedLayerNormalization.domain);

/**
 * A copy of `model` (see copyModel) with every com.microsoft.EmbedLayerNormalization node
 * rewritten into the standard ops it computes, before any shape is known, so that the
 * word-embedding lookup is an ordinary Gather of the table by the token ids (its output
 * `<output>/word_embeddings`): the tensor token-layer attribution cuts the model at. The
 * rewritten model runs on onnxruntime as the original does. A model without one is returned as it is.
 */
export function withEmbeddingLookups(source: onnx.ModelProto): onnx.ModelProto {
  if (!(source.graph?.node ?? []).some((node) => qualifiedOpType(node.opType ?? '', node.domain) === FUSED_EMBEDDING)) return source;
  const model = copyModel(source);
  const graph = model.graph as onnx.GraphProto;
  const opset = defaultOpset(model);
  const fused = (node: onnx.INodeProto): boolean =>
    qualifiedOpType(node.opType ?? '', node.domain) === FUSED_EMBEDDING && embedLayerNormalization.refusal(node, opset) === undefined;
  if (!graph.node.some(fused)) return model;
  const b = new LoweringBuilder(opset, usedNames(graph), { shapes: new Map(), dataTypes: new Map(), values: new Map() }, 'ig_embedding');
  const nodes: onnx.NodeProto[] = [];
  for (const node of graph.node as onnx.NodeProto[]) {
    if (!fused(node)) {
      nodes.push(node);
      continue;
    }
    const start = b.nodes.length;
    const outputs = embedLayerNormalizationOps(b, node, false);
    node.output.forEach((name, index) => {
      const source = outputs[index];
      if (name && source) b.alias(source, name);
    });
    nodes.push(...b.nodes.slice(start));
  }
  b.commit(graph, nodes, new Map());
  declareMaskIndices(graph, (source.graph?.node ?? []).filter(fused));
  return model;
}

/**
 * mask_index is int32 [B] (the batch left open): stated, so that a rule reading the model (the
 * contextual decomposition of com.microsoft.Attention) knows the mask's form from its rank.
 */
function declareMaskIndices(graph: onnx.GraphProto, nodes: readonly onnx.INodeProto[]): void {
  const declared = new Set(graph.valueInfo.map((info) => info.name));
  for (const node of nodes) {
    const name = node.output?.[1];
    if (!name || declared.has(name)) continue;
    graph.valueInfo.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.INT32, shape: { dim: [{}] } } } }));
  }
}
