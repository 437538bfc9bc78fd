import { IGError } from '@ig/core';

/** The bytes are not a readable ONNX ModelProto (truncated, random, or over a size limit). */
export class ModelDecodeError extends IGError {
  constructor(message: string) {
    super('ONNX_DECODE', message);
  }
}

/** The model decodes but breaks an ONNX rule: a cycle, a missing tensor, an unknown domain, a bad attribute. */
export class InvalidModelError extends IGError {
  constructor(message: string) {
    super('ONNX_INVALID_MODEL', message);
  }
}

/** The default-domain opset is outside the range the gradient rules support (11–21). */
export class UnsupportedOpsetError extends IGError {
  readonly opset: number;
  constructor(opset: number, min: number, max: number) {
    super('ONNX_UNSUPPORTED_OPSET', `default-domain opset ${opset} is not supported; supported opsets are ${min}–${max}`);
    this.opset = opset;
  }
}

/** One node on the differentiated path that has no gradient rule. */
export interface UnsupportedNode {
  readonly opType: string;
  readonly domain: string;
  readonly nodeName: string;
  /** The node's first output, which names a node whose `name` is empty. */
  readonly output: string;
  readonly opset: number;
  /** Why: no rule, or a rule that does not cover this form (attribute value, input index). */
  readonly reason: string;
}

/** Raised before anything runs when nodes on the path from input to output have no gradient rule. */
export class UnsupportedOpError extends IGError {
  readonly nodes: readonly UnsupportedNode[];
  /** The distinct op types, sorted. */
  readonly opTypes: readonly string[];
  constructor(nodes: readonly UnsupportedNode[]) {
    const { opTypes, message } = unsupportedNodesMessage('no gradient for', nodes);
    super('ONNX_UNSUPPORTED_OP', message);
    this.nodes = nodes;
    this.opTypes = opTypes;
  }
}

/**
 * `what` and the distinct op types, then the first node and why on the first line on its own, so
 * that a caller showing one line (a CLI error) still says which node lacks what; with several
 * nodes, every one follows on lines of its own.
 */
export function unsupportedNodesMessage(what: string, nodes: readonly UnsupportedNode[]): { opTypes: string[]; message: string } {
  const opTypes = [...new Set(nodes.map((n) => (n.domain ? `${n.domain}.${n.opType}` : n.opType)))].sort();
  const which = (n: UnsupportedNode): string => (n.nodeName ? `node "${n.nodeName}"` : `unnamed node writing "${n.output}"`);
  const describe = (n: UnsupportedNode): string => `${n.domain ? `${n.domain}.` : ''}${n.opType} (opset ${n.opset}) ${which(n)}: ${n.reason}`;
  const first = nodes[0] === undefined ? '' : `: ${describe(nodes[0])}`;
  const rest = nodes.length > 1 ? `; ${nodes.length} nodes in all:\n${nodes.map((n) => `  ${describe(n)}`).join('\n')}` : '';
  return { opTypes, message: `${what} ${opTypes.join(', ')}${first}${rest}` };
}

/** A static shape or constant value the gradient graph needs is not known. */
export class UnknownShapeError extends IGError {
  readonly tensorName: string;
  constructor(tensorName: string, what = 'shape') {
    super(
      'ONNX_UNKNOWN_SHAPE',
      `the ${what} of tensor "${tensorName}" is not known statically; pass options.shapes (see inferShapes) or use onnxBackend, which probes it`,
    );
    this.tensorName = tensorName;
  }
}

/**
 * The rows of the model's batch are not independent copies of one function: the path points of an
 * example, stacked along the batch axis, would each be computed by a different function or see
 * the others.
 */
export class BatchRowsError extends IGError {
  readonly outputName: string;
  readonly row: number;
  constructor(outputName: string, row: number, message: string) {
    super('ONNX_BATCH_ROWS', message);
    this.outputName = outputName;
    this.row = row;
  }
}

/** The runtime failed to create a session or to run the model. */
/**
 * A legacy model (default-domain opset 1–10) that onnxruntime cannot run as it is, whose rewrite
 * to opset 11 needs the shape of a tensor that neither the model's value infos nor its ops state.
 */
export class LegacyUpgradeError extends IGError {
  readonly tensorName: string;
  constructor(opset: number, tensorName: string, cause: unknown) {
    const said = cause instanceof Error ? cause.message : String(cause);
    super(
      'ONNX_LEGACY_UPGRADE',
      `the model's default-domain opset ${opset} predates the kernels onnxruntime runs, and rewriting it to opset 11 needs the shape of tensor "${tensorName}", which neither the model's value infos nor its ops state; give the model shapes (onnx.shape_inference.infer_shapes) or convert it (onnx.version_converter) (onnxruntime: ${said})`,
    );
    this.tensorName = tensorName;
  }
}

export class RuntimeError extends IGError {
  readonly causes: readonly unknown[];
  constructor(message: string, causes: readonly unknown[] = []) {
    const detail = causes.map((c) => (c instanceof Error ? c.message : String(c))).join('; ');
    super('ONNX_RUNTIME', detail ? `${message}: ${detail}` : message);
    this.causes = causes;
  }
}
