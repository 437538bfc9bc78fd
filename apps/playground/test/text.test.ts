/**
 * The bundled text model on the built site in Chromium: `?model=spam-text&sample=…&autorun=1`
 * explains a message on onnxruntime-web wasm, and a text typed into the box explains too; the
 * per-token attributions equal the Node result of the same library calls on the same text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { ASSETS, relativeDeviation } from './reference.js';
import { waitForRun, type PageRun } from './page-result.js';
import { openSite, type Site } from './site.js';
import { nodeSpamText } from './text-reference.js';

const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const STEPS = 50;
/** The core's default completeness tolerance, which the page reports against. */
const COMPLETENESS = 0.01;
/**
 * Per-token attributions against Node's, relative to the largest |attribution|; F(x), F(x′)
 * absolute. Measured in Chromium 2026-12 (ORT-web wasm, threaded, against onnxruntime-node):
 * attributions 7.0e-8 (message-4) and 4.9e-8 (the typed text), F(x) 7.2e-7 and 2.4e-7, F(x′)
 * 1.2e-7 and 0; the limits sit within 10× of the larger figures (float32 sums in another order).
 */
const ATTR_TOLERANCE = 5e-7;
const F_TOLERANCE = 5e-6;

const SAMPLES = JSON.parse(readFileSync(`${ASSETS}text/samples.json`, 'utf8')) as { text: string; label: string }[];
const TYPED = 'Lunch is moved to Thursday at noon; the slides from the lab meeting are attached.';

interface TextReport {
  readonly target: number;
  readonly fInput: number;
  readonly fBaseline: number;
  readonly delta: number;
  readonly relativeError: number;
  readonly steps: number;
  readonly engine: string;
  readonly seconds: number;
  readonly tokens: string[];
  readonly tokenAttributions: number[];
  readonly warnings: string[];
}

async function checkAgainstNode(run: PageRun, text: string, what: string): Promise<void> {
  expect(run.error).toBe('');
  expect(run.status).toBe('done');
  const report = run.report as unknown as TextReport | null;
  if (report === null) throw new Error('no report');
  const node = await nodeSpamText(text, STEPS);
  expect(report.tokens).toEqual(node.tokens);
  expect(report.target).toBe(node.predicted);
  expect(report.steps).toBe(STEPS);
  expect(report.engine).toBe('ort-wasm');
  expect(typeof report.seconds).toBe('number');
  // The report's tokens and the page's result agree, one attribution per token.
  expect(run.attributions).toEqual(report.tokenAttributions);
  // Completeness on the per-token sums the page shows, and the reported relative error.
  const sum = report.tokenAttributions.reduce((s, v) => s + v, 0);
  const gap = report.fInput - report.fBaseline;
  expect(Math.abs(sum - gap - report.delta)).toBeLessThan(1e-4 * Math.abs(gap));
  expect(report.relativeError).toBeLessThan(COMPLETENESS);
  const deviation = relativeDeviation(report.tokenAttributions, node.tokenAttributions);
  console.log(
    `${what}: ${node.tokens.length} tokens, attr deviation ${deviation.toExponential(2)}, F(x) ${Math.abs(report.fInput - node.fInput).toExponential(2)}, F(x') ${Math.abs(report.fBaseline - node.fBaseline).toExponential(2)}, relative error ${report.relativeError.toExponential(2)}, ${report.seconds.toFixed(2)} s`,
  );
  expect(Math.abs(report.fInput - node.fInput)).toBeLessThan(F_TOLERANCE);
  expect(Math.abs(report.fBaseline - node.fBaseline)).toBeLessThan(F_TOLERANCE);
  expect(deviation).toBeLessThan(ATTR_TOLERANCE);
}

/** The shaded tokens on the page: their text and the colour behind each. */
function shownTokens(page: Page): Promise<{ text: string; color: string }[]> {
  return page.$$eval('#text-view .token', (spans) => spans.map((s) => ({ text: s.textContent ?? '', color: (s as HTMLElement).style.backgroundColor })));
}

describe.skipIf(!chromiumAvailable())('the text model in the built playground', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: true })));
  afterAll(async () => site?.close());

  test('autorun explains a bundled message, then a typed text, as Node does', async () => {
    const page = await site.open(`?model=spam-text&sample=message-4&engine=ort-wasm&steps=${STEPS}&autorun=1`);
    try {
      const first = await waitForRun(page);
      expect(await page.inputValue('#text')).toBe(SAMPLES[4]?.text);
      await checkAgainstNode(first, SAMPLES[4]?.text ?? '', 'message-4');
      const shown = await shownTokens(page);
      expect(shown.map((s) => s.text)).toEqual((first.report as unknown as TextReport).tokens);
      // Red, white and green come from the scale: not every token has the same colour.
      expect(new Set(shown.map((s) => s.color)).size).toBeGreaterThan(1);
      await page.screenshot({ path: `${SHOTS}spam-text-message-4-ort-wasm.png`, fullPage: true });

      await page.fill('#text', TYPED);
      await page.click('#run');
      const second = await waitForRun(page);
      await checkAgainstNode(second, TYPED, 'typed text');
      await page.screenshot({ path: `${SHOTS}spam-text-typed-ort-wasm.png`, fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('a text longer than the model takes is truncated with a warning; an empty one is refused', async () => {
    const page = await site.open('?model=spam-text&engine=ort-wasm&steps=8');
    try {
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      await page.fill('#text', SAMPLES.map((s) => s.text).join(' '));
      await page.click('#run');
      const long = await waitForRun(page);
      expect(long.error).toBe('');
      const report = long.report as unknown as TextReport;
      expect(report.tokens).toHaveLength(128);
      expect(report.warnings.join('\n')).toMatch(/only the first 128 are explained/);
      expect(await page.textContent('#completeness')).toMatch(/warning.*only the first 128/);

      await page.fill('#text', '   ');
      await page.click('#run');
      const run = await waitForRun(page);
      expect(run.status).toBe('error');
      expect(run.error).toMatch(/^TEXT_INPUT: .*no tokens \(it is empty\)/);
    } finally {
      await page.close();
    }
  });
});
