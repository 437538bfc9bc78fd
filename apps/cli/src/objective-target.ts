import { FileFormatError, UsageError } from './errors.js';
import type { Layout } from './image.js';
import { labelIndex } from './labels-file.js';
import type { ObjectiveTarget } from './objective-target-options.js';

/** How a report records a --target-weights or --target-region objective (a class target is its index). */
export type TargetRecord =
  | { readonly kind: 'weights'; readonly file: string; readonly shape: readonly number[] }
  | {
      readonly kind: 'region';
      readonly class: number;
      readonly label?: string;
      readonly mask: string;
      readonly pixels: number;
      /** One example's output as the region was read: [C, H, W] or [H, W, C]. */
      readonly outputShape: readonly number[];
      readonly layout: Layout;
    };

/** A report's target: a class (flat output index) or an objective's record. */
export type ReportTarget = number | TargetRecord;

export interface ResolvedObjective {
  /** One weight per output of an example: the objective is Σ w·output. */
  readonly weights: Float32Array;
  readonly record: TargetRecord;
}

/** One example's output: its declared dimensions after the batch axis (null: unknown) and how many values it has. */
export interface OutputOfExample {
  readonly dims: readonly (number | null)[] | null | undefined;
  readonly size: number;
}

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);
const shown = (dims: readonly (number | null)[]): string => `[${dims.map((d) => d ?? '?').join(', ')}]`;

function describeOutput(output: OutputOfExample): string {
  return output.dims ? `${shown(output.dims)} (${output.size} values)` : `${output.size} values`;
}

function fits(shape: readonly number[], output: OutputOfExample): boolean {
  if (product(shape) !== output.size) return false;
  const dims = output.dims;
  return !dims || (shape.length === dims.length && dims.every((d, i) => d === null || d === shape[i]));
}

function weightsObjective(target: Extract<ObjectiveTarget, { kind: 'weights' }>, output: OutputOfExample): ResolvedObjective {
  const { file, shape, weights } = target.file;
  if (!fits(shape, output) && !(shape[0] === 1 && fits(shape.slice(1), output))) {
    const want = output.dims ? `; give weights shaped ${shown(output.dims)} or ${shown([1, ...output.dims])}` : '';
    throw new FileFormatError(
      file,
      `--target-weights has shape ${shown(shape)} (${weights.length} values) but one example's output is ${describeOutput(output)}${want}`,
    );
  }
  return { weights, record: { kind: 'weights', file, shape } };
}

/** The output's [C, H, W] (or [H, W, C]), unknown dimensions filled from the mask and the output's size. */
function denseDims(target: Extract<ObjectiveTarget, { kind: 'region' }>, output: OutputOfExample, layout: Layout): number[] {
  const { mask } = target;
  const declared = output.dims ?? [null, null, null];
  const form = layout === 'nchw' ? '[N, C, H, W]' : '[N, H, W, C]';
  if (declared.length !== 3) throw new UsageError(`--target-region needs a dense output ${form}; the model's output per example is ${describeOutput(output)}`);
  const [c, h, w] = layout === 'nchw' ? declared : [declared[2], declared[0], declared[1]];
  const open = [c, h, w].filter((d) => d === null).length;
  // With one unknown dimension the output's size tells it; with more, the mask's size stands in for H and W.
  const fill = (d: number | null, others: number): number | null => (d === null && open === 1 ? output.size / others : d);
  const height = fill(h ?? null, (c ?? 1) * (w ?? 1));
  const width = fill(w ?? null, (c ?? 1) * (h ?? 1));
  const spatial = `${height ?? '?'}×${width ?? '?'}`;
  const mismatch = (height !== null && height !== mask.height) || (width !== null && width !== mask.width);
  const classes = c ?? output.size / (mask.height * mask.width);
  if (mismatch || !Number.isInteger(classes) || classes * mask.height * mask.width !== output.size)
    throw new FileFormatError(
      mask.file,
      `--region-mask is ${mask.height}×${mask.width} (H×W) but the model's output ${describeOutput(output)} is ${spatial} (H×W, ${form}${layout === 'nchw' ? '; --layout nhwc reads [N, H, W, C]' : ''})`,
    );
  return layout === 'nchw' ? [classes, mask.height, mask.width] : [mask.height, mask.width, classes];
}

function classOf(given: string, classes: number, labels: readonly string[] | null): number {
  let index: number;
  if (/^\d+$/.test(given)) index = Number(given);
  else {
    index = labels ? labelIndex(labels, given, '--target-region') : -1;
    if (index < 0)
      throw new UsageError(
        `--target-region '${given}' is not one of the labels (${(labels ?? []).slice(0, 5).join(', ')}${(labels?.length ?? 0) > 5 ? ', …' : ''})`,
      );
  }
  if (index >= classes) throw new UsageError(`--target-region ${given} is out of range: the output has ${classes} classes (0–${classes - 1})`);
  return index;
}

function regionObjective(
  target: Extract<ObjectiveTarget, { kind: 'region' }>,
  output: OutputOfExample,
  labels: readonly string[] | null,
  inputLayout: Layout,
): ResolvedObjective {
  const layout = target.layout ?? inputLayout;
  const dims = denseDims(target, output, layout);
  const classes = (layout === 'nchw' ? dims[0] : dims[2]) as number;
  const cls = classOf(target.target, classes, labels);
  const { mask } = target;
  const weights = new Float32Array(output.size);
  const plane = mask.height * mask.width;
  for (let p = 0; p < plane; p++) if (mask.inside[p] === 1) weights[layout === 'nchw' ? cls * plane + p : p * classes + cls] = 1;
  const label = labels?.[cls];
  return {
    weights,
    record: { kind: 'region', class: cls, ...(label !== undefined ? { label } : {}), mask: mask.file, pixels: mask.pixels, outputShape: dims, layout },
  };
}

/** The objective's weights over one example's output, checked against its shape. */
export function objectiveWeights(
  target: ObjectiveTarget,
  output: OutputOfExample,
  context: { readonly labels: readonly string[] | null; readonly inputLayout: Layout },
): ResolvedObjective {
  return target.kind === 'weights' ? weightsObjective(target, output) : regionObjective(target, output, context.labels, context.inputLayout);
}

/** How the text report names a target: `3 (cat)`, `weights w.npy [4, 16, 16]`, `region of class 2 (road) over 54 pixels of m.png`. */
export function targetText(target: ReportTarget, label?: string): string {
  if (typeof target === 'number') return label !== undefined ? `${target} (${label})` : String(target);
  if (target.kind === 'weights') return `weights ${target.file} ${shown(target.shape)}`;
  const name = target.label !== undefined ? ` (${target.label})` : '';
  return `region of class ${target.class}${name} over ${target.pixels} pixel${target.pixels === 1 ? '' : 's'} of ${target.mask}`;
}
