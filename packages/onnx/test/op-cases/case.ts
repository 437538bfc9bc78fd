import type { AttributeValue } from '../../src/index.js';
import type { ModelSpec, NodeSpec } from '../helpers/model.js';

/** One op configuration whose input gradient is checked against finite differences. */
export interface OpCase {
  readonly name: string;
  readonly model: ModelSpec;
  /** Value range per input (default [−1, 1]). */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Inputs to check (default all). */
  readonly check?: readonly string[];
  /**
   * The difference step, where the default (1e-2) leaves a truncation error h²/6·|f'''| well
   * above the rounding error: a smaller step trades one for the other.
   */
  readonly step?: number;
}

export const int = (value: number): AttributeValue => ({ int: value });
export const float = (value: number): AttributeValue => ({ float: value });
export const ints = (values: readonly number[]): AttributeValue => ({ ints: values });
export const str = (value: string): AttributeValue => ({ string: value });

export function node(op: string, inputs: readonly string[], outputs: readonly string[] = ['y'], attributes: NodeSpec['attributes'] = {}): NodeSpec {
  return { op, inputs, outputs, attributes };
}

/** A model of one node reading `inputs` (name → shape) and writing `y`. */
export function single(
  name: string,
  opset: number,
  op: string,
  inputs: Readonly<Record<string, readonly number[]>>,
  attributes: NodeSpec['attributes'] = {},
  extra: Partial<Pick<OpCase, 'ranges' | 'check' | 'step'>> & { constants?: ModelSpec['constants']; nodeInputs?: readonly string[] } = {},
): OpCase {
  return {
    name,
    model: {
      opset,
      inputs,
      constants: extra.constants,
      nodes: [node(op, extra.nodeInputs ?? Object.keys(inputs), ['y'], attributes)],
      outputs: ['y'],
    },
    ranges: extra.ranges,
    check: extra.check,
    step: extra.step,
  };
}
