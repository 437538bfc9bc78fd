import { join } from 'node:path';
import type { Command } from 'commander';
import { listItems } from '../batch-items.js';
import { findShardSummaries, mergeShardSummaries, type SummaryLine } from '../batch-merge.js';
import { say, type GlobalFlags } from '../context.js';
import { CliError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { checkOutputPaths } from '../output-paths.js';

const SHOWN = 10;

function listed(lines: readonly SummaryLine[]): string {
  const ids = lines
    .slice(0, SHOWN)
    .map((l) => l.id)
    .join(', ');
  return lines.length > SHOWN ? `${ids}, … (${lines.length - SHOWN} more)` : ids;
}

/** `ig batch merge DIR…`: one summary from the shards' summaries, with what is missing or failed. */
export function registerBatchMerge(batch: Command, flags: () => GlobalFlags): void {
  batch
    .command('merge')
    .description('join the shard summaries (summary-<i>-of-<n>.jsonl) into one summary.jsonl and list missing shards and failed or missing items')
    .argument('<dir...>', 'the --out-dir of the shards (one shared folder, or one per shard)')
    .option('--inputs <dir|manifest.jsonl>', 'the --inputs the shards ran on: also lists the items that no summary holds, in input order')
    .option('--out <file>', 'where to write the merged summary (default: summary.jsonl in the first folder)')
    .action((dirs: string[], raw: { inputs?: string; out?: string }) => {
      const global = flags();
      // Commander hands --inputs to `batch`, which has the option too, wherever it stands.
      const inputs = raw.inputs ?? (batch.opts() as { inputs?: string }).inputs;
      const files = findShardSummaries(dirs);
      const out = raw.out ?? join(dirs[0] as string, 'summary.jsonl');
      checkOutputPaths(
        { [raw.out === undefined ? 'the merged summary' : '--out']: out },
        inputs === undefined ? [] : [{ option: '--inputs', path: inputs }],
        files.map(({ path }) => ({ path, what: `the shard summary ${path}` })),
      );
      const merged = mergeShardSummaries(files, inputs === undefined ? undefined : listItems(inputs));
      // Kept when the batch is incomplete: the merged summary is what says what to rerun.
      writeFileAtomic(out, `${merged.lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
      const of = (status: string): SummaryLine[] => merged.lines.filter((line) => line.status === status);
      const [ok, failed, pending, missing] = [of('ok'), of('error'), of('pending'), of('missing')];
      say(
        global,
        `${merged.shards.length} of ${merged.count} shard summaries: ${ok.length} done, ${failed.length} failed, ${pending.length} pending, ${missing.length} missing; wrote ${out}`,
      );
      if (merged.missingShards.length > 0) say(global, `missing shards: ${merged.missingShards.map((k) => `${k}/${merged.count}`).join(', ')}`);
      if (failed.length > 0) say(global, `failed: ${listed(failed)}`);
      if (pending.length > 0) say(global, `pending: ${listed(pending)}`);
      if (missing.length > 0) say(global, `missing: ${listed(missing)}`);
      const problems = [
        merged.missingShards.length > 0 ? `${merged.missingShards.length} shard${merged.missingShards.length > 1 ? 's' : ''} missing` : '',
        failed.length > 0 ? `${failed.length} failed` : '',
        pending.length > 0 ? `${pending.length} pending` : '',
        missing.length > 0 ? `${missing.length} missing` : '',
      ].filter((p) => p !== '');
      if (problems.length > 0) throw new CliError(`the batch is incomplete (${problems.join(', ')}); see ${out}; rerun the shards that are missing or failed`);
    });
}
