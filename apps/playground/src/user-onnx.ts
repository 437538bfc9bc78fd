/** A dropped `.onnx` image classifier: its one float image input, read before anything is run. */
import { ModelInputError } from './errors.js';
import type { ImageInputSpec } from './image.js';
import { specFromShape } from './input-shape.js';

/** Element types @ig/onnx attributes (float64 and float16 models are computed in float32). */
const FLOAT_TYPES = new Set(['float', 'double', 'float16']);

export interface OnnxImageModel {
  readonly input: ImageInputSpec;
  /** The number of classes, when the first output declares it ([1, K] or [K]). */
  readonly classes: number | undefined;
}

export async function readOnnxImageModel(bytes: ArrayBuffer, name: string): Promise<OnnxImageModel> {
  const { inspect } = await import('@ig/onnx');
  let summary: ReturnType<typeof inspect>;
  try {
    summary = inspect(new Uint8Array(bytes));
  } catch (error) {
    throw new ModelInputError(`${name} is not a readable ONNX model: ${(error as Error).message}`);
  }
  const [input, ...others] = summary.inputs;
  if (input === undefined) throw new ModelInputError(`${name} has no input to attribute`);
  if (others.length > 0)
    throw new ModelInputError(
      `${name} has ${summary.inputs.length} inputs (${summary.inputs.map((i) => `'${i.name}'`).join(', ')}); the playground explains models with one image input`,
    );
  if (!FLOAT_TYPES.has(input.type))
    throw new ModelInputError(
      `${name}: its input '${input.name}' is ${input.type}; the playground attributes a float image input (float32, float16 or float64). Export the model with the conversion from ${input.type} inside it and a float input`,
    );
  const last = summary.outputs[0]?.shape?.at(-1);
  return { input: specFromShape(input.shape, name), classes: typeof last === 'number' && last > 0 ? last : undefined };
}
