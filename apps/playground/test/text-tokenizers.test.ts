/**
 * Text mode with a tokenizer.json saved without "truncation" and "padding", as most on the Hub
 * are: a copy of the built site serves the CLI's RoBERTa-style fixture (position ids computed in
 * the graph, 42 rows for 40 tokens; fixtures/text_models/make.py) and its byte-level BPE
 * tokenizer in place of the bundled spam model and tokenizer. The page takes the model's length
 * from its position table, as the CLI does, and matches Captum 0.7's LayerIntegratedGradients on
 * the same model and text (captum-lig.json, captum_reference.py).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { waitForRun } from './page-result.js';
import { DIST, openSite, type Site } from './site.js';

const TEXT_MODELS = fileURLToPath(new URL('../../cli/test/fixtures/text_models/', import.meta.url));

interface CaptumCase {
  readonly text: string;
  readonly tokens: string[];
  readonly layer?: string;
  readonly tokenAttributions: number[];
  readonly fInput: number;
}
const captum = (JSON.parse(readFileSync(join(TEXT_MODELS, 'captum-lig.json'), 'utf8')) as { cases: CaptumCase[] }).cases.find(
  (c) => c.tokens[0] === '<s>' && c.layer === undefined,
) as CaptumCase;

interface TextReport {
  readonly fInput: number;
  readonly fBaseline: number;
  readonly delta: number;
  readonly baselineId: number;
  readonly tokens: string[];
  readonly tokenAttributions: number[];
  readonly warnings: string[];
}

/** dist/ copied with the spam model and its tokenizer replaced by roberta.onnx and roberta.json. */
function robertaSite(): string {
  const directory = mkdtempSync(join(tmpdir(), 'ig-playground-roberta-'));
  cpSync(DIST, directory, { recursive: true });
  const assets = readdirSync(join(directory, 'assets'));
  const replace = (prefix: string, source: string): void => {
    const name = assets.find((f) => f.startsWith(prefix));
    if (name === undefined) throw new Error(`dist/assets has no ${prefix}*: rebuild the playground`);
    cpSync(join(TEXT_MODELS, source), join(directory, 'assets', name));
  };
  replace('spam-', 'roberta.onnx');
  replace('tokenizer-', 'roberta.json');
  return directory;
}

describe.skipIf(!chromiumAvailable())('text mode with a tokenizer.json without truncation or padding', () => {
  let site: Site;
  let directory: string;
  beforeAll(async () => {
    directory = robertaSite();
    site = await openSite({ isolated: true, directory });
  });
  afterAll(async () => {
    await site?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('a 43-token text on a RoBERTa-style model is truncated to its 40 positions and matches Captum', async () => {
    const page = await site.open('?model=spam-text&engine=ort-wasm&steps=50&method=gauss-legendre&target=0');
    try {
      await page.waitForFunction(() => document.body.dataset.igStatus === 'idle');
      await page.fill('#text', captum.text);
      await page.click('#run');
      const run = await waitForRun(page);
      expect(run.error).toBe('');
      const report = run.report as unknown as TextReport;
      expect(report.tokens).toEqual(captum.tokens);
      expect(report.warnings.join('\n')).toContain('the text has 43 tokens; the model takes at most 40: only the first 40 are explained');
      // The pad id is the tokenizer's <pad> (1), found among its added tokens.
      expect(report.baselineId).toBe(1);
      // float32 sums of 50 Gauss–Legendre terms in wasm and in PyTorch, measured in Chromium 2026-12:
      // worst attribution gap 1.1e-9 (attributions of 5e-3), F(x) 3.0e-8, completeness 1.1e-8 of F(x) − F(x′).
      const worst = Math.max(...report.tokenAttributions.map((v, i) => Math.abs(v - (captum.tokenAttributions[i] as number))));
      const sum = report.tokenAttributions.reduce((s, v) => s + v, 0);
      const completeness = Math.abs(sum - (report.fInput - report.fBaseline)) / Math.abs(report.fInput - report.fBaseline);
      console.log(
        `roberta: worst attribution gap ${worst.toExponential(2)}, F(x) gap ${Math.abs(report.fInput - captum.fInput).toExponential(2)}, completeness ${completeness.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(1e-8);
      expect(Math.abs(report.fInput - captum.fInput)).toBeLessThan(3e-7);
      expect(completeness).toBeLessThan(1e-7);
    } finally {
      await page.close();
    }
  });
});
