import { tokensToAnsi, tokensToHtml } from '@ig/core';
import { formatNumber } from '../context.js';
import type { TextReport } from './text-explain.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const targetName = (r: TextReport): string =>
  `${Array.isArray(r.target) ? `[${r.target.join(', ')}]` : String(r.target)}${r.label !== undefined ? ` (${r.label})` : ''}`;

/** One line per text for a terminal: the target, F(x), F(x'), delta, then the shaded tokens. */
export function textLines(report: TextReport, colour: boolean): string[] {
  const head =
    `target ${targetName(report)}: F(x) = ${formatNumber(report.fInput)}, F(x') = ${formatNumber(report.fBaseline)}, ` +
    `delta = ${formatNumber(report.delta)}, ${report.tokens.length} tokens`;
  const body = colour
    ? tokensToAnsi(report.tokens, report.tokenAttributions)
    : report.tokens.map((t, i) => `${t}(${formatNumber(report.tokenAttributions[i] as number)})`).join(' ');
  return [head, body];
}

/**
 * A self-contained HTML page in the manner of Captum's `visualize_text`: per text, the true
 * label when known, the prediction and its probability, the attributed target, the attribution
 * score (Σ token attributions), F(x), F(x′), the completeness error, and the shaded tokens
 * (red negative, green positive, each row on its own scale, with a legend).
 */
export function textHtmlPage(title: string, reports: readonly (TextReport & { readonly trueLabel?: string })[], labels: readonly string[] | null): string {
  const name = (i: number): string => labels?.[i] ?? String(i);
  const rows = reports.map((r) => {
    const score = r.tokenAttributions.reduce((a, b) => a + b, 0);
    const cells = [
      r.trueLabel ?? '–',
      `${name(r.predicted)} (${r.probability.toFixed(2)})`,
      targetName(r),
      formatNumber(score),
      formatNumber(r.fInput),
      formatNumber(r.fBaseline),
      formatNumber(r.delta),
    ].map((c) => `<td>${escapeHtml(c)}</td>`);
    return `<tr>${cells.join('')}<td>${tokensToHtml(r.tokens, r.tokenAttributions)}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
.ig-token { padding: 0 0.15em; line-height: 1.8; border-radius: 2px; }
.ig-legend { margin-top: 0.4em; font-size: 0.8em; }
.ig-legend span { padding: 0 0.4em; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Integrated Gradients at the embedding layer, summed per token. Green tokens raise the target's score, red ones lower it;
Σ attributions = F(x) − F(x′) up to the completeness error Δ.</p>
<table><thead><tr><th>True label</th><th>Predicted label</th><th>Attribution target</th><th>Attribution score</th><th>F(x)</th><th>F(x′)</th><th>Δ</th><th>Token importance</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`;
}
