import { expect } from 'vitest';
import { buildContextualDecompositionModel, UnsupportedDecompositionError } from '../../src/index.js';

/** The UnsupportedDecompositionError that decomposing `bytes` raises (the test fails if none is). */
export function decompositionError(bytes: Uint8Array): UnsupportedDecompositionError {
  try {
    buildContextualDecompositionModel(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedDecompositionError);
    return error as UnsupportedDecompositionError;
  }
  return expect.fail('the model was decomposed');
}
