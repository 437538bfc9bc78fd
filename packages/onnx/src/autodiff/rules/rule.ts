import type { onnx } from '../../proto/generated/onnx.js';
import type { GraphBuilder } from '../../graph/builder.js';
import { floatAttribute, floatsAttribute, hasAttribute, intAttribute, intsAttribute, stringAttribute } from '../../graph/attributes.js';
import { InvalidModelError } from '../../errors.js';
import type { LegacyRewrite } from './legacy.js';

/** A forward node as a gradient rule sees it. */
export class NodeView {
  constructor(
    readonly proto: onnx.INodeProto,
    /** The default-domain opset of the model. */
    readonly opset: number,
    private readonly needs: ReadonlySet<number>,
  ) {}

  get opType(): string {
    return this.proto.opType ?? '';
  }

  get name(): string {
    return this.proto.name ?? '';
  }

  /** Input name, or '' when the optional input is absent. */
  input(index: number): string {
    return this.proto.input?.[index] ?? '';
  }

  output(index: number): string {
    return this.proto.output?.[index] ?? '';
  }

  get inputCount(): number {
    return this.proto.input?.length ?? 0;
  }

  /** Whether the reverse pass wants the gradient of input `index`. */
  needsGradient(index: number): boolean {
    return this.needs.has(index);
  }

  has(name: string): boolean {
    return hasAttribute(this.proto, name);
  }
  int(name: string, fallback: number): number {
    return intAttribute(this.proto, name, fallback);
  }
  float(name: string, fallback: number): number {
    return floatAttribute(this.proto, name, fallback);
  }
  ints(name: string): number[] | undefined {
    return intsAttribute(this.proto, name);
  }
  floats(name: string): number[] | undefined {
    return floatsAttribute(this.proto, name);
  }
  string(name: string, fallback: string): string {
    return stringAttribute(this.proto, name, fallback);
  }

  /** An error about this node that names it. */
  invalid(message: string): InvalidModelError {
    return new InvalidModelError(`${this.opType} node "${this.name}": ${message}`);
  }
}

/** Raised by a rule for a form of its op it does not differentiate (an attribute value, an input). */
export class UnsupportedForm extends Error {}

/**
 * The reverse-mode rule of one op type: given the gradients of the outputs (null where nothing
 * downstream depends on an output), returns the gradient of each input (null for none).
 */
export interface GradientRule {
  readonly opType: string;
  /** The first default-domain opset whose form of the op this rule handles. */
  readonly since: number;
  /**
   * Input indices that carry gradient (`'all'` for variadic ops); a differentiated tensor reaching
   * any other input makes the node unsupported.
   */
  readonly differentiable: readonly number[] | 'all';
  gradient(node: NodeView, grads: readonly (string | null)[], builder: GraphBuilder): readonly (string | null)[];
  /** How a node of the op is affine in one input; absent for ops that are not (see AffineForm). */
  readonly affine?: AffineForm;
  /** Its rewrite from a legacy opset (1–10) to opset 11, where its form changed (see LegacyRewrite). */
  readonly legacy?: LegacyRewrite;
}

/**
 * How a node is affine in one input while its other inputs are constant: its input gradient is
 * then one fixed linear map, which a fused path graph applies once per run to an affine stem
 * (see findAffinePrefix).
 */
export interface AffineForm {
  /** Whether `node` is affine in its input `index` (the others constant). */
  readonly in: (node: onnx.INodeProto, index: number) => boolean;
  /** Its constant operands are weights, which never broadcast across points, whatever their shape. */
  readonly weights?: boolean;
  /** Its constant operands' highest rank that keeps points apart (MatMul: a rank-3 operand multiplies each point by another matrix). */
  readonly maxConstantRank?: number;
  /** Its adjoint costs well above a copy: a stem is folded only when it has such a node. */
  readonly heavy?: boolean;
  /** It may change the tensor's shape (heavy ops may too). */
  readonly reshapes?: boolean;
}

/** `rule` with its affine form (see AffineForm). */
export function withAffine(rule: GradientRule, affine: AffineForm): GradientRule {
  return { ...rule, affine };
}

/** Normalizes a possibly negative axis against a rank, with a clear error when out of range. */
export function normalizeAxis(node: NodeView, axis: number, rank: number): number {
  const normalized = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(normalized) || normalized < 0 || normalized >= rank) {
    throw node.invalid(`axis ${axis} is out of range for rank ${rank}`);
  }
  return normalized;
}

/** The gradient of output 0, which every single-output rule needs. */
export function outputGrad(node: NodeView, grads: readonly (string | null)[]): string {
  const g = grads[0];
  if (!g) throw node.invalid('no gradient reached output 0');
  return g;
}
