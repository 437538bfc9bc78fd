import { accessSync, appendFileSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { addAlgorithmOptions, checkAlgorithmFits, parseAlgorithmSettings } from '../algorithm-options.js';
import { ABSENT_MEANS, batchDependedFiles, batchFingerprint } from '../batch-fingerprint.js';
import { fileContents } from '../batch-file-hashes.js';
import { ItemClaims, removeDeadRunLeftovers } from '../batch-claims.js';
import { listItems, parseShard, shardItems } from '../batch-items.js';
import { refuseOutputsOverInputs } from '../batch-out-dir.js';
import { companionFiles } from '../companion-files.js';
import { givenInputFiles } from '../given-input-files.js';
import { SHARD_COUNT_ENV, shardFromEnvironment, type ScheduledShard } from '../batch-scheduler.js';
import { registerBatchMerge } from './batch-merge.js';
import { isTokenBatch, tokenBatchFingerprint, tokenBatchSettings, tokenItemExplainer, type ItemExplainer, type ItemOutput } from '../batch-tokens.js';
import { tensorItemExplainer } from '../batch-tensors.js';
import { imageOptionsAcross } from '../image-only-options.js';
import { checkPictureOptions } from '../picture-checks.js';
import { addTokenOptions } from '../text/token-options.js';
import {
  PICTURE_OPTIONS,
  refuseAutoRuleWithoutAuto,
  refuseGiven,
  refusePictureOptionsWithout,
  refuseUnusedSeed,
  TENSOR_INPUT_OPTIONS,
} from '../given-options.js';
import type { BatchItem } from '../batch-items.js';
import { checkResumable, failedAt, failurePath, itemState, recordFailure, reportPath } from '../batch-record.js';
import { dropStaleReports, withDigest } from '../batch-item-digest.js';
import { detail, say } from '../context.js';
import type { GlobalFlags } from '../context.js';
import { CliError, flatMessage, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { addExplainOptions, parseExplainSettings } from '../options.js';
import { progressBar } from '../progress.js';
import { addObjectiveTargetOptions, objectiveFingerprint, objectiveTargetOf, refuseObjectiveTarget } from '../objective-target-options.js';

/** Set to a file path to have every computed item's id appended to it (for resume tests and audits). */
export const COMPUTE_LOG_ENV = 'IG_CLI_COMPUTE_LOG';

interface BatchContext {
  readonly outDir: string;
  readonly claims: ItemClaims;
  /** When this run started: a failure recorded since then is another live run's, not to be retried now. */
  readonly startedAt: number;
}

/** Computes the item unless another run holds it or finished it; write failures (disk full, permissions) end the batch. */
async function computeClaimed(explainer: ItemExplainer, item: BatchItem, context: BatchContext): Promise<void> {
  const { outDir, claims } = context;
  if (!claims.claim(item.id)) return;
  try {
    // Another run may have finished or failed it between the listing and the claim.
    if (existsSync(reportPath(outDir, item.id)) || (failedAt(outDir, item.id) ?? 0) >= context.startedAt) return;
    let outputs: ItemOutput[];
    try {
      // Any error here is the item's own and is recorded, not fatal.
      if (item.problem !== undefined) throw new CliError(item.problem);
      outputs = await explainer.outputs(item);
    } catch (error) {
      recordFailure(outDir, item, flatMessage(error));
      return;
    }
    const report = `${item.id}.json`;
    for (const { name, data } of outputs) writeFileAtomic(join(outDir, name), name === report && typeof data === 'string' ? withDigest(data, item) : data);
    rmSync(failurePath(outDir, item.id), { force: true });
    const log = process.env[COMPUTE_LOG_ENV];
    if (log) appendFileSync(log, `${item.id}\n`);
  } finally {
    claims.release(item.id);
  }
}

export function registerBatch(program: Command, flags: () => GlobalFlags): void {
  const batch = program.command('batch');
  registerBatchMerge(batch, flags);
  addTokenOptions(
    addObjectiveTargetOptions(
      addAlgorithmOptions(addExplainOptions(batch.description('explain every input of a folder or manifest; resumable and shardable'))),
    ),
    'token-id models',
  )
    .requiredOption(
      '--inputs <dir|manifest.jsonl>',
      'a folder of .npy/.png/.jpg inputs, or JSON lines {"input": path, "id"?, "target"?, "context"?: {"name": "file.npy"}} or {"text": "…", "id"?, "target"?}',
    )
    .requiredOption('--out-dir <dir>', 'where to write <id>.npy, <id>.json, optional <id>.png or <id>.html and the summary')
    .option('--heatmaps', 'also write a heatmap <id>.png per image-shaped input (<id>-0.png, … for several examples), or the shaded tokens <id>.html per text')
    .option(
      '--shard <i/n|auto>',
      `process only shard i of n (1-based), to split a dataset across machines; auto: from the scheduler (Kubernetes Indexed Job: JOB_COMPLETION_INDEX and ${SHARD_COUNT_ENV}; Slurm job array: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT; AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX and ${SHARD_COUNT_ENV})`,
    )
    .option('--skip-failed', 'do not retry items that failed in an earlier run (their failures stay in the summary)')
    .action(async (raw: Record<string, string | boolean>, command: Command) => {
      const global = flags();
      for (const option of mandatory) if (raw[option.attributeName()] === undefined) throw new UsageError(`required option '${option.flags}' not specified`);
      const settings = parseExplainSettings(raw as Record<string, string>, global.quiet);
      const algorithm = parseAlgorithmSettings(raw);
      const stepsGiven = command.getOptionValueSource('steps') === 'cli';
      refuseAutoRuleWithoutAuto(command, settings.steps);
      refuseUnusedSeed(command, settings.baseline, algorithm);
      const auto = raw['shard'] === 'auto';
      const shard = auto ? shardFromEnvironment() : raw['shard'] ? parseShard(raw['shard'] as string) : { index: 1, count: 1 };
      if (auto) detail(global, `--shard auto: shard ${shard.index}/${shard.count} from the ${(shard as ScheduledShard).scheduler} environment`);
      const outDir = raw['outDir'] as string;
      const all = listItems(raw['inputs'] as string);
      const tokens = isTokenBatch(settings.model, all, raw) ? tokenBatchSettings(settings, raw) : undefined;
      const warn = (line: string): void => {
        if (!global.quiet) process.stderr.write(`warning: ${line}\n`);
      };
      const inputs = all.map((item) => item.input);
      const imageOptions = tokens ? [] : imageOptionsAcross(settings.imageOptions, inputs, `--inputs ${String(raw['inputs'])}`, warn);
      if (tokens) {
        refuseObjectiveTarget(raw, 'for token-id models');
        refuseGiven(
          command,
          TENSOR_INPUT_OPTIONS,
          'does not apply to texts and token ids: tokens are explained at their embedding, from --baseline-token or --baseline-ids',
        );
        refuseGiven(command, PICTURE_OPTIONS, 'draws heatmaps of tensor inputs; --heatmaps of texts and token ids writes <id>.html');
      } else if (raw['heatmaps'] !== true) refusePictureOptionsWithout(command, '--heatmaps');
      else if (settings.layer !== undefined) throw new UsageError('--heatmaps draws input attributions; it cannot be combined with --layer');
      else checkPictureOptions(command, settings, []);
      const objectiveTarget = objectiveTargetOf(raw, { targetGiven: command.getOptionValueSource('target') === 'cli', limits: settings.limits });
      const ownTarget = objectiveTarget === undefined ? undefined : all.find((item) => item.target !== undefined);
      if (ownTarget !== undefined)
        throw new UsageError(
          `${objectiveTarget?.kind === 'weights' ? '--target-weights' : '--target-region'} sets the objective of every input, but the manifest gives ${ownTarget.id} its own "target"`,
        );
      checkAlgorithmFits(algorithm, { layer: settings.layer !== undefined, steps: settings.steps, stepsGiven });
      const items = shardItems(all, shard);
      try {
        mkdirSync(outDir, { recursive: true });
        accessSync(outDir, constants.W_OK);
      } catch (error) {
        throw new UsageError(`--out-dir ${outDir} cannot be created: ${(error as Error).message}`);
      }
      const summary = join(outDir, shard.count > 1 || auto ? `summary-${shard.index}-of-${shard.count}.jsonl` : 'summary.jsonl');
      const named = [...givenInputFiles(raw), { option: '--inputs', path: raw['inputs'] as string }];
      const companions = await companionFiles({
        model: settings.model,
        provider: settings.provider,
        tokens: tokens !== undefined,
        tokenizer: tokens?.tokenizer,
        baselineSet: algorithm.baselineSet,
      });
      refuseOutputsOverInputs(outDir, all, {
        heatmaps: raw['heatmaps'] === true,
        summary,
        named,
        companions,
        ...(tokens ? {} : { numbered: { maxInputBytes: settings.limits.maxInputBytes } }),
      });
      removeDeadRunLeftovers(outDir);
      const fingerprint = batchFingerprint(settings, algorithm, stepsGiven, raw['heatmaps'] === true);
      const contents = fileContents(await batchDependedFiles(settings, { algorithm, objectiveTarget, tokens, items: all }));
      checkResumable(outDir, { ...fingerprint, ...(tokens ? tokenBatchFingerprint(tokens) : objectiveFingerprint(objectiveTarget)), contents }, ABSENT_MEANS);
      const skipFailed = raw['skipFailed'] === true;
      const changed = dropStaleReports(outDir, items);
      if (changed.length > 0)
        say(
          global,
          `${changed.length} done input${changed.length === 1 ? '' : 's'} changed since computed (input, text, target or context), computed again: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ', …' : ''}`,
        );
      const pending = items.filter((item) => !existsSync(reportPath(outDir, item.id)) && !(skipFailed && failedAt(outDir, item.id) !== null));
      say(
        global,
        `${items.length} inputs${shard.count > 1 || auto ? ` in shard ${shard.index}/${shard.count}` : ''}: ${items.length - pending.length} already done${skipFailed ? ' or skipped' : ''}, ${pending.length} to compute`,
      );

      // Under a scheduler this shard's task is the only one; a claim from another host is its own earlier attempt.
      const claims = new ItemClaims(outDir, { staleElsewhere: auto });
      if (pending.length > 0) {
        const startedAt = Date.now();
        const explainer = tokens
          ? await tokenItemExplainer(tokens, pending, { html: raw['heatmaps'] === true, warn, manifest: raw['inputs'] as string })
          : await tensorItemExplainer({ ...settings, imageOptions }, raw, { stepsGiven, objectiveTarget, items: pending }, global);
        const progress = progressBar('inputs', global.quiet);
        try {
          for (const [k, item] of pending.entries()) {
            await computeClaimed(explainer, item, { outDir, claims, startedAt });
            progress.update(k + 1, pending.length);
          }
        } finally {
          progress.stop();
          await explainer.close();
        }
      }

      const states = items.map((item) => itemState(outDir, item, claims.heldByOther(item.id)));
      writeFileAtomic(summary, `${states.map((state) => state.line).join('\n')}\n`);
      const count = (status: string): number => states.filter((state) => state.status === status).length;
      say(global, `${count('ok')} done, ${count('error')} failed, ${count('pending')} pending; wrote ${summary}`);
      const failed = items.filter((_, k) => states[k]?.status === 'error');
      if (failed.length > 0) {
        const first = JSON.parse(states.find((state) => state.status === 'error')?.line ?? '{}') as { input?: string; error?: string };
        throw new CliError(
          `${failed.length} of ${items.length} inputs failed (first: ${JSON.stringify(first.input)}: ${first.error}); see ${summary}; a rerun retries them (--skip-failed skips them)`,
        );
      }
    });
  // Commander checks a command's required options for its subcommands too, so `ig batch merge`
  // would ask for --model: batch checks them itself, in its action.
  const mandatory: Option[] = batch.options.filter((option) => option.mandatory);
  for (const option of mandatory) option.mandatory = false;
}
