import { HEATMAP_METHODS, POLARITIES, QUADRATURE_METHODS, VISUALIZE_SIGNS, type AutoRule, type QuadratureMethod } from '@ig/core';
import type { HeatmapMethod, Polarity, VisualizeSign } from '@ig/core';
import { Option } from 'commander';
import type { Command } from 'commander';
import { addAutoStepsOptions, checkAutoStepsOptions, checkMidpointOption } from './auto-steps-options.js';
import { UsageError } from './errors.js';
import { imageOnlyOptions } from './image-only-options.js';
import { NORMALIZATION_PRESETS, parseSize } from './image.js';
import type { Layout, Normalization } from './image.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { PROVIDERS } from './load-model.js';
import { parseScale, SCALE_FLAG_HELP, type PictureScale } from './picture-options.js';
import type { Provider } from './load-model.js';

/** @ig/core's default stepsLimit. */
const DEFAULT_STEPS_LIMIT = 10_000;

/** The quadrature rules of --method: @ig/core's own list, so a rule added there is accepted here. */
export type Method = QuadratureMethod;
export const BASELINE_KINDS = ['zero', 'black', 'white', 'uniform', 'gaussian', 'blur'] as const;
export type HeatmapStyle = HeatmapMethod | 'polarity';

/** Everything `explain` and `batch` share, parsed and checked. */
export interface ExplainSettings {
  readonly model: string;
  readonly size: { width: number; height: number } | null;
  /** null: inferred from the model's input shape. */
  readonly layout: Layout | null;
  readonly normalization: Normalization;
  readonly channels: 1 | 3 | null;
  /** The image-only options given (--size, --channels, --normalize, --mean, --std), refused for array inputs. */
  readonly imageOptions: readonly string[];
  readonly baseline: string;
  readonly baselineCount: number;
  readonly seed: number;
  readonly target: string;
  readonly labels: string | null;
  readonly steps: number | 'auto';
  readonly autoRule: AutoRule;
  /** --max-steps: the cap of --steps auto; undefined for the core's default. */
  readonly maxSteps: number | undefined;
  /** --check-midpoint: the adaptive rule checks a lone midpoint per feature before stopping on it. */
  readonly checkMidpoint: boolean;
  readonly tolerance: number | undefined;
  readonly method: Method;
  readonly batchSize: number | undefined;
  readonly layer: string | undefined;
  /** --output: the model output explained, by name; undefined: the first. */
  readonly output: string | undefined;
  readonly provider: Provider;
  /** ONNX graph cache: a folder (--cache-dir), true for the platform's default folder, false with --no-cache. */
  readonly cache: string | boolean;
  readonly heatmapStyle: HeatmapStyle;
  readonly sign: VisualizeSign;
  readonly outlierPercentile: number;
  readonly polarity: Polarity;
  readonly clipAbovePercentile: number;
  readonly clipBelowPercentile: number;
  readonly morphologicalCleanup: boolean;
  readonly outlines: boolean;
  /** --scale: how heatmaps and panels are upscaled (not at all when absent). */
  readonly scale?: PictureScale;
  readonly quiet: boolean;
  /** Image pixel and input byte limits (--max-pixels, --max-input-mib). */
  readonly limits: Limits;
  /** Most points per path (--steps-limit). */
  readonly stepsLimit: number;
  /** Memory for one batch of path points and gradients (--memory-budget, MiB); undefined: the library's default. */
  readonly memoryBudgetBytes: number | undefined;
}

