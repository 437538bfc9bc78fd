import { onnx } from '../../proto/generated/onnx.js';
import { DataType, makeTensor } from '../../proto/tensor.js';
import { modelFacts } from '../../graph/model.js';
import { toAttributeProto, type Attributes } from '../../graph/attributes.js';
import { UnsupportedOpError } from '../../errors.js';
import { isControlFlowNode } from './static-names.js';
import { foldScalars } from './fold.js';

/** Maps a name as a (sub)graph reads it to the name it has in the inlined graph. */
export type Rename = (name: string) => string;

/** The prefix of every name the inlining creates; a counter keeps them unique and the same on every run. */
const PREFIX = 'ig_cf/';

/** Inlines one control-flow node read through `rename`, writing `outputs`; see inlineControlFlow. */
export type InlineNode = (inliner: Inliner, node: onnx.INodeProto, rename: Rename, outputs: readonly string[]) => void;

/** Where inlined nodes and constants go, with the static values and main-graph shapes known. */
export class Inliner {
  readonly nodes: onnx.NodeProto[] = [];
  readonly initializers: onnx.TensorProto[] = [];
  private counter = 0;

  constructor(
    /** Names the main graph uses, never given out. */
    private readonly used: ReadonlySet<string>,
    readonly opset: number,
    /** Values of tensors known to depend on no input data (by their inlined names). */
    readonly values: Map<string, readonly number[]>,
    readonly shapes: ReadonlyMap<string, readonly number[]>,
    readonly inlineNode: InlineNode,
  ) {}

  fresh(hint: string): string {
    let name = `${PREFIX}${hint}_${this.counter++}`;
    while (this.used.has(name)) name = `${PREFIX}${hint}_${this.counter++}`;
    return name;
  }

  emit(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Attributes = {}): void {
    const attribute = Object.entries(attributes).map(([name, value]) => toAttributeProto(name, value));
    this.nodes.push(onnx.NodeProto.create({ name: this.fresh(opType), opType, input: [...inputs], output: [...outputs], attribute }));
  }

  constant(hint: string, dims: readonly number[], dataType: number, values: readonly number[]): string {
    const name = this.fresh(hint);
    this.initializers.push(makeTensor(name, dims, dataType, values));
    this.values.set(name, values);
    return name;
  }

  identity(from: string, to: string): void {
    this.emit('Identity', [from], [to]);
  }

  /** x with a new axis of length 1 at `axis`. */
  unsqueeze(x: string, axis: number): string {
    const output = this.fresh('unsqueezed');
    if (this.opset >= 13) this.emit('Unsqueeze', [x, this.constant('axes', [1], DataType.INT64, [axis])], [output]);
    else this.emit('Unsqueeze', [x], [output], { axes: { ints: [axis] } });
    return output;
  }

  /** The parts, each given a new axis at `axis`, joined along it. */
  stack(parts: readonly string[], axis: number, output: string): void {
    this.emit(
      'Concat',
      parts.map((part) => this.unsqueeze(part, axis)),
      [output],
      { axis: { int: axis } },
    );
  }

  /**
   * Copies `body`'s nodes with every name it defines made fresh (its inputs bound to `bound`,
   * in order) and every other name read through `outer`; nested If, Loop and Scan nodes are
   * inlined in turn. Returns the inlined names of the body's outputs.
   */
  inlineBody(body: onnx.IGraphProto, bound: readonly string[], outer: Rename): string[] {
    const local = new Map<string, string>();
    (body.input ?? []).forEach((input, index) => {
      const name = bound[index];
      if (input.name && name !== undefined) local.set(input.name, name);
    });
    const rename: Rename = (name) => local.get(name) ?? outer(name);
    for (const tensor of body.initializer ?? []) {
      const name = this.fresh(tensor.name ?? 'initializer');
      local.set(tensor.name ?? '', name);
      this.initializers.push(onnx.TensorProto.create({ ...tensor, name }));
      const value = modelFacts({ initializer: [{ ...tensor, name }] }).values.get(name);
      if (value) this.values.set(name, value);
    }
    for (const node of body.node ?? []) {
      const outputs = (node.output ?? []).map((name) => (name ? this.fresh(name) : ''));
      (node.output ?? []).forEach((name, index) => name && local.set(name, outputs[index] as string));
      if (isControlFlowNode(node)) {
        this.inlineNode(this, node, rename, outputs);
        continue;
      }
      if ((node.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length > 0)) {
        throw refusal(node, this.opset, 'it holds a subgraph, and only the subgraphs of If, Loop and Scan are inlined');
      }
      const copy = onnx.NodeProto.create({
        ...node,
        name: this.fresh(node.name || (node.opType ?? 'node')),
        input: (node.input ?? []).map((n) => (n ? rename(n) : '')),
        output: outputs,
      });
      this.nodes.push(copy);
      this.recordValues(copy);
    }
    return (body.output ?? []).map((output) => rename(output.name ?? ''));
  }

  /** Records the values of a Constant, or of scalar arithmetic on known values (see foldScalars). */
  private recordValues(node: onnx.NodeProto): void {
    const output = node.output[0] ?? '';
    const value = node.opType === 'Constant' ? modelFacts({ node: [node] }).values.get(output) : foldScalars(node, (name) => this.values.get(name));
    if (value && node.output.length === 1) this.values.set(output, value);
  }
}

/** Why a control-flow node cannot be inlined, as the typed error the gradient analysis reports. */
export function refusal(node: onnx.INodeProto, opset: number, reason: string): UnsupportedOpError {
  return new UnsupportedOpError([{ opType: node.opType ?? '', domain: '', nodeName: node.name ?? '', output: node.output?.[0] ?? '', opset, reason }]);
}
