import type { onnx } from '../../proto/generated/onnx.js';
import { DataType } from '../../proto/tensor.js';
import { hasAttribute, intAttribute, intsAttribute } from '../../graph/attributes.js';
import { refusal, type Inliner, type Rename } from './inliner.js';
import { MAX_UNROLLED_NODES, nodeCount, subgraph } from './if-loop.js';

/**
 * Scan (opset 9 form) over a sequence length its inputs' shapes give: each step's slices taken
 * with Gather at a constant index (from the end where a scan input runs in reverse), states
 * threaded through, and the scan outputs' elements stacked along their axes (in reverse order
 * where an output's direction is 1).
 */
export function inlineScan(inliner: Inliner, node: onnx.INodeProto, rename: Rename, outputs: readonly string[]): void {
  const refuse = (reason: string): never => {
    throw refusal(node, inliner.opset, reason);
  };
  const body = subgraph(node, 'body') ?? refuse('it has no body graph');
  if (hasAttribute(node, 'directions')) refuse('it has the opset 8 form (a batch axis and sequence_lens), which is not inlined');
  const inputs = (node.input ?? []).map(rename);
  const scanInputs = intAttribute(node, 'num_scan_inputs', 0);
  const stateCount = inputs.length - scanInputs;
  if (scanInputs < 1 || stateCount < 0) refuse(`num_scan_inputs (${scanInputs}) must be between 1 and its ${inputs.length} inputs`);
  const sequences = inputs.slice(stateCount);
  const axes = intsAttribute(node, 'scan_input_axes') ?? sequences.map(() => 0);
  const reversed = intsAttribute(node, 'scan_input_directions') ?? sequences.map(() => 0);
  const lengths = sequences.map((name, j) => {
    const shape = inliner.shapes.get(name) ?? refuse(`the shape of its scan input ${j} ("${node.input?.[stateCount + j] ?? ''}") is not known statically`);
    const axis = (axes[j] ?? 0) < 0 ? (axes[j] as number) + shape.length : (axes[j] ?? 0);
    if (axis < 0 || axis >= shape.length) refuse(`scan_input_axes[${j}] (${axes[j] ?? 0}) is outside its scan input's ${shape.length} axes`);
    return { axis, length: shape[axis] as number };
  });
  const length = lengths[0]?.length ?? 0;
  if (lengths.some((l) => l.length !== length)) refuse(`its scan inputs have different sequence lengths (${lengths.map((l) => l.length).join(', ')})`);
  if (length === 0) refuse('its sequence length is 0, and its scan outputs would be empty tensors');
  const size = nodeCount(body);
  if (length * size > MAX_UNROLLED_NODES) {
    refuse(`unrolling its ${length} steps of a ${size}-node body would add ${length * size} nodes, over the limit of ${MAX_UNROLLED_NODES}`);
  }
  let states = inputs.slice(0, stateCount);
  const scanCount = (body.output ?? []).length - stateCount;
  const elements: string[][] = Array.from({ length: scanCount }, () => []);
  for (let t = 0; t < length; t++) {
    const slices = sequences.map((sequence, j) => {
      const slice = inliner.fresh('slice');
      const index = inliner.constant(`step_${t}`, [], DataType.INT64, [reversed[j] ? length - 1 - t : t]);
      inliner.emit('Gather', [sequence, index], [slice], { axis: { int: lengths[j]?.axis ?? 0 } });
      return slice;
    });
    const results = inliner.inlineBody(body, [...states, ...slices], rename);
    states = results.slice(0, stateCount);
    results.slice(stateCount).forEach((element, k) => elements[k]?.push(element));
  }
  const outputAxes = intsAttribute(node, 'scan_output_axes') ?? [];
  const outputReversed = intsAttribute(node, 'scan_output_directions') ?? [];
  outputs.forEach((output, index) => {
    if (!output) return;
    if (index < stateCount) return inliner.identity(states[index] as string, output);
    const k = index - stateCount;
    let axis = outputAxes[k] ?? 0;
    if (axis < 0) {
      const rank = inliner.shapes.get(node.output?.[index] ?? '')?.length ?? refuse(`the rank of its scan output ${k} ("${output}") is not known statically`);
      axis += rank;
    }
    const parts = elements[k] ?? [];
    inliner.stack(outputReversed[k] ? [...parts].reverse() : parts, axis, output);
  });
}
