/** A failure the user can fix; printed as one line, without a stack trace unless --debug. */
export class CliError extends Error {
  /** 2 for bad usage (arguments), 1 for a failed run (bad files, model errors, a batch with failed items). */
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad arguments: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A file that cannot be read or does not hold what it should: exit code 1. */
export class FileFormatError extends CliError {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`, 1);
  }
}

/** An error's message as one line (the first), whatever was thrown. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'unknown error';
}

/** An error's whole message on one line, at most `limit` characters (for records such as summary.jsonl). */
export function flatMessage(error: unknown, limit = 500): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return message.length > limit ? `${message.slice(0, limit)}…` : message || 'unknown error';
}
