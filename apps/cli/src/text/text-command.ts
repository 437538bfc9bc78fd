import type { GlobalFlags } from '../context.js';
import { say } from '../context.js';
import { UsageError } from '../errors.js';
import { writeOutput } from '../files.js';
import { readLabels } from '../load-model.js';
import type { ExplainSettings } from '../options.js';
import { refinementLinesOf } from '../refinement-lines.js';
import { explainTexts } from './text-explain.js';
import { textHtmlPage, textLines } from './text-views.js';

/** Options of `ig explain` that only `--text` reads. */
export function textOptionsOf(raw: Record<string, unknown>): {
  texts: string[];
  tokenizer?: string;
  baselineToken?: string;
  baselineIds?: string;
  html?: string;
  tooLong: 'truncate' | 'error';
} {
  const texts = (raw['text'] as string[] | undefined) ?? [];
  const tooLong = (raw['tooLong'] as string | undefined) ?? 'truncate';
  if (tooLong !== 'truncate' && tooLong !== 'error') throw new UsageError(`--too-long ${tooLong}: give truncate or error`);
  if (raw['input']) throw new UsageError('give either --input or --text, not both');
  for (const flag of ['heatmap', 'out']) if (raw[flag]) throw new UsageError(`--${flag} is for tensor inputs; with --text use --html and --json`);
  return {
    texts,
    ...(typeof raw['tokenizer'] === 'string' ? { tokenizer: raw['tokenizer'] } : {}),
    ...(typeof raw['baselineToken'] === 'string' ? { baselineToken: raw['baselineToken'] } : {}),
    ...(typeof raw['baselineIds'] === 'string' ? { baselineIds: raw['baselineIds'] } : {}),
    ...(typeof raw['html'] === 'string' ? { html: raw['html'] } : {}),
    tooLong,
  };
}

/** `ig explain --text`: token attributions printed as shaded tokens, and optionally HTML and JSON. */
export async function runTextExplain(raw: Record<string, unknown>, settings: ExplainSettings, global: GlobalFlags): Promise<void> {
  const options = textOptionsOf(raw);
  const labels = settings.labels ? readLabels(settings.labels) : null;
  const warn = (line: string): void => {
    if (!global.quiet) process.stderr.write(`warning: ${line}\n`);
  };
  const reports = await explainTexts(
    options.texts,
    {
      model: settings.model,
      tokenizer: options.tokenizer,
      layer: settings.layer,
      target: settings.target,
      labels,
      steps: settings.steps,
      autoRule: settings.autoRule,
      maxSteps: settings.maxSteps,
      tolerance: settings.tolerance,
      method: settings.method,
      batchSize: settings.batchSize,
      stepsLimit: settings.stepsLimit,
      memoryBudgetBytes: settings.memoryBudgetBytes,
      provider: settings.provider,
      cache: settings.cache,
      baselineToken: options.baselineToken,
      ...(options.baselineIds ? { baselineIds: options.baselineIds } : {}),
      tooLong: options.tooLong,
    },
    warn,
  );
  const colour = process.stdout.isTTY === true && !process.env['NO_COLOR'];
  for (const report of reports) {
    for (const line of textLines(report, colour)) say(global, line);
    if (global.verbose && report.refinement) for (const line of refinementLinesOf(report.refinement, report.relativeError)) say(global, `  ${line}`);
  }
  if (options.html) writeOutput(options.html, textHtmlPage(`Token attributions: ${settings.model}`, reports, labels));
  const json = raw['json'];
  if (typeof json === 'string') writeOutput(json, `${JSON.stringify({ model: settings.model, samples: reports }, null, 2)}\n`);
  for (const file of [options.html, json]) if (typeof file === 'string') say(global, `wrote ${file}`);
}
