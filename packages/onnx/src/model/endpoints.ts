import type { onnx } from '../proto/generated/onnx.js';
import { DataType, dataTypeName, isFloatType } from '../proto/tensor.js';
import type { TensorFacts } from '../graph/builder.js';
import { InvalidModelError } from '../errors.js';
import { reaches } from './input-use.js';

function floatInputs(graph: onnx.IGraphProto, facts: TensorFacts): string[] {
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).map((v) => v.name ?? '').filter((name) => !initializers.has(name) && isFloatType(facts.dataTypes.get(name) ?? DataType.FLOAT));
}

/** Every tensor and node name the graph uses, so generated names never collide. */
export function usedNames(graph: onnx.IGraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) if (v.name) names.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const node of graph.node ?? []) {
    for (const n of [...(node.input ?? []), ...(node.output ?? [])]) if (n) names.add(n);
    if (node.name) names.add(node.name);
  }
  return names;
}

/** The inputs to differentiate (default every float input not held fixed) and the output to explain (default the first); checks both exist. */
export function resolveInputsAndOutput(
  graph: onnx.IGraphProto,
  facts: TensorFacts,
  options: { inputs?: readonly string[]; output?: string; heldFixed?: readonly string[] },
): { inputs: string[]; output: string } {
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const inputs = options.inputs ? [...options.inputs] : floatInputs(graph, facts).filter((name) => !options.heldFixed?.includes(name));
  for (const input of inputs) {
    if (!graphInputs.has(input)) throw new InvalidModelError(`"${input}" is not an input of the graph (inputs: ${[...graphInputs].join(', ')})`);
  }
  if (inputs.length === 0)
    throw new InvalidModelError(
      'the graph has no float input to differentiate; attribute integer inputs such as token ids at a float layer (layer attribution)',
    );
  const outputs = (graph.output ?? []).map((v) => v.name ?? '');
  const output = options.output ?? outputs[0];
  if (!output || !outputs.includes(output)) {
    const computed = (graph.node ?? []).some((node) => (node.output ?? []).includes(output ?? ''));
    const hint = computed ? `; it is an intermediate tensor: explain it through exposeTensor(model, "${output}")` : '';
    throw new InvalidModelError(`output "${String(options.output)}" is not an output of the graph (outputs: ${outputs.join(', ')})${hint}`);
  }
  checkExplainedOutput(graph, facts, output, outputs);
  if (!reaches(graph, inputs, output)) {
    throw new InvalidModelError(
      `output "${output}" does not depend on the attributed input(s) ${inputs.map((i) => `"${i}"`).join(', ')}: its gradient is zero`,
    );
  }
  return { inputs, output };
}

/** Refuses an output no node computes (an input or initializer listed as an output) and an integer one. */
function checkExplainedOutput(graph: onnx.IGraphProto, facts: TensorFacts, output: string, outputs: readonly string[]): void {
  const computed = new Set((graph.node ?? []).flatMap((node) => node.output ?? []));
  const floatOutputs = outputs.filter((name) => computed.has(name) && isFloatType(facts.dataTypes.get(name) ?? DataType.FLOAT));
  const others = `explain an output a node computes (float outputs: ${floatOutputs.join(', ') || 'none'})`;
  if ((graph.initializer ?? []).some((t) => t.name === output)) {
    throw new InvalidModelError(`output "${output}" is an initializer (a constant of the model): no input reaches it, so it has no gradient; ${others}`);
  }
  const producer = computed.has(output) ? (graph.node ?? []).find((node) => (node.output ?? []).includes(output)) : undefined;
  if (!producer) {
    const input = (graph.input ?? []).some((v) => v.name === output);
    throw new InvalidModelError(
      `output "${output}" is ${input ? 'a graph input passed through unchanged' : 'computed by no node'}: there is no path to differentiate; ${others}`,
    );
  }
  const type = facts.dataTypes.get(output);
  if (type !== undefined && !isFloatType(type)) {
    throw new InvalidModelError(
      `output "${output}" is ${dataTypeName(type)} (written by ${producer.opType ?? ''} node "${producer.name ?? ''}"): integer outputs such as indices or labels have no gradient; ${others}`,
    );
  }
}

/** Graph inputs that are not initializers. */
export function graphInputs(graph: onnx.GraphProto): onnx.IValueInfoProto[] {
  const initializers = new Set(graph.initializer.map((t) => t.name));
  return graph.input.filter((v) => !initializers.has(v.name));
}

/** Throws unless every attributed input is a float tensor (float64 and float16 ones are lowered to float32 before this). */
export function checkFloatInputs(graph: onnx.GraphProto, inputs: readonly string[]): void {
  for (const info of graphInputs(graph).filter((v) => inputs.includes(v.name ?? ''))) {
    const type = info.type?.tensorType?.elemType ?? DataType.FLOAT;
    if (type !== DataType.FLOAT) {
      throw new InvalidModelError(
        `input "${info.name}" is ${dataTypeName(type)}; an attributed input must be a float tensor (float64 and float16 models are computed in float32); attribute integer inputs such as token ids through a float layer`,
      );
    }
  }
}

/** The batch size the model fixes on the first axis of any input (a context input included), if it does. */
export function fixedBatch(graph: onnx.GraphProto): number | undefined {
  const first = graphInputs(graph)
    .map((v) => v.type?.tensorType?.shape?.dim?.[0])
    .find((d) => d && !d.dimParam && Number(d.dimValue) > 0);
  return first ? Number(first.dimValue) : undefined;
}
