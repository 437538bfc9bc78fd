/** A user's model from dropped files: one `.onnx`, or `model.json` and its weight files. */
import { ORT_ENGINES, TFJS_ENGINES, type ImageModel } from './models.js';
import type { ModelSource } from './protocol.js';
import { checkDroppedOnnx } from './model-client.js';
import { readTfjsImageModel } from './user-tfjs.js';
import type { ImageInputSpec } from './image.js';
import type { ModelOutput } from './model-outputs.js';

/** Counts the models dropped on this page, so that each drop is its own model to the worker, whatever its file's name. */
let drops = 0;

function userModel(source: ModelSource, engines: ImageModel['engines'], input: ImageInputSpec, classes?: number, outputs?: readonly ModelOutput[]): ImageModel {
  return {
    id: `user:${source.name}`,
    label: `${source.name} (yours)`,
    kind: 'image',
    engines,
    labels: null,
    ...(classes === undefined ? {} : { classes }),
    files: { format: 'dropped', source },
    input,
    samples: [],
    ...(outputs !== undefined && outputs.length > 1 ? { outputs } : {}),
  };
}

export async function droppedModel(files: readonly File[]): Promise<ImageModel | undefined> {
  const onnxFile = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  if (onnxFile !== undefined) {
    // Decoded and checked in the model worker (with @ig/onnx), not on the page's thread.
    const { bytes, input, classes, outputs } = await checkDroppedOnnx(
      onnxFile,
      files.filter((f) => f !== onnxFile),
    );
    const source: ModelSource = { format: 'onnx', key: `drop ${++drops}: ${onnxFile.name}`, name: onnxFile.name, bytes };
    return userModel(source, ORT_ENGINES, input, classes, outputs);
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
  const source: ModelSource = { format: 'tfjs-layers', key: `drop ${++drops}: ${jsonFile.name}`, name: jsonFile.name, modelJson, weights };
  return userModel(source, TFJS_ENGINES, input, classes, outputs);
}
