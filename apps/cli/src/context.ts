/** Flags every command reads. */
export interface GlobalFlags {
  readonly quiet: boolean;
  readonly debug: boolean;
  /** Print where the time went (load, build, sessions, compute) and cache use, on stderr. */
  readonly verbose: boolean;
}

/** A diagnostic line on stderr, with --verbose only. */
export function detail(flags: GlobalFlags, line: string): void {
  if (flags.verbose && !flags.quiet) process.stderr.write(`${line}\n`);
}

/** A warning on stderr unless --quiet. */
export function warnLine(flags: GlobalFlags, message: string): void {
  if (!flags.quiet) process.stderr.write(`warning: ${message}\n`);
}

/** Prints a result line to stdout unless --quiet. */
export function say(flags: GlobalFlags, line: string): void {
  if (!flags.quiet) process.stdout.write(`${line}\n`);
}

export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5
    ? value.toFixed(Math.max(0, 5 - Math.floor(Math.log10(magnitude)))).replace(/\.?0+$/, '')
    : value.toExponential(3);
}
