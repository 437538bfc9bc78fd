import type { CompositeOp } from '../composite-op.js';

/** An onnxruntime contrib op (domain com.microsoft, every one at version 1 of it) lowered into standard ops. */
export const contribOp = (op: Omit<CompositeOp, 'domain' | 'since'>): CompositeOp => ({ ...op, domain: 'com.microsoft', since: 1 });
