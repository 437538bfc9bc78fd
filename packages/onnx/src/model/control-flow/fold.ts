import type { onnx } from '../../proto/generated/onnx.js';
import { DataType } from '../../proto/tensor.js';
import { intAttribute } from '../../graph/attributes.js';

type Binary = (a: number, b: number) => number;

const truth = (value: boolean): number => (value ? 1 : 0);

const BINARY: ReadonlyMap<string, Binary> = new Map<string, Binary>([
  ['Add', (a, b) => a + b],
  ['Sub', (a, b) => a - b],
  ['Mul', (a, b) => a * b],
  ['Max', Math.max],
  ['Min', Math.min],
  ['Equal', (a, b) => truth(a === b)],
  ['Greater', (a, b) => truth(a > b)],
  ['Less', (a, b) => truth(a < b)],
  ['GreaterOrEqual', (a, b) => truth(a >= b)],
  ['LessOrEqual', (a, b) => truth(a <= b)],
  ['And', (a, b) => truth(a !== 0 && b !== 0)],
  ['Or', (a, b) => truth(a !== 0 || b !== 0)],
  ['Xor', (a, b) => truth((a !== 0) !== (b !== 0))],
]);

const UNARY: ReadonlyMap<string, (a: number) => number> = new Map([
  ['Identity', (a: number) => a],
  ['Not', (a: number) => truth(a === 0)],
  ['Neg', (a: number) => -a],
  ['Abs', Math.abs],
]);

const INTEGER_TYPES: ReadonlySet<number> = new Set([DataType.INT32, DataType.INT64, DataType.INT8, DataType.INT16, DataType.UINT8]);

/**
 * The values of `node`'s output when its inputs' values are known and it is elementwise scalar
 * arithmetic, a comparison, logic or a Cast (what a loop body computes from its iteration number,
 * e.g. TorchScript's `if i == 0:`); undefined otherwise. Inputs have one element or the same number.
 */
export function foldScalars(node: onnx.INodeProto, valueOf: (name: string) => readonly number[] | undefined): readonly number[] | undefined {
  const opType = node.opType ?? '';
  const inputs = (node.input ?? []).map((name) => (name ? valueOf(name) : undefined));
  const [a, b] = inputs;
  if (a === undefined || inputs.some((v) => v === undefined)) return undefined;
  const unary = UNARY.get(opType);
  if (unary && inputs.length === 1) return a.map(unary);
  if (opType === 'Cast') {
    const to = intAttribute(node, 'to', 0);
    if (to === DataType.BOOL) return a.map((v) => truth(v !== 0));
    return INTEGER_TYPES.has(to) ? a.map(Math.trunc) : a;
  }
  const binary = BINARY.get(opType);
  if (!binary || b === undefined || inputs.length !== 2) return undefined;
  const length = Math.max(a.length, b.length);
  if ((a.length !== 1 && a.length !== length) || (b.length !== 1 && b.length !== length)) return undefined;
  return Array.from({ length }, (_, i) => binary(a[a.length === 1 ? 0 : i] as number, b[b.length === 1 ? 0 : i] as number));
}
