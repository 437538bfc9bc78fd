import type { onnx } from '../../proto/generated/onnx.js';
import { defaultOpset, modelFacts } from '../../graph/model.js';
import { UnknownShapeError, UnsupportedOpError } from '../../errors.js';
import { usedNames } from '../endpoints.js';
import { isDefaultDomain } from '../../graph/names.js';
import { LoweringBuilder } from './lowering-builder.js';
import { compositeFor } from './registry.js';
import { clearRefusal, recordRefusal } from './refused-forms.js';

/**
 * Rewrites every composite node (see CompositeOp) that its op can lower into the standard ops
 * it stands for, writing the node's own outputs, so the rest of the graph is unchanged. A node
 * its op refuses is left as it is: the gradient analysis reports it where it lies on the path.
 * `knownDataTypes` are the element types known before (a mask's bool or float type decides its
 * meaning). The shapes of the added tensors are recorded in `shapes`. Returns how many nodes were rewritten.
 */
export function lowerCompositeNodes(
  model: onnx.ModelProto,
  shapes: Map<string, readonly number[]>,
  knownDataTypes: ReadonlyMap<string, number> = new Map(),
): number {
  const graph = model.graph as onnx.GraphProto;
  const opset = defaultOpset(model);
  if (!graph.node.some((node) => compositeFor(node, opset))) return 0;
  // Constant inputs (initializers, Constant nodes) give the values a lowering may need: lengths, axes, sizes.
  const known = modelFacts(graph);
  const dataTypes = new Map([...known.dataTypes, ...knownDataTypes]);
  const values = known.values;
  const b = new LoweringBuilder(opset, usedNames(graph), { shapes, dataTypes, values }, 'ig_op');
  const nodes: onnx.NodeProto[] = [];
  let lowered = 0;
  for (const node of graph.node as onnx.NodeProto[]) {
    const op = compositeFor(node, opset);
    if (!op || op.refusal(node, opset) !== undefined) {
      nodes.push(node);
      continue;
    }
    for (const input of node.input) if (input && !b.hasShape(input)) throw new UnknownShapeError(input);
    const start = b.nodes.length;
    let outputs: readonly (string | undefined)[];
    try {
      outputs = op.lower(b, node);
    } catch (error) {
      // A form the lowering does not cover: reported by the gradient analysis if on the path.
      if (!recordRefusal(node, error)) throw error;
      b.nodes.splice(start);
      nodes.push(node);
      continue;
    }
    clearRefusal(node);
    node.output.forEach((name, index) => {
      const source = outputs[index];
      if (!name) return;
      if (source === undefined) {
        const reason = `output ${index} ("${name}") is not computed by the lowering into standard ops`;
        throw new UnsupportedOpError([
          { opType: node.opType, domain: isDefaultDomain(node.domain) ? '' : node.domain, nodeName: node.name, output: name, opset, reason },
        ]);
      }
      b.alias(source, name);
    });
    nodes.push(...b.nodesSince(start, shapes));
    lowered++;
  }
  b.commit(graph, nodes, shapes);
  return lowered;
}
