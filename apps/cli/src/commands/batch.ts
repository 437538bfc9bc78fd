import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { listItems, parseShard, shardItems } from '../batch-items.js';
import type { BatchItem } from '../batch-items.js';
import { detail, say, warnLine } from '../context.js';
import { startTiming, timeLine } from '../timing.js';
import type { GlobalFlags } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { runExplanation } from '../explain-run.js';
import { writeFileAtomic } from '../files.js';
import { heatmapPng } from '../heatmap-output.js';
import { loadInput } from '../inputs.js';
import { loadModel } from '../load-model.js';
import type { LoadedModel } from '../load-model.js';
import { formatNpy } from '../npy.js';
import { addExplainOptions, parseExplainSettings } from '../options.js';
import type { ExplainSettings } from '../options.js';
import { progressBar } from '../progress.js';
import type { Progress } from '../progress.js';
import { runSettingsOf } from './explain.js';

/** Set to a file path to have every computed item's id appended to it (for resume tests and audits). */
export const COMPUTE_LOG_ENV = 'IG_CLI_COMPUTE_LOG';

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/** An item is done once its report is in place: it is renamed in last, after the arrays. */
const reportPath = (outDir: string, id: string): string => join(outDir, `${id}.json`);

/** The options that shape the results; a resumed run must use the same ones. */
function fingerprint(settings: ExplainSettings, heatmaps: boolean): Record<string, unknown> {
  const { model, size, layout, normalization, channels, baseline, baselineCount, seed, target, labels, steps, tolerance, method, layer } = settings;
  const heatmap = heatmaps ? { style: settings.heatmapStyle, sign: settings.sign, outlierPercentile: settings.outlierPercentile } : null;
  return { model: resolve(model), size, layout, normalization, channels, baseline, baselineCount, seed, target, labels, steps, tolerance: tolerance ?? null, method, layer: layer ?? null, heatmap };
}

/** Records the options in the output folder on the first run and refuses to mix results from different ones. */
function checkResumable(outDir: string, options: Record<string, unknown>): void {
  const path = join(outDir, 'batch-options.json');
  const text = `${JSON.stringify(options, null, 2)}\n`;
  if (!existsSync(path)) {
    writeFileAtomic(path, text);
    return;
  }
  const before = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const changed = Object.keys({ ...before, ...options }).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(options[key]));
  if (changed.length > 0) {
    const key = changed[0] as string;
    throw new UsageError(
      `--out-dir ${outDir} holds results computed with other options (${key}: ${JSON.stringify(before[key])} then, ${JSON.stringify(options[key])} now); rerun with the same options or use a new --out-dir`,
    );
  }
}

function removeStaleTemporaries(outDir: string): void {
  for (const name of readdirSync(outDir)) if (/^\..+\.[0-9a-f]{8}\.tmp$/.test(name)) rmSync(join(outDir, name), { force: true });
}

async function computeItem(model: LoadedModel, item: BatchItem, settings: ExplainSettings, outDir: string, heatmaps: boolean): Promise<void> {
  const run = runSettingsOf(settings);
  const input = loadInput(item.input, settings, model.inputShape);
  const timing = startTiming();
  timing.loaded(model);
  const { attributions, report } = await runExplanation(model, input, { ...run, target: item.target ?? run.target }, SILENT);
  writeFileAtomic(join(outDir, `${item.id}.npy`), formatNpy(attributions.data, attributions.shape));
  if (heatmaps && !settings.layer && input.tensor.shape.length === 4) writeFileAtomic(join(outDir, `${item.id}.png`), heatmapPng(attributions, input, settings));
  writeFileAtomic(reportPath(outDir, item.id), `${JSON.stringify({ id: item.id, input: item.input, status: 'ok', ...report, time: timing.finish(model, 'load') })}\n`);
  const log = process.env[COMPUTE_LOG_ENV];
  if (log) appendFileSync(log, `${item.id}\n`);
}

export function registerBatch(program: Command, flags: () => GlobalFlags): void {
  addExplainOptions(program.command('batch').description('explain every input of a folder or manifest; resumable and shardable'))
    .requiredOption('--inputs <dir|manifest.jsonl>', 'a folder of .npy/.png/.jpg inputs, or JSON lines {"input": path, "id"?, "target"?}')
    .requiredOption('--out-dir <dir>', 'where to write <id>.npy, <id>.json, optional <id>.png and the summary')
    .option('--heatmaps', 'also write a heatmap <id>.png per image-shaped input')
    .option('--shard <i/n>', 'process only shard i of n (1-based), to split a dataset across machines')
    .action(async (raw: Record<string, string | boolean>) => {
      const global = flags();
      const settings = parseExplainSettings(raw as Record<string, string>, global.quiet);
      const shard = raw['shard'] ? parseShard(raw['shard'] as string) : { index: 1, count: 1 };
      const outDir = raw['outDir'] as string;
      const all = listItems(raw['inputs'] as string);
      const items = shardItems(all, shard);
      try {
        mkdirSync(outDir, { recursive: true });
      } catch (error) {
        throw new UsageError(`--out-dir ${outDir} cannot be created: ${(error as Error).message}`);
      }
      removeStaleTemporaries(outDir);
      checkResumable(outDir, fingerprint(settings, raw['heatmaps'] === true));
      const pending = items.filter((item) => !existsSync(reportPath(outDir, item.id)));
      say(global, `${items.length} inputs${shard.count > 1 ? ` in shard ${shard.index}/${shard.count}` : ''}: ${items.length - pending.length} already done, ${pending.length} to compute`);

      const failures: { id: string; input: string; error: string }[] = [];
      if (pending.length > 0) {
        const timing = startTiming();
        const model = await loadModel(settings.model, { provider: settings.provider, cache: settings.cache, onWarning: (m) => warnLine(global, m), onDetail: (m) => detail(global, m), ...(settings.layer ? { layer: settings.layer } : {}) });
        timing.loaded(model);
        const progress = progressBar('inputs', global.quiet);
        try {
          for (const [k, item] of pending.entries()) {
            try {
              await computeItem(model, item, settings, outDir, raw['heatmaps'] === true);
            } catch (error) {
              if (error instanceof UsageError) throw error;
              failures.push({ id: item.id, input: item.input, error: (error as Error).message.split('\n')[0] ?? '' });
            }
            progress.update(k + 1, pending.length);
          }
        } finally {
          progress.stop();
          detail(global, timeLine(timing.finish(model)));
          await model.dispose();
        }
      }

      const lines = items.map((item) => {
        const failure = failures.find((f) => f.id === item.id);
        if (failure) return JSON.stringify({ ...failure, status: 'error' });
        return readFileSync(reportPath(outDir, item.id), 'utf8').trim();
      });
      const summary = join(outDir, shard.count > 1 ? `summary-${shard.index}-of-${shard.count}.jsonl` : 'summary.jsonl');
      writeFileAtomic(summary, `${lines.join('\n')}\n`);
      say(global, `wrote ${items.length - failures.length} results and ${summary}`);
      if (failures.length > 0) {
        throw new CliError(`${failures.length} of ${items.length} inputs failed (first: ${failures[0]?.input}: ${failures[0]?.error}); see ${summary}, fix them and rerun`);
      }
    });
}
