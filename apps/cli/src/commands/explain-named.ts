import { detail, formatNumber, say, type GlobalFlags } from '../context.js';
import { UsageError } from '../errors.js';
import type { DerivedOutputsCheck } from '../companion-files.js';
import { perInputOutputs, perInputPath } from '../derived-names.js';
import type { RunSettings } from '../explain-run.js';
import { writeOutput } from '../files.js';
import { checkContextRows, readContextInputs } from '../context-inputs.js';
import { loadModel } from '../load-model.js';
import { loadOptionsOf } from '../model-options.js';
import { loadNamedInputs, type NamedInputArg } from '../named-inputs.js';
import { runNamedExplanation } from '../named-run.js';
import { targetText } from '../objective-target.js';
import { formatNpy } from '../npy.js';
import type { ExplainSettings } from '../options.js';
import { progressBar } from '../progress.js';
import { startTiming, timeLine } from '../timing.js';

/** `ig explain --input a=FILE --input b=FILE`: a model with several inputs, every one attributed. */
export async function runNamedExplain(
  args: readonly NamedInputArg[],
  raw: Record<string, unknown>,
  settings: ExplainSettings,
  run: (modelShape: Parameters<typeof loadNamedInputs>[1]['inputShape']) => RunSettings,
  global: GlobalFlags,
  contextInputs: readonly string[],
  checkDerived: DerivedOutputsCheck,
): Promise<void> {
  if (raw['heatmap']) throw new UsageError('--heatmap draws one image input; with several --input NAME=FILE flags write the attributions with --out');
  if (settings.layer) throw new UsageError('--layer takes one input; drop --layer or give a single --input');
  const out = typeof raw['out'] === 'string' ? raw['out'] : undefined;
  // Every model input must be given (loadNamedInputs), so these names are the inputs attributed.
  checkDerived(
    perInputOutputs(
      '--out',
      out,
      args.map((a) => a.name),
    ),
  );
  const timing = startTiming();
  const context = contextInputs.length > 0 ? { context: readContextInputs(contextInputs) } : {};
  const model = await loadModel(settings.model, { ...loadOptionsOf(settings, global, { withLayer: false }), ...context });
  timing.loaded(model);
  try {
    const inputs = loadNamedInputs(args, model, settings);
    const first = inputs[0];
    if (context.context && first) checkContextRows(context.context, first.input.tensor.shape[0] as number, first.path);
    const { attributions, report } = await runNamedExplanation(model, inputs, run(model.inputShape), progressBar('integrating', global.quiet));
    const files = out === undefined ? [] : inputs.map((n) => perInputPath(out, n.name));
    attributions.forEach((a, k) => {
      if (files[k] !== undefined) writeOutput(files[k], formatNpy(a.data, a.shape));
    });
    const time = timing.finish(model);
    const json = typeof raw['json'] === 'string' ? raw['json'] : undefined;
    const inputFiles = Object.fromEntries(inputs.map((n) => [n.name, n.path]));
    if (json !== undefined)
      writeOutput(
        json,
        `${JSON.stringify({ model: settings.model, inputs: inputFiles, ...(settings.output !== undefined ? { output: settings.output } : {}), ...report, time }, null, 2)}\n`,
      );
    detail(global, timeLine(time));
    const completeness =
      report.delta === null
        ? ''
        : `, F(x) = ${formatNumber(report.fInput as number)}, F(x') = ${formatNumber(report.fBaseline as number)}, relative error = ${formatNumber(report.relativeError as number)}`;
    say(
      global,
      `target ${targetText(report.target, report.label)}: ${report.algorithm} over ${inputs.length} inputs (${inputs.map((n) => n.name).join(', ')})${completeness}, ${report.gradientEvaluations} gradient evaluations, ${report.backend}, ${report.seconds.toFixed(2)} s`,
    );
    if (!global.quiet) for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (out === undefined) {
      attributions.forEach((a, k) => {
        if (a.data.length <= 64) say(global, `attributions ${inputs[k]?.name}: [${Array.from(a.data, formatNumber).join(', ')}]`);
      });
    }
    for (const file of [...files, json]) if (file) say(global, `wrote ${file}`);
  } finally {
    await model.dispose();
  }
}
