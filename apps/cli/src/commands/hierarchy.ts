import { Option } from 'commander';
import type { Command } from 'commander';
import { formatNumber, say } from '../context.js';
import type { GlobalFlags } from '../context.js';
import { UsageError } from '../errors.js';
import { writeOutput } from '../files.js';
import { SCORE_KINDS, type ScoreKind } from '../hierarchy/scorer.js';
import { hierarchyHtml, hierarchyPng, hierarchyTargetText, hierarchyTerminal, runHierarchy } from '../hierarchy/run.js';
import type { HierarchyRun } from '../hierarchy/run.js';
import { runTextHierarchy } from '../hierarchy/text-run.js';
import { loadInput } from '../inputs.js';
import { loadModel, readLabels } from '../load-model.js';
import { NORMALIZATION_PRESETS } from '../image.js';
import type { Layout } from '../image.js';
import { BASELINE_KINDS } from '../options.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { objectiveTargetOf, REGION_MASK_HELP, refuseObjectiveTarget, TARGET_REGION_HELP, TARGET_WEIGHTS_HELP } from '../objective-target-options.js';
import { PROVIDERS } from '../load-model.js';
import type { Provider } from '../load-model.js';
import { ROBERTA_BASELINE_HELP } from '../text/token-options.js';
import { refuseGiven } from '../given-options.js';
import { checkRunOutputs } from '../companion-files.js';
import { imageOnlyOptions } from '../image-only-options.js';
import { givenInputFiles } from '../given-input-files.js';

