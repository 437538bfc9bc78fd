/** A failure the user can fix; printed as one line, without a stack trace unless --debug. */
export class CliError extends Error {
  /** 2 for bad usage (arguments), 1 for a failed run (bad files, model errors, a batch with failed items). */
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad arguments: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, 2, options);
  }
}

/** A file that cannot be read or does not hold what it should: exit code 1. */
export class FileFormatError extends CliError {
  constructor(path: string, problem: string, options?: { readonly cause?: unknown }) {
    super(`${path}: ${problem}`, 1, options);
  }
}

/** An error's message as one line (the first), whatever was thrown. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'unknown error';
}

/** How many nodes an error that lists a model's nodes shows below its first line. */
const LISTED_NODES = 10;

/**
 * The lines printed for an error: its first line and, for an error that lists a model's nodes
 * (no gradient or no decomposition for several), itself or as the cause of a CLI error, those
 * nodes, at most LISTED_NODES of them.
 */
export function errorLines(error: unknown): string[] {
  const listing = [error, error instanceof Error ? error.cause : undefined].find(
    (e): e is Error & { nodes: readonly unknown[] } => e instanceof Error && Array.isArray((e as { nodes?: unknown }).nodes),
  );
  const nodes = listing === undefined ? [] : listing.message.split('\n').slice(1);
  const shown = nodes.slice(0, LISTED_NODES);
  if (nodes.length > shown.length) shown.push(`  … and ${nodes.length - shown.length} more`);
  return [oneLine(error), ...shown];
}

/** An error's whole message on one line, at most `limit` characters (for records such as summary.jsonl). */
export function flatMessage(error: unknown, limit = 500): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return message.length > limit ? `${message.slice(0, limit)}…` : message || 'unknown error';
}
