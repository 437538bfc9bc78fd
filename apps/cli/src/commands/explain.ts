import type { Command } from 'commander';
import { detail, say, formatNumber } from '../context.js';
import { startTiming, timeLine } from '../timing.js';
import type { GlobalFlags } from '../context.js';
import { UsageError } from '../errors.js';
import { writeOutput } from '../files.js';
import { heatmapPngs } from '../heatmap-output.js';
import { explanationPanels } from '../panel-output.js';
import { preprocessingNote } from '../preprocessing.js';
import { targetText } from '../objective-target.js';
import { loadInput } from '../inputs.js';
import { engineOf, loadModel, readLabels } from '../load-model.js';
import { checkContextRows, readContextInputs } from '../context-inputs.js';
import { loadOptionsOf } from '../model-options.js';
import { formatNpy } from '../npy.js';
import { addExplainOptions, parseExplainSettings } from '../options.js';
import { addAlgorithmOptions, parseAlgorithmSettings } from '../algorithm-options.js';
import { algorithmRun, asOneChannel } from '../algorithm-run.js';
import type { ExplainSettings } from '../options.js';
import { progressBar } from '../progress.js';
import { runExplanation } from '../explain-run.js';
import { refinementLines } from '../refinement-lines.js';
import type { ExplainReport, RunSettings } from '../explain-run.js';
import { isTokenIdsInput, runTokenIdsExplain } from '../text/ids-explain.js';
import { runTextExplain } from '../text/text-command.js';
import { addTokenOptions, givenTokenFlags, requirePlainIntegratedGradients } from '../text/token-options.js';
import { parseInputArgs, refuseOneFileForMany } from '../named-inputs.js';
import { runNamedExplain } from './explain-named.js';
import {
  PICTURE_OPTIONS,
  refuseAutoRuleWithoutAuto,
  refuseGiven,
  refusePictureOptionsWithout,
  refuseUnusedSeed,
  TENSOR_INPUT_OPTIONS,
} from '../given-options.js';
import { addObjectiveTargetOptions, objectiveTargetOf, refuseObjectiveTarget } from '../objective-target-options.js';
import { checkRunOutputs } from '../companion-files.js';
import { perExampleOutputs, pictureFiles } from '../derived-names.js';
import { givenInputFiles } from '../given-input-files.js';
import { checkPictureOptions } from '../picture-checks.js';

/** Options of tensor inputs and their pictures, refused for texts and token ids (`where`), which are explained at a layer from a baseline token. */
function refuseTensorOptions(command: Command, where: string): void {
  refuseGiven(command, TENSOR_INPUT_OPTIONS, `does not apply ${where}: tokens are explained at their embedding, from --baseline-token or --baseline-ids`);
  refuseGiven(command, ['panel', ...PICTURE_OPTIONS], `draws tensor inputs; it does not apply ${where}`);
}

/** The run's settings: --labels read, and --target-weights / --target-region checked and their files read. */
export function runSettingsOf(settings: ExplainSettings, raw: Record<string, unknown> = {}, targetGiven = false): RunSettings {
  const objectiveTarget = objectiveTargetOf(raw, { targetGiven, limits: settings.limits });
  return { ...settings, labels: settings.labels ? readLabels(settings.labels) : null, ...(objectiveTarget !== undefined ? { objectiveTarget } : {}) };
}

export function summaryLine(report: ExplainReport): string {
  const target = targetText(report.target, report.label);
  if (report.fInput === null || report.fBaseline === null || report.delta === null || report.relativeError === null) {
    return `target ${target}: ${report.algorithm} (no completeness identity), ${report.gradientEvaluations} gradient evaluations, ${report.backend}, ${report.seconds.toFixed(2)} s`;
  }
  const algorithm = report.algorithm === 'integrated-gradients' ? '' : `${report.algorithm}, `;
  return (
    algorithm +
    `target ${target}: F(x) = ${formatNumber(report.fInput)}, F(x') = ${formatNumber(report.fBaseline)}, ` +
    `delta = ${formatNumber(report.delta)}, relative error = ${formatNumber(report.relativeError)}, ` +
    `${report.steps} steps${report.algorithm.startsWith('integrated-gradients') ? ` (${report.method})` : ''}, ${report.backend}, ${report.seconds.toFixed(2)} s`
  );
}

/** One summary line, or one per example (and target) where the input holds several. */
export function summaryLines(report: ExplainReport): string[] {
  if (report.examples.length <= 1) return [summaryLine(report)];
  const { label: _example0, ...shared } = report;
  return report.examples.map((example) => `example ${example.example}: ${summaryLine({ ...shared, ...example })}`);
}

