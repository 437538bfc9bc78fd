/** One float32 ulp at 1: the smallest tolerance given to a gradient relative to max(1, max|g|). */
export const ULP = 2 ** -23;

/** 4 × max(measured, ULP), rounded up to one significant digit (so within 8× of the measured deviation). */
export function toleranceFor(measured: number): number {
  if (!Number.isFinite(measured)) throw new Error(`a measured deviation of ${measured} gives no tolerance: the check itself is broken`);
  const x = 4 * Math.max(measured, ULP);
  const power = 10 ** Math.floor(Math.log10(x));
  return Number((Math.ceil(Number((x / power).toPrecision(12))) * power).toPrecision(1));
}
