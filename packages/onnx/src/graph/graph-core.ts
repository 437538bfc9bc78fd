import { onnx } from '../proto/generated/onnx.js';
import { DataType, makeTensor } from '../proto/tensor.js';
import { InvalidModelError, UnknownShapeError } from '../errors.js';
import { toAttributeProto, type Attributes } from './attributes.js';

/** What is known about a tensor before the gradient graph runs. */
export interface TensorFacts {
  /** Concrete dimensions. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  /** ONNX element types (TensorProto.DataType). */
  readonly dataTypes: ReadonlyMap<string, number>;
  /** Values of small constant or shape-like tensors (Slice starts, Pad pads, Resize scales). */
  readonly values: ReadonlyMap<string, readonly number[]>;
}

/** Constants the gradient graph embeds (index maps, masks) stay below 2^26 elements (256 MiB). */
const MAX_CONSTANT_ELEMENTS = 2 ** 26;

export function checkConstantSize(dims: readonly number[]): void {
  const count = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_CONSTANT_ELEMENTS) {
    throw new InvalidModelError(`a constant of shape [${dims.join(', ')}] would be needed; the limit is ${MAX_CONSTANT_ELEMENTS} elements`);
  }
}

/**
 * The part of GraphBuilder that keeps the graph under construction: fresh names, nodes,
 * constants, and what is known about each tensor (see GraphBuilder for the op helpers).
 */
export class GraphCore {
  readonly nodes: onnx.NodeProto[] = [];
  readonly initializers: onnx.TensorProto[] = [];
  private readonly used: Set<string>;
  protected readonly shapes: Map<string, readonly number[]>;
  private readonly dataTypes: Map<string, number>;
  private readonly values: Map<string, readonly number[]>;
  private readonly constantCache = new Map<string, string>();
  /** Op type of the node that writes each tensor this builder made. */
  protected readonly producers = new Map<string, string>();
  private counter = 0;

  constructor(
    readonly opset: number,
    usedNames: Iterable<string>,
    facts: TensorFacts,
    private readonly prefix = 'ig_grad',
  ) {
    this.used = new Set(usedNames);
    this.shapes = new Map(facts.shapes);
    this.dataTypes = new Map(facts.dataTypes);
    this.values = new Map(facts.values);
  }

  /** A tensor name not used anywhere in the model. */
  fresh(hint: string): string {
    const base = `${this.prefix}/${hint.replace(/[^A-Za-z0-9_.]/g, '_')}`;
    let name = `${base}_${this.counter++}`;
    while (this.used.has(name)) name = `${base}_${this.counter++}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  /** Adds one node and returns its output names. */
  node(opType: string, inputs: readonly string[], attributes: Attributes = {}, outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(opType));
    for (const output of outputs) this.producers.set(output, opType);
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        name: this.fresh(`${opType}_node`),
        input: [...inputs],
        output: outputs,
        attribute: Object.entries(attributes).map(([name, value]) => toAttributeProto(name, value)),
      }),
    );
    return outputs;
  }

  /** Copies `source` into a tensor with a fixed name (a graph output). */
  alias(source: string, target: string): void {
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', name: this.fresh('Identity_node'), input: [source], output: [target] }));
    const shape = this.shapes.get(source);
    if (shape) this.shapes.set(target, shape);
  }

  /** Adds one single-output node, optionally recording the output's static shape. */
  op(opType: string, inputs: readonly string[], attributes: Attributes = {}, shape?: readonly number[]): string {
    const [output] = this.node(opType, inputs, attributes, 1) as [string];
    if (shape) this.shapes.set(output, shape);
    return output;
  }

  hasShape(name: string): boolean {
    return this.shapes.has(name);
  }

  shape(name: string): readonly number[] {
    const shape = this.shapes.get(name);
    if (!shape) throw new UnknownShapeError(name);
    return shape;
  }

  setShape(name: string, shape: readonly number[]): void {
    this.shapes.set(name, shape);
  }

  rank(name: string): number {
    return this.shape(name).length;
  }

  dataType(name: string): number {
    return this.dataTypes.get(name) ?? DataType.FLOAT;
  }

  knownDataType(name: string): number | undefined {
    return this.dataTypes.get(name);
  }

  /** The values of a constant-like tensor (initializer, Constant output, or probed). */
  constantValues(name: string): readonly number[] {
    const values = this.values.get(name);
    if (!values) throw new UnknownShapeError(name, 'value');
    return values;
  }

  hasConstantValues(name: string): boolean {
    return this.values.has(name);
  }

  private constant(key: string, tensor: (name: string) => onnx.TensorProto, shape: readonly number[], dataType: number): string {
    const cached = this.constantCache.get(key);
    if (cached) return cached;
    const name = this.fresh('const');
    this.initializers.push(tensor(name));
    this.shapes.set(name, shape);
    this.dataTypes.set(name, dataType);
    this.constantCache.set(key, name);
    return name;
  }

  floatConstant(values: ArrayLike<number>, dims: readonly number[] = []): string {
    checkConstantSize(dims);
    const array = Array.from(values);
    const key = array.length <= 16 ? `f:${dims.join(',')}:${array.join(',')}` : `f:${this.counter}`;
    return this.constant(key, (name) => makeTensor(name, dims, DataType.FLOAT, array), dims, DataType.FLOAT);
  }

  int64Constant(values: readonly number[], dims: readonly number[] = [values.length]): string {
    checkConstantSize(dims);
    const key = `i:${dims.join(',')}:${values.join(',')}`;
    return this.constant(key, (name) => makeTensor(name, dims, DataType.INT64, values), dims, DataType.INT64);
  }

  // Arithmetic. Shapes follow NumPy broadcasting at run time.
}
