/**
 * A model's outputs as the page lists them (the Output list, as `ig explain --output` names them)
 * and the one a run explains: one rule for ONNX and TensorFlow.js models.
 */
import { UnsupportedOutputError } from './worker/errors.js';

/** A declared dimension: a size, a symbolic name (an ONNX dim_param, tfjs's batch), or unknown (null). */
export type DeclaredDim = number | string | null;

/** An output as the model declares it: its name and shape (null where the model declares no shape). */
export interface DeclaredOutput {
  readonly name: string;
  readonly shape: readonly DeclaredDim[] | null;
}

/** One entry of the Output list: the output's name and class count (undefined until a run counts them, where the model does not declare it). */
export interface ModelOutput {
  readonly name: string;
  readonly classes: number | undefined;
}

/**
 * Whether the page can explain the output: a classifier's [batch, classes], [classes] of a model
 * whose batch axis is fixed at 1 and dropped (an ONNX export can), or one value per example as
 * `ig explain` takes it: a regression's [batch] or a scalar of a model whose batch is fixed at 1.
 */
function isExplainableShape(shape: readonly DeclaredDim[]): boolean {
  return shape.length <= 2;
}

/**
 * K of an output declared [batch, K] or [K]; 1 for one value per example ([batch], []); undefined
 * where K is symbolic or unknown, or the output is not one the page explains.
 */
export function declaredClasses(shape: readonly DeclaredDim[] | null): number | undefined {
  if (shape === null || !isExplainableShape(shape)) return undefined;
  if (shape.length === 0 || (shape.length === 1 && typeof shape[0] !== 'number')) return 1;
  const classes = shape.at(-1);
  return typeof classes === 'number' && Number.isInteger(classes) && classes > 0 ? classes : undefined;
}

/** The Output list's entries for the declared outputs. */
export function listedOutputs(outputs: readonly DeclaredOutput[]): ModelOutput[] {
  return outputs.map((o) => ({ name: o.name, classes: declaredClasses(o.shape) }));
}

const shapeText = (shape: readonly DeclaredDim[]): string => `[${shape.map((d) => d ?? '?').join(', ')}]`;

/**
 * The output a run explains: `output` by name, or the only one. The page explains classifier
 * and regression outputs (see isExplainableShape); another shape, a name the model lacks, or a model with several
 * outputs and none picked is refused naming the outputs. An output declared without a shape is let
 * through: its first run counts its classes. `source` names the model file in the errors.
 */
export function pickOutput(outputs: readonly DeclaredOutput[], output: string | undefined, source: string): string | undefined {
  const listed = outputs.map((o) => `'${o.name}' ${o.shape === null ? '(no declared shape)' : shapeText(o.shape)}`).join(', ');
  if (output === undefined && outputs.length > 1)
    throw new UnsupportedOutputError(`${source} has ${outputs.length} outputs (${listed}); pick the one to explain`);
  const picked = output === undefined ? outputs[0] : outputs.find((o) => o.name === output);
  if (picked === undefined)
    throw new UnsupportedOutputError(output === undefined ? `${source} declares no output` : `${source} has no output '${output}'; its outputs are ${listed}`);
  if (picked.shape !== null && !isExplainableShape(picked.shape))
    throw new UnsupportedOutputError(
      `${source}: output '${picked.name}' has shape ${shapeText(picked.shape)}, rank ${picked.shape.length}; the playground explains classifier outputs [batch, classes] and one value per example ([batch], or [] with a batch of 1)${outputs.length > 1 ? '; pick another output' : ''}`,
    );
  return output;
}