/** Whether the run reads a tokenizer: it explains texts, or token ids in its one --input (an unreadable one fails later, saying why). */
function readsTokenizer(raw: Record<string, unknown>, model: string): boolean {
  const inputs = (raw['input'] as string[] | undefined) ?? [];
  if (((raw['text'] as string[] | undefined) ?? []).length > 0) return true;
  try {
    return inputs.length === 1 && isTokenIdsInput(model, inputs[0] as string);
  } catch {
    return false;
  }
}

export function registerExplain(program: Command, flags: () => GlobalFlags): void {
  addTokenOptions(
    addObjectiveTargetOptions(
      addAlgorithmOptions(
        addExplainOptions(
          program
            .command('explain')
            .description('attribute a model output to the input features with Integrated Gradients or another gradient method (--algorithm)'),
        ),
      ),
    ),
    'with --text or token ids in --input',
  )
    .option(
      '--input <file|name=file>',
      'input: a .npy array (batch axis first) or a PNG/JPEG image (alpha dropped, EXIF orientation applied, as PIL convert("RGB") after exif_transpose); for a model with several inputs, NAME=FILE once per input',
      (value: string, list: string[] | undefined) => [...(list ?? []), value],
    )
    .option(
      '--text <text>',
      'explain a text with a token-id ONNX model (repeat for several texts)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option('--html <file.html>', 'with --text: write the tokens shaded by attribution as an HTML page')
    .option(
      '--context-input <name=file.npy>',
      'the value of another model input (repeatable): with token ids in --input (default attention_mask all ones, token_type_ids zeros), or an integer input beside a float one of an .onnx model (one example, [1, ...], fed with every example)',
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      '--out <file.npy>',
      'write the attributions (float32, the shape of the model input: batch axis first, added to an .npy that has none); with --input NAME=FILE, one file per named input: file-NAME.npy',
    )
    .option('--heatmap <file.png>', 'write a heatmap of the attributions (file-0.png, file-1.png, … on one shared scale for a batch)')
    .option('--panel <file.png>', 'write input | attribution | overlay with a colour bar and a title (file-0.png, … for a batch)')
    .option(
      '--json <file.json>',
      'write the report: target, steps, F(input), F(baseline), delta, error, backend, seconds (and with --steps auto, how each example was refined)',
    )
    .action(async (raw: Record<string, string>, command: Command) => {
      const global = flags();
      const settings = parseExplainSettings(raw, global.quiet);
      const checkDerived = await checkRunOutputs(
        { '--out': raw['out'], '--heatmap': raw['heatmap'], '--panel': raw['panel'], '--json': raw['json'], '--html': raw['html'] },
        givenInputFiles(raw),
        {
          model: settings.model,
          provider: settings.provider,
          tokens: readsTokenizer(raw, settings.model),
          tokenizer: raw['tokenizer'],
          baselineSet: raw['baselineSet'],
        },
      );
      const targetGiven = command.getOptionValueSource('target') === 'cli';
      refuseAutoRuleWithoutAuto(command, settings.steps);
      if ((raw['text'] as unknown as string[]).length > 0) {
        refuseObjectiveTarget(raw, 'with --text');
        if (raw['input'] !== undefined) throw new UsageError('give either --input or --text, not both');
        refuseTensorOptions(command, 'with --text');
        requirePlainIntegratedGradients(raw, '--text');
        return runTextExplain(raw, settings, global);
      }
      refuseUnusedSeed(command, settings.baseline, parseAlgorithmSettings(raw));
      const inputArgs = parseInputArgs((raw['input'] as unknown as string[] | undefined) ?? []);
      const contextInputs = raw['contextInput'] as unknown as string[];
      if (contextInputs.length > 0 && engineOf(settings.model) !== 'onnx') throw new UsageError('--context-input goes with an .onnx model');
      if (!raw['heatmap'] && !raw['panel']) refusePictureOptionsWithout(command, '--heatmap and --panel');
      else
        checkPictureOptions(
          command,
          settings,
          [raw['heatmap'], raw['panel']].filter((f): f is string => typeof f === 'string'),
        );
      const textFlags = givenTokenFlags(raw);
      if (inputArgs.kind === 'named' && textFlags.length > 0)
        throw new UsageError(`${textFlags[0]} goes with --text or token ids in --input, not --input NAME=FILE`);
      if (inputArgs.kind === 'named' && raw['html']) throw new UsageError('--html shades the tokens of --text; it does not apply to --input NAME=FILE');
      if (inputArgs.kind === 'named' && raw['panel'])
        throw new UsageError('--panel draws one image input; with several --input NAME=FILE flags write the attributions with --out');
      if (inputArgs.kind === 'named') {
        return runNamedExplain(
          inputArgs.inputs,
          raw,
          settings,
          (shape) => ({ ...runSettingsOf(settings, raw, targetGiven), ...algorithmRun(raw, settings, shape, command.getOptionValueSource('steps') === 'cli') }),
          global,
          contextInputs,
          checkDerived,
        );
      }
      raw['input'] = inputArgs.path;
      if (isTokenIdsInput(settings.model, raw['input'])) {
        if (raw['heatmap']) throw new UsageError('--heatmap draws input attributions; token ids are attributed at a layer');
        requirePlainIntegratedGradients(raw, 'token ids in --input');
        refuseObjectiveTarget(raw, 'with token ids in --input');
        refuseTensorOptions(command, 'with token ids in --input');
        if (raw['html']) throw new UsageError('--html shades the tokens of --text; it does not apply to token ids in --input (use --json)');
        return runTokenIdsExplain(raw, settings, global);
      }
      if (textFlags.length > 0) throw new UsageError(`${textFlags[0]} goes with --text or token ids (an int64 .npy) in --input; ${raw['input']} holds floats`);
      if (raw['html']) throw new UsageError(`--html shades the tokens of --text; it does not apply to --input ${raw['input']} (use --heatmap or --panel)`);
      if (raw['heatmap'] && settings.layer) throw new UsageError('--heatmap draws input attributions; it cannot be combined with --layer');
      if (raw['panel'] && settings.layer) throw new UsageError('--panel draws input attributions; it cannot be combined with --layer');
      parseAlgorithmSettings(raw);
      const runSettings = runSettingsOf(settings, raw, targetGiven);
      const timing = startTiming();
      const context = contextInputs.length > 0 ? { context: readContextInputs(contextInputs) } : {};
      const model = await loadModel(settings.model, { ...loadOptionsOf(settings, global), ...context });
      timing.loaded(model);
      try {
        refuseOneFileForMany(model, settings.model);
        const run = { ...runSettings, ...algorithmRun(raw, settings, model.inputShape, command.getOptionValueSource('steps') === 'cli') };
        const input = loadInput(raw['input'] as string, settings, model.inputShape);
        if (context.context) checkContextRows(context.context, input.tensor.shape[0] as number, raw['input'] as string);
        const examples = input.tensor.shape[0] as number;
        const derived = { heatmap: perExampleOutputs('--heatmap', raw['heatmap'], examples), panel: perExampleOutputs('--panel', raw['panel'], examples) };
        checkDerived([...derived.heatmap, ...derived.panel]);
        const note = input.preprocessing ? preprocessingNote(input.preprocessing) : null;
        if (note && !global.quiet) process.stderr.write(`${note}\n`);
        const { attributions, report } = await runExplanation(
          model,
          input,
          run,
          progressBar('integrating', global.quiet, run.algorithm?.noise !== undefined ? (run.algorithm.samples ?? 5) : 1),
        );
        if (raw['out']) writeOutput(raw['out'], formatNpy(attributions.data, attributions.shape));
        const heatmaps = raw['heatmap'] ? heatmapPngs(asOneChannel(attributions, input), input, settings) : [];
        const heatmapFiles = pictureFiles(raw['heatmap'], derived.heatmap);
        heatmaps.forEach((png, k) => writeOutput(heatmapFiles[k] as string, png));
        const panels = raw['panel'] ? await explanationPanels(model, input, asOneChannel(attributions, input), report, settings) : [];
        const panelFiles = pictureFiles(raw['panel'], derived.panel);
        panels.forEach((png, k) => writeOutput(panelFiles[k] as string, png));
        const time = timing.finish(model);
        if (raw['json'])
          writeOutput(
            raw['json'],
            `${JSON.stringify({ model: settings.model, input: raw['input'], ...report, ...(input.preprocessing ? { preprocessing: input.preprocessing } : {}), time }, null, 2)}\n`,
          );
        detail(global, timeLine(time));
        for (const line of summaryLines(report)) say(global, line);
        if (global.verbose) for (const line of refinementLines(report)) say(global, line);
        if (!global.quiet) for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
        if (!raw['out'] && attributions.data.length <= 64) say(global, `attributions: [${Array.from(attributions.data, formatNumber).join(', ')}]`);
        for (const file of [raw['out'], ...heatmapFiles, ...panelFiles, raw['json']]) if (file) say(global, `wrote ${file}`);
      } finally {
        await model.dispose();
      }
    });
}
