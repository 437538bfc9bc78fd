import { checkGradientSupport, UnsupportedOpError } from '../../src/index.js';

/** The UnsupportedOpError `check` throws (checkGradientSupport by default); fails if it accepts the model. */
export function supportRefusal(bytes: Uint8Array, check: (bytes: Uint8Array) => unknown = checkGradientSupport): UnsupportedOpError {
  try {
    check(bytes);
  } catch (error) {
    if (error instanceof UnsupportedOpError) return error;
    throw error;
  }
  throw new Error('the model was accepted');
}
