/** Base class of every error @ig raises on purpose; `code` is stable for programmatic checks. */
export class IGError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A tensor's data length or shape does not match what it is used with. */
export class ShapeMismatchError extends IGError {
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}

/** A baseline cannot be built or broadcast to the input it belongs to. */
export class BaselineError extends IGError {
  constructor(message: string) {
    super('BAD_BASELINE', message);
  }
}

/** A target names an output that does not exist, or has the wrong form. */
export class TargetError extends IGError {
  constructor(message: string) {
    super('BAD_TARGET', message);
  }
}

/** NaN or ±Infinity in an input, a baseline, or a backend's output or gradient. */
export class NonFiniteError extends IGError {
  /** Where it was found, e.g. `input 0`, `gradient of input 0`. */
  readonly where: string;
  /** Flat index of the first non-finite value within the offending array. */
  readonly index: number;
  constructor(where: string, index: number, value: number, detail = '') {
    super('NON_FINITE', `${where} has ${String(value)} at flat index ${index}${detail}`);
    this.where = where;
    this.index = index;
  }

  /** The same error with what was run in its place said after it (e.g. a noisy copy of the input). */
  within(context: string): NonFiniteError {
    const error = new NonFiniteError(this.where, this.index, Number.NaN);
    error.message = `${this.message}, ${context}`;
    return error;
  }
}

/** An option is out of its range or of the wrong form (steps < 1, batch size 0, …). */
export class InvalidOptionError extends IGError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** A backend broke the GradientBackend contract (wrong array count or length). */
export class BackendContractError extends IGError {
  constructor(message: string) {
    super('BACKEND_CONTRACT', message);
  }
}

/** The caller's AbortSignal fired; no partial result is returned. */
export class AbortedError extends IGError {
  readonly reason: unknown;
  constructor(reason?: unknown) {
    super('ABORTED', `aborted${reason instanceof Error ? `: ${reason.message}` : typeof reason === 'string' ? `: ${reason}` : ''}`);
    this.reason = reason;
  }
}
