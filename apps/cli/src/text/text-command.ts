import type { GlobalFlags } from '../context.js';
import { say } from '../context.js';
import { UsageError } from '../errors.js';
import { writeOutput } from '../files.js';
import { readLabels } from '../load-model.js';
import type { ExplainSettings } from '../options.js';
import { autoReportOf } from '../path-options.js';
import { refinementLinesOf } from '../refinement-lines.js';
import { explainTexts } from './text-explain.js';
import { tokenRunSettingsOf } from './token-options.js';
import { textHtmlPage, textLines } from './text-views.js';

/** Options of `ig explain` that only `--text` reads (the token options: tokenRunSettingsOf). */
export function textOptionsOf(raw: Record<string, unknown>): { texts: string[]; html?: string } {
  const texts = (raw['text'] as string[] | undefined) ?? [];
  if (raw['input']) throw new UsageError('give either --input or --text, not both');
  for (const flag of ['heatmap', 'out']) if (raw[flag]) throw new UsageError(`--${flag} is for tensor inputs; with --text use --html and --json`);
  return { texts, ...(typeof raw['html'] === 'string' ? { html: raw['html'] } : {}) };
}

/** `ig explain --text`: token attributions printed as shaded tokens, and optionally HTML and JSON. */
export async function runTextExplain(raw: Record<string, unknown>, settings: ExplainSettings, global: GlobalFlags): Promise<void> {
  const options = textOptionsOf(raw);
  const labels = settings.labels ? readLabels(settings.labels) : null;
  const warn = (line: string): void => {
    if (!global.quiet) process.stderr.write(`warning: ${line}\n`);
  };
  const reports = await explainTexts(options.texts, tokenRunSettingsOf(settings, raw, labels), warn);
  const colour = process.stdout.isTTY === true && !process.env['NO_COLOR'];
  for (const report of reports) {
    for (const line of textLines(report, colour)) say(global, line);
    if (global.verbose && report.refinement) for (const line of refinementLinesOf(report.refinement, report.relativeError)) say(global, `  ${line}`);
  }
  if (options.html) writeOutput(options.html, textHtmlPage(`Token attributions: ${settings.model}`, reports, labels));
  const json = raw['json'];
  const auto = autoReportOf(settings);
  if (typeof json === 'string') writeOutput(json, `${JSON.stringify({ model: settings.model, ...auto, samples: reports }, null, 2)}\n`);
  for (const file of [options.html, json]) if (typeof file === 'string') say(global, `wrote ${file}`);
}
