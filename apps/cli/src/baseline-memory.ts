import { UsageError } from './errors.js';

/** Most memory the random baselines of --baselines may take together. */
export const BASELINE_BYTES_BOUND = 2 ** 30;

/** Each baseline is drawn here and copied once more by @ig/core as float32, so it is held twice. */
const BYTES_PER_VALUE = 2 * 4;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;

/**
 * Refuses, before any is drawn, `count` baselines of `values` floats each that would not fit
 * BASELINE_BYTES_BOUND (all are held through the run), naming how many would.
 */
export function checkBaselineMemory(count: number, values: number): void {
  const bytes = count * values * BYTES_PER_VALUE;
  if (bytes <= BASELINE_BYTES_BOUND) return;
  const fit = Math.floor(BASELINE_BYTES_BOUND / (values * BYTES_PER_VALUE));
  throw new UsageError(
    `--baselines ${count} needs ${mib(bytes)} for baselines of ${values} values each (float32, held twice), above the bound of ${mib(BASELINE_BYTES_BOUND)}; ` +
      `at most ${fit} fit for this input`,
  );
}
