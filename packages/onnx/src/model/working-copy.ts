import { onnx } from '../proto/generated/onnx.js';
import type { TensorFacts } from '../graph/builder.js';
import { defaultOpset, mergeFacts, modelFacts } from '../graph/model.js';
import { upgradeToOpset11 } from './upgrade.js';
import { explicitCeilModePools } from '../runtime/ceil-mode.js';
import { lowerRecurrentNodes } from './recurrent/lower.js';
import { lowerCompositeNodes } from './composite/lower.js';
import { inlineControlFlow } from './control-flow/inline.js';
import type { PreparedModel } from './prepare.js';

/**
 * A copy of the model that shares its nodes, tensors and value infos but not the lists that
 * hold them, nor its opset entries: what a builder needs to add nodes, inputs and outputs
 * without decoding the model again. Passes that change a node replace it in the list instead.
 */
export function copyModel(model: onnx.ModelProto): onnx.ModelProto {
  const graph = model.graph as onnx.GraphProto;
  const copy = onnx.ModelProto.create({ ...model });
  copy.opsetImport = model.opsetImport.map((entry) => onnx.OperatorSetIdProto.create({ ...entry }));
  copy.graph = onnx.GraphProto.create({
    ...graph,
    node: [...graph.node],
    initializer: [...graph.initializer],
    input: [...graph.input],
    output: [...graph.output],
    valueInfo: [...graph.valueInfo],
  });
  return copy;
}

/**
 * A copy of the prepared model to build a graph in, for one input shape: `extra` (facts of a
 * probe run or static inference) over the model's own, a pending upgrade done with them, If,
 * Loop and Scan nodes whose control flow they fix inlined (first: their bodies may hold the nodes
 * the next passes rewrite), the ceil-mode pools they show to lose a window made explicit, and
 * recurrent nodes (LSTM, GRU, RNN) unrolled over the sequence length they give, and composite ops
 * (RMSNormalization…) lowered into the standard ops they stand for (`unrolled` counts the nodes
 * inlined, unrolled and lowered). Its opset is checked (11–21).
 */
export function withFacts(
  prepared: PreparedModel,
  extra: Partial<TensorFacts> | undefined,
): { model: onnx.ModelProto; opset: number; facts: TensorFacts; unrolled: number } {
  const model = copyModel(prepared.model);
  const shapes = new Map([...prepared.facts.shapes, ...(extra?.shapes ?? [])]);
  upgradeToOpset11(model, shapes);
  const known = mergeFacts(prepared.facts, { ...extra, shapes });
  const inlined = inlineControlFlow(model, known);
  explicitCeilModePools(model, shapes, 'dropping');
  const unrolled = inlined + lowerRecurrentNodes(model, shapes) + lowerCompositeNodes(model, shapes, known.dataTypes);
  const opset = defaultOpset(model);
  const facts = mergeFacts(modelFacts(model.graph as onnx.GraphProto), { ...extra, shapes });
  return { model, opset, facts, unrolled };
}
