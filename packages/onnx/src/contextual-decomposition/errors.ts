import { IGError } from '@ig/core';
import type { UnsupportedNode } from '../errors.js';

/** Nodes on the input's path that contextual decomposition cannot carry, each named with its reason. */
export class UnsupportedDecompositionError extends IGError {
  readonly nodes: readonly UnsupportedNode[];
  /** The distinct op types, sorted. */
  readonly opTypes: readonly string[];
  constructor(nodes: readonly UnsupportedNode[]) {
    const opTypes = [...new Set(nodes.map((n) => (n.domain ? `${n.domain}.${n.opType}` : n.opType)))].sort();
    const lines = nodes.map((n) => `  ${n.domain ? `${n.domain}.` : ''}${n.opType} (opset ${n.opset}) node "${n.nodeName}": ${n.reason}`);
    super('ONNX_UNSUPPORTED_OP', `no contextual decomposition for ${opTypes.join(', ')}:\n${lines.join('\n')}`);
    this.nodes = nodes;
    this.opTypes = opTypes;
  }
}
