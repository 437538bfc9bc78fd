import { IGError } from '@ig/core';

/** A model file the worker cannot read or load; the message names the file and what is wrong. */
export class ModelFileError extends IGError {
  constructor(message: string) {
    super('BAD_MODEL_FILE', message);
  }
}

/** An engine this browser cannot run; the message says why. */
export class EngineUnavailableError extends IGError {
  constructor(message: string) {
    super('ENGINE_UNAVAILABLE', message);
  }
}

/** A model output the page cannot explain (not a classifier's [batch, classes]), or none picked among several; the message names the outputs. */
export class UnsupportedOutputError extends IGError {
  constructor(message: string) {
    super('UNSUPPORTED_OUTPUT', message);
  }
}
