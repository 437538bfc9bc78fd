import type { RefinementReport } from '@ig/core';
import type { ExplainReport } from './explain-run.js';
import { targetText } from './objective-target.js';

const BARS = '▁▂▃▄▅▆▇█';

/** One bar per bin, the largest bin full height; an empty bin is a space. */
export function sparkline(values: readonly number[]): string {
  const largest = Math.max(...values);
  return values.map((v) => (v <= 0 || largest <= 0 ? ' ' : (BARS[Math.min(BARS.length - 1, Math.floor((v / largest) * BARS.length))] as string))).join('');
}

const percent = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toPrecision(2)}%`);

/**
 * `--verbose` lines for `--steps auto` with the adaptive rule: per example, the evaluations and
 * rounds it took, its completeness error and bounds, and per tenth of α where the points went and
 * where the error left sits (bars, then the figures).
 */
export function refinementLines(report: ExplainReport): string[] {
  return report.examples.flatMap((example) =>
    example.refinement === undefined
      ? []
      : refinementLinesOf(example.refinement, example.relativeError, `example ${example.example} (target ${targetText(example.target, example.label)})`),
  );
}

/** The lines of one refined path (see refinementLines), headed by `label` when given. */
export function refinementLinesOf(r: RefinementReport, relativeError: number | null, label?: string): string[] {
  return [
    `${label !== undefined ? `${label}: ` : ''}${r.evaluations} evaluations in ${r.rounds} rounds, completeness error ${percent(relativeError)} ` +
      `(bound ${percent(r.errorBound)}; attributions within ${percent(r.attributionErrorBound)} in L1 where each feature's integrand is monotone per piece)`,
    ...(r.staircase
      ? [`  F is a staircase (straight-through gradients or many jumps): refined on the gradient alone, its integral within ${percent(r.integrandErrorBound)}`]
      : []),
    ...jumpLines(r.jumps),
    `  points over α  0 |${sparkline(r.pointsPerBin)}| 1   ${r.pointsPerBin.join(' ')}`,
    `  error left     0 |${sparkline(r.errorShare)}| 1   ${r.errorShare.map((s) => `${Math.round(s * 100)}%`).join(' ')}`,
  ];
}

/** Jumps listed one by one up to this many; more are summed. */
const LISTED_JUMPS = 5;

/** Where F jumps, each by its change that the gradient does not integrate (−error), and the error they leave. */
function jumpLines(jumps: RefinementReport['jumps']): string[] {
  if (jumps.length === 0) return [];
  const signed = (value: number): string => `${value > 0 ? '+' : ''}${percent(value)}`;
  const at = jumps
    .slice(0, LISTED_JUMPS)
    .map((j) => `${Number((0.5 * (j.from + j.to)).toFixed(4))} (${signed(-j.error)})`)
    .join(', ');
  const total = Math.abs(jumps.reduce((sum, j) => sum + j.error, 0));
  const rest = jumps.length > LISTED_JUMPS ? ` and ${jumps.length - LISTED_JUMPS} more` : '';
  return [`  F jumps at α ≈ ${at}${rest}, by that share of F(x) − F(x'); they leave ${percent(total)} completeness error, which more steps do not lower`];
}
