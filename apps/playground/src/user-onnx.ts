/** A dropped `.onnx` image classifier: its one float image input, read before anything is run (in the model worker). */
import { decodeModel, encodeModel, inspect, type onnx } from '@ig/onnx';
import { ModelInputError } from './errors.js';
import { inlineExternalData } from './onnx-external-data.js';
import type { ImageInputSpec } from './image.js';
import { specFromShape } from './input-shape.js';
import { declaredClasses, listedOutputs, type ModelOutput } from './model-outputs.js';

/** Element types @ig/onnx attributes (float64 and float16 models are computed in float32). */
const FLOAT_TYPES = new Set(['float', 'double', 'float16']);

export interface OnnxImageModel {
  readonly input: ImageInputSpec;
  /** The number of classes, when the first output declares it ([batch, K], or [K] where the batch axis is fixed at 1 and dropped). */
  readonly classes: number | undefined;
  /** Every graph output, by name as `ig inspect` lists it, with its declared class count: the one explained is picked on the page. */
  readonly outputs: readonly ModelOutput[];
}

/** The model decoded once, for the checks below and for reading its external data into it. */
function decodeDroppedModel(bytes: ArrayBuffer, name: string): onnx.ModelProto {
  try {
    return decodeModel(new Uint8Array(bytes));
  } catch (error) {
    throw new ModelInputError(`${name} is not a readable ONNX model: ${(error as Error).message}`);
  }
}

function readOnnxImageModel(model: onnx.ModelProto, name: string): OnnxImageModel {
  let summary: ReturnType<typeof inspect>;
  try {
    summary = inspect(model);
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
  return {
    input: specFromShape(input.shape, name),
    classes: declaredClasses(summary.outputs[0]?.shape ?? null),
    outputs: listedOutputs(summary.outputs),
  };
}

/** A dropped .onnx (and its external data among `others`): the bytes for the worker, checked, and its image input. */
export async function readDroppedOnnx(file: File, others: readonly File[]): Promise<OnnxImageModel & { readonly bytes: ArrayBuffer }> {
  const original = await file.arrayBuffer();
  const dropped = decodeDroppedModel(original, file.name);
  const inlined = await inlineExternalData(dropped, file.name, others);
  const checked = readOnnxImageModel(inlined ?? dropped, file.name);
  if (!inlined) return { ...checked, bytes: original };
  const bytes = encodeModel(inlined);
  return { ...checked, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}
