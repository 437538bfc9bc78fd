/** A user's model from dropped files: one `.onnx`, or `model.json` and its weight files. */
import { ORT_ENGINES, TFJS_ENGINES, type ImageModel } from './models.js';
import type { ModelSource } from './protocol.js';
import { checkDroppedOnnx } from './model-client.js';
import { readTfjsImageModel } from './user-tfjs.js';
import type { ImageInputSpec } from './image.js';
import type { ModelOutput } from './model-outputs.js';

function userModel(name: string, engines: ImageModel['engines'], input: ImageInputSpec, classes?: number, outputs?: readonly ModelOutput[]): ImageModel {
  return {
    id: `user:${name}`,
    label: `${name} (yours)`,
    kind: 'image',
    engines,
    labels: null,
    ...(classes === undefined ? {} : { classes }),
    files: { format: 'onnx', url: '' },
    input,
    samples: [],
    ...(outputs !== undefined && outputs.length > 1 ? { outputs } : {}),
  };
}

export async function droppedModel(files: readonly File[]): Promise<{ source: ModelSource; model: ImageModel } | undefined> {
  const onnxFile = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (onnxFile !== undefined) {
    // Decoded and checked in the model worker (with @ig/onnx), not on the page's thread.
    const { bytes, input, classes, outputs } = await checkDroppedOnnx(
      onnxFile,
      files.filter((f) => f !== onnxFile),
    );
    return { source: { format: 'onnx', name: onnxFile.name, bytes }, model: userModel(onnxFile.name, ORT_ENGINES, input, classes, outputs) };
  }
  const jsonFile = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsonFile === undefined) return undefined;
  const modelJson = await jsonFile.text();
  const others = files.filter((f) => f !== jsonFile);
  const { input, classes, outputs } = readTfjsImageModel(
    modelJson,
    jsonFile.name,
    others.map((f) => f.name),
  );
  const weights = await Promise.all(others.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  return { source: { format: 'tfjs-layers', name: jsonFile.name, modelJson, weights }, model: userModel(jsonFile.name, TFJS_ENGINES, input, classes, outputs) };
}