function number(text: string, flag: string, min: number, max: number, integer: boolean): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got '${text}'`);
  }
  return n;
}

export function hierarchySummary(run: HierarchyRun): string {
  const components = run.tree.nodes.filter((n) => n.level > 0).length;
  // A text's units are its tokens: cd leaves the other positions (a fixed-length model's padding) in the irrelevant part.
  const whole =
    run.json.tokens === undefined ? 'the whole input' : run.json.score === 'cd' ? "the whole text (other positions' share irrelevant)" : 'the whole text';
  return (
    `target ${hierarchyTargetText(run)}: ${run.json.score} score of ${whole} ${formatNumber(run.json.fullScore)}; ` +
    `${run.tree.levels.length} levels, ${components} groups; ${run.json.forwardPasses} forward passes` +
    `${run.json.gradientEvaluations > 0 ? `, ${run.json.gradientEvaluations} gradient evaluations` : ''}, ${run.json.seconds.toFixed(2)} s`
  );
}

/** Writes --json, --png and --html, and prints the terminal view and the summary. */
function writeHierarchyFiles(raw: Record<string, string>, run: HierarchyRun, source: Record<string, string | number>, global: GlobalFlags): void {
  if (raw['json']) writeOutput(raw['json'], `${JSON.stringify({ ...source, ...run.json })}\n`);
  if (raw['png']) writeOutput(raw['png'], hierarchyPng(run));
  if (raw['html']) writeOutput(raw['html'], hierarchyHtml(run));
  const view = hierarchyTerminal(run);
  if (view !== null) say(global, view);
  say(global, hierarchySummary(run));
  for (const file of [raw['json'], raw['png'], raw['html']]) if (file) say(global, `wrote ${file}`);
}

/** Options the run would not use, refused naming what rules them out. */
function refuseUnusedOptions(command: Command, score: ScoreKind, text: boolean): void {
  if (text) refuseGiven(command, ['baseline', 'seed', 'layout', 'normalize'], 'applies to --input; with --text removed tokens become --baseline-token');
  else refuseGiven(command, ['tokenizer', 'baselineToken', 'tooLong', 'layer'], 'goes with --text; give --text or drop it');
  if (score !== 'integrated-gradients' && score !== 'group-path-ig')
    refuseGiven(command, ['steps'], `sets the path points of --score integrated-gradients and group-path-ig, not --score ${score}`);
  if (score === 'cd')
    refuseGiven(command, ['baseline', 'seed', 'baselineToken'], 'is not used by --score cd, which splits the input into the group and the rest');
}

export function registerHierarchy(program: Command, flags: () => GlobalFlags): void {
  program
    .command('hierarchy')
    .description('build an ACD hierarchy: which groups of features, at which scale, drive a prediction')
    .requiredOption('--model <file>', 'model: an .onnx file or a TensorFlow.js model.json')
    .option('--input <file>', 'input: a .npy array (one example, batch axis first) or a PNG/JPEG image (alpha dropped, EXIF orientation applied)')
    .option('--text <text>', 'text input of an ONNX model with token-id inputs: tokens are the units')
    .option('--tokenizer <file>', 'tokenizer.json for --text (default: the one next to the model)')
    .option(
      '--baseline-token <token>',
      `with --text: what removed tokens become, a vocabulary entry such as [MASK] or an id (default: the pad id). ${ROBERTA_BASELINE_HELP}`,
    )
    .addOption(new Option('--too-long <mode>', 'with --text: a text longer than the model takes').choices(['truncate', 'error']).default('truncate'))
    .option('--layer <tensor>', 'with --text: the float tensor the groups are scored at (default: the embedding output)')
    .option('--tokens <words>', 'labels of a sequence input [N, L] or [N, L, D], space-separated, one per position')
    .option('--target <t>', 'class index, auto (the predicted class), a label (with --labels); texts: position,class, last or last,CLASS', 'auto')
    .option(
      '--labels <file>',
      "class names, one per line, or JSON: an array of names, an object of index → name, or imagenet_class_index.json's index → [id, name]",
    )
    .option('--target-weights <file.npy>', TARGET_WEIGHTS_HELP)
    .option('--target-region <class>', TARGET_REGION_HELP)
    .option('--region-mask <file>', REGION_MASK_HELP)
    .addOption(new Option('--score <kind>', 'group score').choices([...SCORE_KINDS]).default('occlusion'))
    .option('--percentile-include <p>', 'units at or above this percentile of the open scores join the selection', '90')
    .option('--sweep-dim <n>', 'unit size: blocks of N×N pixels or N tokens', '1')
    .option('--iterations <n>', 'rounds of growing the components', '5')
    .option(
      '--baseline <kind>',
      `what removed features become (unused by cd; with --text see --baseline-token): ${BASELINE_KINDS.join(', ')} or FILE.npy`,
      'zero',
    )
    .option('--seed <n>', 'seed of a random baseline', '0')
    .option('--steps <n>', 'path points of the IG scores', '50')
    .option('--batch-size <n>', 'points per model call')
    .addOption(new Option('--layout <layout>', 'tensor layout of image inputs').choices(['nchw', 'nhwc']))
    .addOption(new Option('--normalize <preset>', 'mean/std preset for image inputs').choices(Object.keys(NORMALIZATION_PRESETS)).default('none'))
    .addOption(new Option('--provider <p>', 'execution provider').choices([...PROVIDERS]).default('cpu'))
    .option('--cache-dir <dir>', 'keep built ONNX gradient graphs here across runs (default: as ig explain)')
    .option('--no-cache', 'neither read nor write the graph cache')
    .option('--json <tree.json>', 'write the tree: levels of { id, features, score, children }, the target and the full-input score')
    .option('--png <tree.png>', 'write the levels of an image hierarchy, components outlined with their scores')
    .option('--html <tree.html>', 'write the hierarchy as HTML (a phrase table for sequences, the picture for images)')
    .action(async (raw: Record<string, string>, command: Command) => {
      const global = flags();
      await checkRunOutputs({ '--json': raw['json'], '--png': raw['png'], '--html': raw['html'] }, givenInputFiles(raw), {
        model: raw['model'] as string,
        provider: raw['provider'] ?? 'cpu',
        tokens: raw['text'] !== undefined,
        tokenizer: raw['tokenizer'],
      });
      if (raw['text'] !== undefined && raw['input'] !== undefined) throw new UsageError('give either --input or --text, not both');
      if (raw['text'] === undefined && raw['input'] === undefined) throw new UsageError('--input or --text is required');
      const settings = {
        modelPath: raw['model'] as string,
        score: raw['score'] as ScoreKind,
        target: raw['target'] ?? 'auto',
        labels: raw['labels'] ? readLabels(raw['labels']) : null,
        percentileInclude: number(raw['percentileInclude'] ?? '90', '--percentile-include', 0, 100, false),
        sweepDim: number(raw['sweepDim'] ?? '1', '--sweep-dim', 1, 1e6, true),
        iterations: number(raw['iterations'] ?? '5', '--iterations', 0, 1000, true),
        steps: number(raw['steps'] ?? '50', '--steps', 1, 1e6, true),
        batchSize: raw['batchSize'] === undefined ? undefined : number(raw['batchSize'], '--batch-size', 1, 1e6, true),
        tokens: raw['tokens'] === undefined ? null : raw['tokens'].trim().split(/\s+/),
        baseline: raw['baseline'] ?? 'zero',
        baselineCount: 1,
        seed: number(raw['seed'] ?? '0', '--seed', -1e15, 1e15, false),
      };
      const cache: string | boolean = (raw['cache'] as unknown) === false ? false : (raw['cacheDir'] ?? true);
      refuseUnusedOptions(command, settings.score, raw['text'] !== undefined);
      if (raw['text'] !== undefined) {
        for (const flag of ['png', 'tokens'])
          if (raw[flag] !== undefined) throw new UsageError(`--${flag} is for tensor inputs; with --text use --html and --json`);
        if ((raw['provider'] ?? 'cpu') !== 'cpu') throw new UsageError('--text hierarchies run on --provider cpu');
        refuseObjectiveTarget(raw, 'with --text');
        const warn = (line: string): void => {
          if (!global.quiet) process.stderr.write(`warning: ${line}\n`);
        };
        const run = await runTextHierarchy(
          raw['text'] as string,
          {
            ...settings,
            tokenizer: raw['tokenizer'],
            layer: raw['layer'],
            baselineToken: raw['baselineToken'],
            tooLong: (raw['tooLong'] ?? 'truncate') as 'truncate' | 'error',
            cache,
          },
          warn,
        );
        writeHierarchyFiles(raw, run, { model: settings.modelPath, text: raw['text'] as string }, global);
        return;
      }
      const objectiveTarget = objectiveTargetOf(raw, { targetGiven: command.getOptionValueSource('target') === 'cli', limits: DEFAULT_LIMITS });
      const model = await loadModel(settings.modelPath, { provider: (raw['provider'] ?? 'cpu') as Provider, cache });
      try {
        const normalization = NORMALIZATION_PRESETS[raw['normalize'] ?? 'none'] ?? { mean: [0], std: [1] };
        const input = loadInput(
          raw['input'] as string,
          { size: null, layout: (raw['layout'] as Layout | undefined) ?? null, normalization, channels: null, imageOptions: imageOnlyOptions(raw) },
          model.inputShape,
        );
        const run = await runHierarchy(model, input, { ...settings, ...(objectiveTarget !== undefined ? { objectiveTarget } : {}) }, () => undefined);
        const drawn: Record<string, string | number> = settings.score === 'cd' ? {} : { baseline: settings.baseline, seed: settings.seed };
        writeHierarchyFiles(raw, run, { model: settings.modelPath, input: raw['input'] as string, ...drawn }, global);
      } finally {
        await model.dispose();
      }
    });
}
