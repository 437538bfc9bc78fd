import { describe, expect, it } from 'vitest';
import { buildGradientModel, UnsupportedOpError } from '../src/index.js';
import { makeModel } from './helpers/model.js';

/** The error that building the gradient graph of one Einsum node over `inputs` raises. */
function refusal(equation: string, inputs: Record<string, number[]>): UnsupportedOpError {
  const bytes = makeModel({
    opset: 12,
    inputs,
    nodes: [{ op: 'Einsum', inputs: Object.keys(inputs), outputs: ['y'], attributes: { equation: { string: equation } } }],
    outputs: ['y'],
  });
  const facts = { shapes: new Map(Object.entries(inputs)) };
  try {
    buildGradientModel(bytes, { facts });
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedOpError);
    return error as UnsupportedOpError;
  }
  return expect.fail(`the gradient of "${equation}" was built`);
}

// Equation forms whose gradient is not an Einsum of g with the other operands are refused by
// name; the forms that are supported (broadcasting from size 1 included) are checked against
// finite differences in test/op-cases.
describe('Einsum forms without a gradient rule: a typed error naming the node and the equation', () => {
  it('an index whose sizes differ other than by broadcasting from 1', () => {
    expect(refusal('ij,ij->i', { a: [3, 4], b: [3, 2] }).message).toMatch(/equation "ij,ij->i": index "j" has sizes 4 and 2$/);
  });
});
