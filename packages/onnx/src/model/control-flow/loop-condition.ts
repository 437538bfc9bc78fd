import type { onnx } from '../../proto/generated/onnx.js';
import { modelFacts } from '../../graph/model.js';

/**
 * Why a Loop body's condition output may turn false (undefined when it provably stays true):
 * it must be the body's condition input passed through (directly or by an Identity), a constant
 * true, or an outer tensor that `outerValue` knows to be true.
 */
export function bodyConditionRefusal(body: onnx.IGraphProto, outerValue: (name: string) => readonly number[] | undefined): string | undefined {
  const conditionIn = body.input?.[1]?.name ?? '';
  let name = body.output?.[0]?.name ?? '';
  const producer = (tensor: string): onnx.INodeProto | undefined => (body.node ?? []).find((node) => (node.output ?? []).includes(tensor));
  for (let node = producer(name); node?.opType === 'Identity'; node = producer(name)) name = node.input?.[0] ?? '';
  if (name === conditionIn) return undefined;
  const node = producer(name);
  const local = modelFacts({ node: node?.opType === 'Constant' ? [node] : [], initializer: body.initializer ?? [] }).values.get(name);
  const defined = node !== undefined || (body.initializer ?? []).some((t) => t.name === name) || (body.input ?? []).some((v) => v.name === name);
  const value = local ?? (defined ? undefined : outerValue(name));
  if (value !== undefined && value.length === 1 && value[0] !== 0) return undefined;
  return `the body's condition output ("${body.output?.[0]?.name ?? ''}") is computed in the body, so the loop may stop early: only a loop whose condition stays true can be unrolled`;
}
