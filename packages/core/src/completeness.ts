/**
 * Captum's convergence delta Σattr − (F(x) − F(x')) and the relative completeness error
 * |delta| / |F(x) − F(x')|. When F(x) = F(x') the error is taken relative to
 * max(|F(x)|, |F(x')|) instead, so a path with no output change does not divide by zero.
 */
export function completenessError(attributionSum: number, fInput: number, fBaseline: number): { delta: number; relativeError: number } {
  const difference = fInput - fBaseline;
  const delta = attributionSum - difference;
  const scale = completenessScale(fInput, fBaseline);
  const relativeError = delta === 0 ? 0 : scale > 0 ? Math.abs(delta) / scale : Number.POSITIVE_INFINITY;
  return { delta, relativeError };
}

/** A relative error as warnings write it: three significant digits, in percent. */
export const percent = (value: number): string => `${(value * 100).toPrecision(3)}%`;

/** The denominator of the relative completeness error: |F(x) − F(x')|, or max(|F(x)|, |F(x')|) where they are equal. */
export function completenessScale(fInput: number, fBaseline: number): number {
  const difference = fInput - fBaseline;
  return difference !== 0 ? Math.abs(difference) : Math.max(Math.abs(fInput), Math.abs(fBaseline));
}
