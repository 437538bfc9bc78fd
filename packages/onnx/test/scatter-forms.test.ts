import { describe, expect, it } from 'vitest';
import { buildGradientModel, UnsupportedOpError } from '../src/index.js';
import { makeModel, type ModelSpec } from './helpers/model.js';

const i64 = (values: number[], dims: number[]): { dims: number[]; values: number[]; type: 'int64' } => ({ dims, values, type: 'int64' });

function scatter(op: 'ScatterElements' | 'ScatterND', reduction: string, indices: ReturnType<typeof i64>, updates: number[]): ModelSpec {
  return {
    opset: 18,
    inputs: { x: [4, 3], u: updates },
    constants: { i: indices },
    nodes: [{ op, inputs: ['x', 'i', 'u'], outputs: ['y'], attributes: { reduction: { string: reduction } } }],
    outputs: ['y'],
  };
}

function refusal(spec: ModelSpec): string {
  try {
    buildGradientModel(makeModel(spec), { inputs: ['x', 'u'] });
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedOpError);
    return (error as Error).message;
  }
  throw new Error('the gradient model was built');
}

describe('scatter forms without a gradient are refused, naming the node and the form', () => {
  it.each(['mul', 'max', 'min'])('ScatterElements with reduction %s', (reduction) => {
    const message = refusal(scatter('ScatterElements', reduction, i64([0, 1, 2], [1, 3]), [1, 3]));
    expect(message).toContain('ScatterElements (opset 18)');
    expect(message).toContain(`reduction "${reduction}" is not differentiated`);
  });

  it('ScatterND overwriting one row twice (constant indices)', () => {
    const message = refusal(scatter('ScatterND', 'none', i64([2, 0, 2], [3, 1]), [3, 3]));
    expect(message).toContain('ScatterND (opset 18)');
    expect(message).toContain('its indices "i" write one element twice');
  });

  it('ScatterElements overwriting one element twice, counting a negative index from the end', () => {
    const message = refusal(scatter('ScatterElements', 'none', i64([3, 0, 1, -1, 2, 2], [2, 3]), [2, 3]));
    expect(message).toContain('write one element twice');
  });

  it('the same indices with reduction add build a gradient model', () => {
    expect(() => buildGradientModel(makeModel(scatter('ScatterND', 'add', i64([2, 0, 2], [3, 1]), [3, 3])), { inputs: ['x', 'u'] })).not.toThrow();
  });
});
