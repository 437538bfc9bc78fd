import { IGError } from '@ig/core';

/** An input (image, .npy, text) the page cannot turn into the model's input. */
export class ModelInputError extends IGError {
  constructor(message: string) {
    super('BAD_INPUT', message);
  }
}