/** The options every command that runs a model on tensor inputs shares; `pictures: false` leaves out how heatmaps are drawn. */
export function addExplainOptions(command: Command, { pictures = true } = {}): Command {
  const head = command
    .requiredOption('--model <file>', 'model: an .onnx file or a TensorFlow.js model.json')
    .option('--size <WxH>', 'resize image inputs to this size (N or WxH); default: the model input size')
    .addOption(new Option('--layout <layout>', 'tensor layout of image inputs').choices(['nchw', 'nhwc']))
    .option('--mean <r,g,b>', 'per-channel mean subtracted from image pixels scaled to [0, 1]')
    .option('--std <r,g,b>', 'per-channel std dividing image pixels after the mean')
    .addOption(new Option('--normalize <preset>', 'mean/std preset for image inputs').choices(Object.keys(NORMALIZATION_PRESETS)).default('none'))
    .addOption(new Option('--channels <n>', 'image channels the model takes (1 = grayscale)').choices(['1', '3']))
    .option('--baseline <kind>', `baseline: ${BASELINE_KINDS.join(', ')} or FILE.npy`, 'zero')
    .option('--baselines <n>', 'average over N random baselines (uniform or gaussian); all N are held through the run, up to 1 GiB', '1')
    .option('--seed <n>', 'seed of random baselines, of --noise and of the draws of expected-gradients', '0')
    .option(
      '--target <t>',
      "class index, indices per example (0,3,1), auto (the predicted class), a label (with --labels), or for one example an index along each output axis (2,15,6: class, row, column of a segmentation map); token models: position,class, last or last,CLASS (a language model's next token)",
      'auto',
    )
    .option(
      '--labels <file>',
      "class names, one per line, or JSON: an array of names, an object of index → name, or imagenet_class_index.json's index → [id, name]",
    )
    .option(
      '--steps <n>',
      "path points per integral (default 50; --algorithm blur-ig 100 and guided-ig 200, as PAIR saliency), or 'auto' to add points where the path needs them until --tolerance or --max-steps (not with --method)",
    );
  addAutoStepsOptions(head)
    .option('--tolerance <x>', 'relative completeness error allowed')
    .addOption(new Option('--method <rule>', 'quadrature rule for a number of --steps (default gauss-legendre)').choices([...QUADRATURE_METHODS]))
    .option('--batch-size <n>', 'path points per model call')
    .option('--steps-limit <n>', 'most path points per integral accepted for --steps', String(DEFAULT_STEPS_LIMIT))
    .option('--memory-budget <MiB>', 'memory for one batch of path points and their gradients; batches are sized to fit it (default 8)')
    .option('--max-pixels <n>', 'most pixels of an image input, decoded or resized to', String(DEFAULT_LIMITS.maxPixels))
    .option('--max-input-mib <n>', 'most MiB of an input file (.npy data or image file)', String(DEFAULT_LIMITS.maxInputBytes / 2 ** 20))
    .option('--layer <name>', 'attribute to this intermediate tensor (ONNX) or layer (TensorFlow.js) instead of the input')
    .option(
      '--output <name>',
      'explain this model output (by name; see ig inspect) instead of the first, or any float tensor a node computes (neuron attribution: --target indexes that tensor)',
    )
    .addOption(new Option('--provider <p>', 'execution provider').choices([...PROVIDERS]).default('cpu'))
    .option(
      '--cache-dir <dir>',
      'keep built ONNX gradient graphs here across runs (default: $XDG_CACHE_HOME/ig or ~/.cache/ig; ~/Library/Caches/ig on macOS; %LOCALAPPDATA%\\ig\\cache on Windows)',
    )
    .option('--no-cache', 'neither read nor write the graph cache');
  return pictures ? addPictureOptions(command) : command;
}

function addPictureOptions(command: Command): Command {
  return command
    .addOption(new Option('--heatmap-method <m>', 'how --heatmap draws').choices([...HEATMAP_METHODS, 'polarity']).default('overlay'))
    .addOption(new Option('--sign <s>', 'which attributions the heatmap shows').choices([...VISUALIZE_SIGNS]).default('all'))
    .option('--outlier-percentile <p>', 'share of the attribution mass clipped as outliers', '2')
    .addOption(new Option('--polarity <p>', 'polarity heatmaps: which signs to draw').choices([...POLARITIES]).default('both'))
    .option('--clip-above <pct>', 'polarity heatmaps: values above this percentile of the mass saturate', '99.9')
    .option('--clip-below <pct>', 'polarity heatmaps: values below this percentile of the mass vanish', '0')
    .option('--morphology', 'polarity heatmaps: close then open the map to drop specks')
    .option('--outlines', 'polarity heatmaps: draw the outlines of the strongest regions only')
    .option('--scale <n|auto>', SCALE_FLAG_HELP, 'auto');
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

/** --seed: an integer (a fraction would draw as its integer part, silently). */
function integerSeed(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n)) throw new UsageError(`--seed must be an integer, got '${text}'`);
  return n;
}

function finiteNumber(text: string, flag: string, min = -Infinity, max = Infinity): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a number${min > -Infinity ? ` in [${min}, ${max}]` : ''}, got '${text}'`);
  }
  return n;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number > 0, got '${text}'`);
  return n;
}

function numberList(text: string, flag: string): number[] {
  const values = text.split(',').map((s) => finiteNumber(s, flag));
  if (values.length !== 1 && values.length !== 3) throw new UsageError(`${flag} takes 1 or 3 comma-separated numbers, got '${text}'`);
  return values.length === 1 ? [values[0] as number, values[0] as number, values[0] as number] : values;
}

type Raw = Record<string, string | boolean | undefined>;

