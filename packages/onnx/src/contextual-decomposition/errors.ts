import { IGError } from '@ig/core';
import { unsupportedNodesMessage, type UnsupportedNode } from '../errors.js';

/** Nodes on the input's path that contextual decomposition cannot carry, each named with its reason. */
export class UnsupportedDecompositionError extends IGError {
  readonly nodes: readonly UnsupportedNode[];
  /** The distinct op types, sorted. */
  readonly opTypes: readonly string[];
  constructor(nodes: readonly UnsupportedNode[]) {
    const { opTypes, message } = unsupportedNodesMessage('no contextual decomposition for', nodes);
    super('ONNX_UNSUPPORTED_OP', message);
    this.nodes = nodes;
    this.opTypes = opTypes;
  }
}
