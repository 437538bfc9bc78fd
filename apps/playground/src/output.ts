/** The result on the page: the three views, the colour bar, top 5, the completeness table, downloads. */
import type { RgbaImage } from '@ig/core';
import { formatFloat32Npy } from './npy.js';
import type { RunReport } from './protocol.js';
import { drawColorBar, drawUpscaled, renderViews, type ViewOptions } from './render.js';
import type { Layout } from './image.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export interface Explanation {
  readonly report: RunReport;
  readonly attributions: Float32Array;
  readonly shape: readonly number[];
  readonly layout: Layout;
  readonly picture: RgbaImage;
  readonly labels: readonly string[] | null;
}

let urls: string[] = [];

/** Forgets the previous result's download links. */
export function resetDownloads(): void {
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  for (const id of ['download-npy', 'download-png']) byId<HTMLAnchorElement>(id).hidden = true;
}

export function setDownload(id: string, blob: Blob): void {
  const link = byId<HTMLAnchorElement>(id);
  const url = URL.createObjectURL(blob);
  urls.push(url);
  link.href = url;
  link.hidden = false;
}

export function format(value: number): string {
  if (value === 0) return '0';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toFixed(4) : value.toExponential(3);
}

export function showInput(picture: RgbaImage): void {
  drawUpscaled(byId('input-view'), picture);
}

/** Draws the views with the current picture options (again when they change). */
export function drawViews(result: Explanation, view: ViewOptions): void {
  const layout = result.layout === 'nchw' ? 'chw' : 'hwc';
  const rendered = renderViews({ data: result.attributions, shape: result.shape }, layout, result.picture, view);
  drawUpscaled(byId('input-view'), result.picture);
  drawUpscaled(byId('heatmap-view'), rendered.heatmap);
  drawUpscaled(byId('overlay-view'), rendered.overlay);
  drawColorBar(byId('bar-view'), rendered.bar);
  byId('bar-low').textContent = format(rendered.bar.low);
  byId('bar-high').textContent = format(rendered.bar.high);
}

export function showExplanation(result: Explanation, view: ViewOptions): void {
  resetDownloads();
  drawViews(result, view);
  showSummary(result.report, result.labels);
  setDownload('download-npy', new Blob([formatFloat32Npy(result.attributions, result.shape)], { type: 'application/octet-stream' }));
  byId<HTMLCanvasElement>('overlay-view').toBlob((blob) => {
    if (blob !== null) setDownload('download-png', blob);
  }, 'image/png');
}

/** The top 5 with probabilities (or the one output's value) and the completeness table, for image and text models alike. */
export function showSummary(report: RunReport, labels: readonly string[] | null): void {
  const single = report.value !== undefined;
  const name = (index: number): string => (labels?.[index] !== undefined ? `${labels[index]} (${index})` : single ? `the output (${index})` : `class ${index}`);
  const entries = single
    ? [`output: ${format(report.value)} ← explained`]
    : report.top5.map((entry) => `${name(entry.index)}: ${(entry.probability * 100).toFixed(1)}%${entry.index === report.target ? ' ← explained' : ''}`);
  byId('top5').replaceChildren(...entries.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
  const rows: [string, string][] = [
    ['target', name(report.target)],
    ['F(x)', format(report.fInput)],
    ['F(x′)', format(report.fBaseline)],
    ['Σ attributions − (F(x) − F(x′))', format(report.delta)],
    ['relative error', format(report.relativeError)],
    ['steps', String(report.steps)],
    ...(report.layer !== undefined
      ? ([
          ['attributed layer', report.layer],
          ['baseline', `token id ${String(report.baselineId)} (padding) at every position`],
        ] as [string, string][])
      : []),
    ['engine', `${report.backend}${report.threads > 1 ? `, ${report.threads} threads` : ''}`],
    ['time', `${report.seconds.toFixed(2)} s`],
    ...report.warnings.map((warning): [string, string] => ['warning', warning]),
  ];
  byId('completeness').replaceChildren(
    ...rows.map(([key, value]) => {
      const row = document.createElement('tr');
      row.append(Object.assign(document.createElement('td'), { textContent: key }), Object.assign(document.createElement('td'), { textContent: value }));
      return row;
    }),
  );
}

/** The automation contract: `<pre id="ig-report">` holds the report as JSON. */
export function publishReport(report: RunReport | null): void {
  byId('ig-report').textContent = report === null ? '' : JSON.stringify(report, null, 2);
}

export function showError(message: string | null): void {
  const box = byId('error');
  box.hidden = message === null;
  box.textContent = message ?? '';
}