export function parseExplainSettings(raw: Raw, quiet: boolean): ExplainSettings {
  const str = (key: string): string | undefined => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  const preset = NORMALIZATION_PRESETS[str('normalize') ?? 'none'] as Normalization;
  const meanText = str('mean');
  const stdText = str('std');
  if ((str('normalize') ?? 'none') !== 'none' && (meanText !== undefined || stdText !== undefined))
    throw new UsageError(`--${meanText !== undefined ? 'mean' : 'std'} sets what --normalize ${str('normalize')} sets; give one or the other`);
  const normalization: Normalization = {
    mean: meanText ? numberList(meanText, '--mean') : preset.mean,
    std: stdText ? numberList(stdText, '--std') : preset.std,
  };
  // Pixels lie in [0, 1]: (pixel − mean) / std stays a finite float32 for |std| ≥ 1e-30 and any sane mean.
  if (normalization.std.some((s) => Math.abs(s) < 1e-30))
    throw new UsageError(`--std must not contain 0 or a value below 1e-30 in size, whose division overflows float32; got ${normalization.std.join(',')}`);
  const stepsText = str('steps') ?? '50';
  const steps = stepsText === 'auto' ? 'auto' : positiveInteger(stepsText, '--steps');
  const stepsLimit = positiveInteger(str('stepsLimit') ?? String(DEFAULT_STEPS_LIMIT), '--steps-limit');
  const maxSteps = checkAutoStepsOptions(steps, str('method'), str('maxSteps'));
  const autoRule = (str('autoRule') ?? 'adaptive') as AutoRule;
  if (steps !== 'auto' && steps > stepsLimit)
    throw new UsageError(`--steps ${steps} is above the limit of ${stepsLimit} points per path; raise --steps-limit if you mean it`);
  const budgetText = str('memoryBudget');
  const toleranceText = str('tolerance');
  const batchText = str('batchSize');
  const baseline = str('baseline') ?? 'zero';
  if (!(BASELINE_KINDS as readonly string[]).includes(baseline) && !/\.npy$/i.test(baseline)) {
    throw new UsageError(`--baseline must be one of ${BASELINE_KINDS.join(', ')} or a .npy file, got '${baseline}'`);
  }
  const baselineCount = positiveInteger(str('baselines') ?? '1', '--baselines');
  if (baselineCount > 1 && baseline !== 'uniform' && baseline !== 'gaussian') {
    throw new UsageError(`--baselines ${baselineCount} averages random baselines; use it with --baseline uniform or gaussian`);
  }
  if (str('output') !== undefined && str('layer') !== undefined) throw new UsageError('--layer attributes to the first output; drop --output or --layer');
  const channelsText = str('channels');
  return {
    model: str('model') as string,
    size: str('size') ? parseSize(str('size') as string) : null,
    layout: (str('layout') as Layout | undefined) ?? null,
    normalization,
    channels: channelsText ? (Number(channelsText) as 1 | 3) : null,
    imageOptions: imageOnlyOptions(raw),
    baseline,
    baselineCount,
    seed: integerSeed(str('seed') ?? '0'),
    target: str('target') ?? 'auto',
    labels: str('labels') ?? null,
    steps,
    autoRule,
    maxSteps,
    checkMidpoint: checkMidpointOption(steps, autoRule, raw['checkMidpoint'] === true),
    tolerance: toleranceText === undefined ? undefined : positiveNumber(toleranceText, '--tolerance'),
    method: (str('method') ?? 'gauss-legendre') as Method,
    batchSize: batchText === undefined ? undefined : positiveInteger(batchText, '--batch-size'),
    layer: str('layer'),
    output: str('output'),
    provider: (str('provider') ?? 'cpu') as Provider,
    cache: raw['cache'] === false ? false : (str('cacheDir') ?? true),
    heatmapStyle: (str('heatmapMethod') ?? 'overlay') as HeatmapStyle,
    sign: (str('sign') ?? 'all') as VisualizeSign,
    outlierPercentile: finiteNumber(str('outlierPercentile') ?? '2', '--outlier-percentile', 0, 100),
    polarity: (str('polarity') ?? 'both') as Polarity,
    clipAbovePercentile: finiteNumber(str('clipAbove') ?? '99.9', '--clip-above', 0, 100),
    clipBelowPercentile: finiteNumber(str('clipBelow') ?? '0', '--clip-below', 0, 100),
    morphologicalCleanup: raw['morphology'] === true,
    outlines: raw['outlines'] === true,
    scale: parseScale(str('scale')),
    quiet,
    limits: {
      maxPixels: positiveInteger(str('maxPixels') ?? String(DEFAULT_LIMITS.maxPixels), '--max-pixels'),
      maxInputBytes: positiveNumber(str('maxInputMib') ?? String(DEFAULT_LIMITS.maxInputBytes / 2 ** 20), '--max-input-mib') * 2 ** 20,
    },
    stepsLimit,
    memoryBudgetBytes: budgetText === undefined ? undefined : positiveNumber(budgetText, '--memory-budget') * 2 ** 20,
  };
}
