import { expect } from 'vitest';

/** What a token report (of --text, of token ids, of a batch item) records for completeness. */
export interface TokenSample {
  tokenAttributions: number[];
  fInput: number;
  fBaseline: number;
  delta: number;
}

export interface TextSample extends TokenSample {
  sample?: string;
  trueLabel?: string;
  tokens: string[];
  words: string[];
  wordAttributions: number[];
  target: number;
  label?: string;
  predicted: number;
}

/** The float32 scale of a sample: the largest magnitude its completeness sums involve. */
const scaleOf = (sample: TokenSample): number =>
  Math.max(
    Math.abs(sample.fInput),
    Math.abs(sample.fBaseline),
    sample.tokenAttributions.reduce((a, b) => a + Math.abs(b), 0),
  );

/**
 * Σ token attributions = F(x) − F(x') + delta up to float32 sums (delta = Σ − (F(x) − F(x')), as
 * Captum's), and |delta| below `relativeDelta` of |F(x) − F(x')|: the default holds for the
 * bundled messages at 50 steps (measured 5.5e-6 to 2.4e-4); other inputs state their own.
 */
export function expectTokensComplete(sample: TokenSample, relativeDelta = 2e-3): void {
  if (process.env['IG_MEASURE'] !== undefined) console.log(JSON.stringify({ relativeDelta: Math.abs(sample.delta / (sample.fInput - sample.fBaseline)) }));
  const sum = sample.tokenAttributions.reduce((a, b) => a + b, 0);
  // float32 rounding relative to the largest magnitude involved (F(x') reaches 35, Σ|attr| 37,
  // where one float32 ulp is 3.8e-6): measured |Σ − delta − ΔF| up to 9.5e-7 = 2.6e-8 of it.
  expect(Math.abs(sum - sample.delta - (sample.fInput - sample.fBaseline))).toBeLessThan(1e-7 * scaleOf(sample));
  expect(Math.abs(sample.delta)).toBeLessThan(relativeDelta * Math.abs(sample.fInput - sample.fBaseline));
}

/** expectTokensComplete, one attribution per token, and word sums that add up to the token sum. */
export function expectComplete(sample: TextSample, relativeDelta?: number): void {
  expect(sample.tokenAttributions).toHaveLength(sample.tokens.length);
  expectTokensComplete(sample, relativeDelta);
  const sum = sample.tokenAttributions.reduce((a, b) => a + b, 0);
  const words = sample.wordAttributions.reduce((a, b) => a + b, 0);
  expect(sample.words.length).toBeLessThanOrEqual(sample.tokens.length);
  // Word sums are float32 too: measured up to 9.5e-7 apart from the token sum.
  expect(Math.abs(words - sum)).toBeLessThan(1e-7 * scaleOf(sample));
}
