/** Flags every command reads. */
export interface GlobalFlags {
  readonly quiet: boolean;
  readonly debug: boolean;
}

/** Prints a result line to stdout unless --quiet. */
export function say(flags: GlobalFlags, line: string): void {
  if (!flags.quiet) process.stdout.write(`${line}\n`);
}

export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? value.toFixed(Math.max(0, 5 - Math.floor(Math.log10(magnitude)))).replace(/\.?0+$/, '') : value.toExponential(3);
}
