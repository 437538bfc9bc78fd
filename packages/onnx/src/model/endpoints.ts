import type { onnx } from '../proto/generated/onnx.js';
import { DataType, dataTypeName, isFloatType } from '../proto/tensor.js';
import type { TensorFacts } from '../graph/builder.js';
import { InvalidModelError } from '../errors.js';

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

/** The inputs to differentiate (default every float input) and the output to explain (default the first); checks both exist. */
export function resolveInputsAndOutput(
  graph: onnx.IGraphProto,
  facts: TensorFacts,
  options: { inputs?: readonly string[]; output?: string },
): { inputs: string[]; output: string } {
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const inputs = options.inputs ? [...options.inputs] : floatInputs(graph, facts);
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
  return { inputs, output };
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
