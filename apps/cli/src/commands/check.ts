import { checkAxioms } from '@ig/core';
import type { Command } from 'commander';
import { buildBaselines } from '../baselines.js';
import { say, warnLine } from '../context.js';
import type { GlobalFlags } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { keepOutputs, writeOutput } from '../files.js';
import { loadInput } from '../inputs.js';
import { loadModel, type LoadedModel } from '../load-model.js';
import { loadNamedInputs, namedBaselines, parseInputArgs, refuseOneFileForMany, type InputArgs, type NamedLoadedInput } from '../named-inputs.js';
import { loadOptionsOf } from '../model-options.js';
import { addExplainOptions, parseExplainSettings, type ExplainSettings } from '../options.js';
import { runSettingsOf } from './explain.js';
import { addObjectiveTargetOptions } from '../objective-target-options.js';
import { objectiveBackend } from '../objective-backend.js';
import { refuseAutoRuleWithoutAuto, refuseUnusedSeed } from '../given-options.js';
import { autoReportOf, autoStepsOptionsOf } from '../path-options.js';
import { runTargetsOfInputs } from '../run-targets.js';
import { checkRunOutputs } from '../companion-files.js';
import { givenInputFiles } from '../given-input-files.js';

/**
 * What to try after a failed check, never the settings already in use: more steps or auto steps,
 * and Gauss–Legendre (the default rule) only when another rule was chosen.
 */
export function checkAdvice(run: { readonly steps: number | 'auto'; readonly method: string }, warned = true): string {
  if (run.steps === 'auto') return warned ? 'the warning above says what would help' : 'lower --tolerance, or raise --max-steps';
  const rule = run.method === 'gauss-legendre' ? '' : ', or the default --method gauss-legendre';
  return `raise --steps above ${run.steps}, or use --steps auto, which says where along the path the output changed${rule}`;
}

/** The example of each model input (one file, or NAME=FILE per input); one example each. */
function checkedInputs(args: InputArgs, model: LoadedModel, settings: ExplainSettings): NamedLoadedInput[] {
  if (args.kind === 'single') refuseOneFileForMany(model, settings.model);
  const inputs =
    args.kind === 'single'
      ? [{ name: model.inputs?.[0]?.name ?? 'input', path: args.path, input: loadInput(args.path, settings, model.inputShape) }]
      : loadNamedInputs(args.inputs, model, settings);
  for (const { path, input } of inputs) {
    if (input.tensor.shape[0] !== 1) throw new UsageError(`ig check takes one example; ${path} has ${input.tensor.shape[0]}`);
  }
  return inputs;
}

export function registerCheck(program: Command, flags: () => GlobalFlags): void {
  addObjectiveTargetOptions(
    addExplainOptions(
      program
        .command('check')
        .description('check the Integrated Gradients axioms (completeness, sensitivity, dummy, linearity) on one input; exit 1 if one fails'),
      { pictures: false },
    ),
  )
    .option(
      '--input <file|name=file>',
      'one example: a .npy array or a PNG/JPEG image (alpha dropped, EXIF orientation applied); for a model with several inputs, NAME=FILE once per input',
      (value: string, list: string[] | undefined) => [...(list ?? []), value],
    )
    .option('--json <file.json>', 'write the axiom report')
    .action(async (raw: Record<string, string> & { input?: string[] }, command: Command) => {
      const global = flags();
      const settings = parseExplainSettings(raw, global.quiet);
      await checkRunOutputs({ '--json': raw['json'] }, givenInputFiles(raw), { model: settings.model, provider: settings.provider });
      if (settings.baselineCount > 1) throw new UsageError('ig check takes one baseline; drop --baselines');
      refuseAutoRuleWithoutAuto(command, settings.steps);
      refuseUnusedSeed(command, settings.baseline, { algorithm: 'integrated-gradients', noise: undefined });
      if (settings.layer !== undefined) throw new UsageError('ig check checks the attributions to the model input; --layer is not available here');
      const args = parseInputArgs(raw.input ?? []);
      const run = runSettingsOf(settings, raw, command.getOptionValueSource('target') === 'cli');
      const model = await loadModel(settings.model, loadOptionsOf(settings, global, { withLayer: false }));
      try {
        const inputs = checkedInputs(args, model, settings);
        const targets = await runTargetsOfInputs(
          model,
          inputs.map((n) => n.input),
          run,
        );
        // An objective is checked as the one output of the model seen through it.
        const weights = run.objectiveTarget !== undefined ? (targets.spec as { readonly weights: Float32Array }).weights : undefined;
        const target = targets.perExample[0];
        const tensors = inputs.map((n) => n.input.tensor);
        const report = await checkAxioms(weights ? objectiveBackend(model.backend, weights) : model.backend, tensors, {
          target: weights ? 0 : (target as number),
          baselines: args.kind === 'single' ? buildBaselines(run, (inputs[0] as NamedLoadedInput).input) : namedBaselines(run, inputs),
          ...(run.steps === 'auto' ? autoStepsOptionsOf(run) : { method: run.method }),
          steps: run.steps,
          ...(run.tolerance !== undefined ? { tolerance: run.tolerance } : {}),
          ...(run.batchSize !== undefined ? { batchSize: run.batchSize } : {}),
          ...(run.stepsLimit !== undefined ? { stepsLimit: run.stepsLimit } : {}),
          ...(run.memoryBudgetBytes !== undefined ? { memoryBudgetBytes: run.memoryBudgetBytes } : {}),
        });
        const given = args.kind === 'single' ? { input: args.path } : { inputs: Object.fromEntries(inputs.map((n) => [n.name, n.path])) };
        const auto = autoReportOf(run);
        if (raw['json'])
          writeOutput(
            raw['json'],
            `${JSON.stringify({ model: settings.model, ...given, target, ...auto, baseline: settings.baseline, seed: settings.seed, ...report }, null, 2)}\n`,
          );
        say(global, report.summary);
        if (!report.passed) {
          keepOutputs(); // the report of a failed check is the point of the run
          const failed = [...new Set(report.checks.filter((c) => !c.passed).map((c) => c.axiom))];
          for (const warning of report.warnings) warnLine(global, warning);
          throw new CliError(`axiom check failed: ${failed.join(', ')} (see the lines above; ${checkAdvice(run, report.warnings.length > 0)})`);
        }
      } finally {
        await model.dispose();
      }
    });
}
