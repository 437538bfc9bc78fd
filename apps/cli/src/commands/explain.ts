import type { Command } from 'commander';
import { detail, say, formatNumber, warnLine } from '../context.js';
import { startTiming, timeLine } from '../timing.js';
import type { GlobalFlags } from '../context.js';
import { UsageError } from '../errors.js';
import { writeOutput } from '../files.js';
import { heatmapPngs } from '../heatmap-output.js';
import { loadInput } from '../inputs.js';
import { loadModel, readLabels } from '../load-model.js';
import { formatNpy } from '../npy.js';
import { addExplainOptions, parseExplainSettings } from '../options.js';
import type { ExplainSettings } from '../options.js';
import { progressBar } from '../progress.js';
import { runExplanation } from '../explain-run.js';
import type { ExplainReport, RunSettings } from '../explain-run.js';

export function runSettingsOf(settings: ExplainSettings): RunSettings {
  return { ...settings, labels: settings.labels ? readLabels(settings.labels) : null };
}

export function summaryLine(report: ExplainReport): string {
  const target = report.label !== undefined ? `${report.target} (${report.label})` : String(report.target);
  return (
    `target ${target}: F(x) = ${formatNumber(report.fInput)}, F(x') = ${formatNumber(report.fBaseline)}, ` +
    `delta = ${formatNumber(report.delta)}, relative error = ${formatNumber(report.relativeError)}, ` +
    `${report.steps} steps (${report.method}), ${report.backend}, ${report.seconds.toFixed(2)} s`
  );
}

/** `heat.png` → `heat-0.png`, `heat-1.png`, … for a batch of examples. */
function numbered(path: string, k: number): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}-${k}${path.slice(dot)}` : `${path}-${k}`;
}

export function registerExplain(program: Command, flags: () => GlobalFlags): void {
  addExplainOptions(program.command('explain').description('attribute a model output to the input features with Integrated Gradients'))
    .requiredOption('--input <file>', 'input: a .npy array (batch axis first) or a PNG/JPEG image')
    .option('--out <file.npy>', 'write the attributions (float32, same shape as the input)')
    .option('--heatmap <file.png>', 'write a heatmap of the attributions (file-0.png, file-1.png, … on one shared scale for a batch)')
    .option('--json <file.json>', 'write the report: target, steps, F(input), F(baseline), delta, error, backend, seconds')
    .action(async (raw: Record<string, string>) => {
      const global = flags();
      const settings = parseExplainSettings(raw, global.quiet);
      if (raw['heatmap'] && settings.layer) throw new UsageError('--heatmap draws input attributions; it cannot be combined with --layer');
      const run = runSettingsOf(settings);
      const timing = startTiming();
      const model = await loadModel(settings.model, { provider: settings.provider, cache: settings.cache, onWarning: (m) => warnLine(global, m), onDetail: (m) => detail(global, m), ...(settings.layer ? { layer: settings.layer } : {}) });
      timing.loaded(model);
      try {
        const input = loadInput(raw['input'] as string, settings, model.inputShape);
        const { attributions, report } = await runExplanation(model, input, run, progressBar('integrating', global.quiet));
        if (raw['out']) writeOutput(raw['out'], formatNpy(attributions.data, attributions.shape));
        const heatmaps = raw['heatmap'] ? heatmapPngs(attributions, input, settings) : [];
        const heatmapFiles = heatmaps.length > 1 ? heatmaps.map((_, k) => numbered(raw['heatmap'] as string, k)) : raw['heatmap'] ? [raw['heatmap']] : [];
        heatmaps.forEach((png, k) => writeOutput(heatmapFiles[k] as string, png));
        const time = timing.finish(model);
        if (raw['json']) writeOutput(raw['json'], `${JSON.stringify({ model: settings.model, input: raw['input'], ...report, time }, null, 2)}\n`);
        detail(global, timeLine(time));
        say(global, summaryLine(report));
        if (!global.quiet) for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
        if (!raw['out'] && attributions.data.length <= 64) say(global, `attributions: [${Array.from(attributions.data, formatNumber).join(', ')}]`);
        for (const file of [raw['out'], ...heatmapFiles, raw['json']]) if (file) say(global, `wrote ${file}`);
      } finally {
        await model.dispose();
      }
    });
}
