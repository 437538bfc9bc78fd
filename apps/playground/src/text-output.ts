/** A text model's result on the page: the tokens shaded by attribution, the colour bar, the summary. */
import { tokenColor } from '@ig/core';
import { formatFloat32Npy } from './npy.js';
import { format, resetDownloads, setDownload, showSummary } from './output.js';
import type { RunReport } from './protocol.js';
import { drawColorBar } from './render.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const css = ([r, g, b]: readonly number[]): string => `rgb(${r}, ${g}, ${b})`;

/** Strong reds and greens take white text (perceived brightness, ITU-R BT.601 weights). */
const isDark = ([r, g, b]: readonly number[]): boolean => 0.299 * (r as number) + 0.587 * (g as number) + 0.114 * (b as number) < 120;

/**
 * Each token on red (lowers the target) – white – green (raises it), on one scale: the largest
 * |attribution| of the text, which the colour bar's ends show.
 */
export function showTextExplanation(report: RunReport, labels: readonly string[] | null): void {
  const tokens = report.tokens ?? [];
  const values = report.tokenAttributions ?? [];
  const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const scale = largest > 0 ? largest : 1;
  const spans = tokens.map((token, i) => {
    const value = values[i] as number;
    const color = tokenColor(value, scale);
    const span = document.createElement('span');
    span.className = isDark(color) ? 'token dark' : 'token';
    span.textContent = token;
    span.title = `${token}: ${format(value)}`;
    span.style.backgroundColor = css(color);
    return span;
  });
  // Spaces between the tokens let the lines break there (and copy as words).
  byId('text-view').replaceChildren(...spans.flatMap((span, i) => (i === 0 ? [span] : [' ', span])));
  drawColorBar(byId('bar-view'), { low: -scale, high: scale, colorAt: (t) => tokenColor((2 * t - 1) * scale, scale) });
  byId('bar-low').textContent = format(-scale);
  byId('bar-high').textContent = `+${format(scale)}`;
  showSummary(report, labels);
  resetDownloads();
  setDownload('download-npy', new Blob([formatFloat32Npy(Float32Array.from(values), [values.length])], { type: 'application/octet-stream' }));
}

/** Clears the previous text result (a new run, or another model). */
export function clearTextView(): void {
  byId('text-view').replaceChildren();
}
