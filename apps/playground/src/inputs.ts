/** Model files and inputs on the page's side: bundled assets, dropped models, images and .npy. */
import type { RgbaImage } from '@ig/core';
import { ModelInputError } from './errors.js';
import { decodeImageFile, imageToInput, tensorToImage, type ImageInputSpec } from './image.js';
import { ORT_ENGINES, TFJS_ENGINES, type ImageModel, type PlaygroundModel, type Sample } from './models.js';
import { parseFloat32Npy } from './npy.js';
import type { ModelSource, PlainTensor } from './protocol.js';

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new ModelInputError(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

export async function modelSource(model: PlaygroundModel, dropped: ModelSource | undefined): Promise<ModelSource> {
  if (dropped !== undefined) return dropped;
  const files = model.files;
  if (files.format === 'onnx') return { format: 'onnx', name: model.id, bytes: await fetchBytes(files.url) };
  const weights = await Promise.all(Object.entries(files.weights).map(async ([name, url]) => ({ name, bytes: await fetchBytes(url) })));
  return { format: 'tfjs-layers', name: model.id, modelJson: await (await fetch(files.modelJson)).text(), weights };
}

export interface PreparedInput {
  readonly tensor: PlainTensor;
  /** What the input view shows: the resized image, or the tensor drawn as an image. */
  readonly picture: RgbaImage;
}

export async function prepareInput(spec: ImageInputSpec, source: { readonly sample: Sample } | { readonly image: Blob }): Promise<PreparedInput> {
  if ('image' in source || source.sample.type === 'image') {
    const blob = 'image' in source ? source.image : await (await fetch(source.sample.url)).blob();
    let image: RgbaImage;
    try {
      image = await decodeImageFile(blob);
    } catch (error) {
      throw new ModelInputError(`the image cannot be decoded: ${(error as Error).message}`);
    }
    const tensor = imageToInput(image, spec);
    const grey = imageToInput(image, { ...spec, mean: [0, 0, 0], std: [1, 1, 1] });
    return { tensor, picture: tensorToImage(grey, spec) };
  }
  const { data, shape } = parseFloat32Npy(await fetchBytes(source.sample.url), source.sample.id);
  const expected = spec.layout === 'nchw' ? [1, spec.channels, spec.height, spec.width] : [1, spec.height, spec.width, spec.channels];
  if (shape.join() !== expected.join())
    throw new ModelInputError(`${source.sample.id}.npy has shape (${shape.join(', ')}), the model takes (${expected.join(', ')})`);
  return { tensor: { data, shape }, picture: tensorToImage({ data, shape }, spec) };
}

/** Image size, channels and layout from a model's input shape: [1,C,H,W] (C = 1 or 3) or [1,H,W,C]. */
function specFromShape(shape: readonly (number | string | null)[] | null | undefined, name: string): ImageInputSpec {
  const dims = (shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : null));
  if (dims.length !== 4)
    throw new ModelInputError(
      `${name}: the playground explains image models with a [1, C, H, W] or [1, H, W, C] input; this one has shape [${(shape ?? []).join(', ')}]`,
    );
  const [, a, b, c] = dims;
  const nchw = a === 1 || a === 3;
  const [channels, height, width] = nchw ? [a, b, c] : [c, a, b];
  if ((channels !== 1 && channels !== 3) || height === null || width === null || height === undefined || width === undefined) {
    throw new ModelInputError(`${name}: cannot read an image size and 1 or 3 channels from the input shape [${(shape ?? []).join(', ')}]`);
  }
  return { width, height, channels, layout: nchw ? 'nchw' : 'nhwc', mean: [0, 0, 0], std: [1, 1, 1] };
}

/** A user's model from dropped files: one `.onnx`, or `model.json` and its weight files. */
export async function droppedModel(files: readonly File[]): Promise<{ source: ModelSource; model: ImageModel } | undefined> {
  const onnxFile = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  const jsonFile = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (onnxFile !== undefined) {
    const bytes = await onnxFile.arrayBuffer();
    const { inspect } = await import('@ig/onnx');
    let shape: readonly (number | string | null)[] | null | undefined;
    try {
      shape = inspect(new Uint8Array(bytes)).inputs[0]?.shape;
    } catch (error) {
      throw new ModelInputError(`${onnxFile.name} is not a readable ONNX model: ${(error as Error).message}`);
    }
    const input = specFromShape(shape, onnxFile.name);
    return { source: { format: 'onnx', name: onnxFile.name, bytes }, model: userModel(onnxFile.name, ORT_ENGINES, input) };
  }
  if (jsonFile === undefined) return undefined;
  const modelJson = await jsonFile.text();
  let batchShape: (number | null)[] | undefined;
  try {
    const topology = (JSON.parse(modelJson) as { modelTopology?: { config?: { layers?: { config?: { batch_input_shape?: (number | null)[] } }[] } } })
      .modelTopology;
    batchShape = topology?.config?.layers?.[0]?.config?.batch_input_shape;
  } catch (error) {
    throw new ModelInputError(`${jsonFile.name} is not valid JSON: ${(error as Error).message}`);
  }
  const input = specFromShape(
    batchShape?.map((d, i) => (i === 0 ? 1 : d)),
    jsonFile.name,
  );
  const weights = await Promise.all(files.filter((f) => f !== jsonFile).map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  return { source: { format: 'tfjs-layers', name: jsonFile.name, modelJson, weights }, model: userModel(jsonFile.name, TFJS_ENGINES, input) };
}

function userModel(name: string, engines: ImageModel['engines'], input: ImageInputSpec): ImageModel {
  return { id: `user:${name}`, label: `${name} (yours)`, kind: 'image', engines, labels: null, files: { format: 'onnx', url: '' }, input, samples: [] };
}
