/** Model files and inputs on the page's side: bundled assets, dropped models, images and .npy. */
import type { RgbaImage } from '@ig/core';
import { decodeResized } from './image-client.js';
import { ModelInputError } from './errors.js';
import { imageToInput, tensorToImage, type ImageInputSpec } from './image.js';
import type { PlaygroundModel, Sample } from './models.js';
import { parseFloat32Npy } from './npy.js';
import type { ModelSource, PlainTensor } from './protocol.js';

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new ModelInputError(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

export async function modelSource(model: PlaygroundModel): Promise<ModelSource> {
  const files = model.files;
  if (files.format === 'dropped') return files.source;
  if (files.format === 'onnx') return { format: 'onnx', key: model.id, name: model.id, bytes: await fetchBytes(files.url) };
  const weights = await Promise.all(Object.entries(files.weights).map(async ([name, url]) => ({ name, bytes: await fetchBytes(url) })));
  return { format: 'tfjs-layers', key: model.id, name: model.id, modelJson: await (await fetch(files.modelJson)).text(), weights };
}

export interface PreparedInput {
  readonly tensor: PlainTensor;
  /** What the input view shows: the resized image, or the tensor drawn as an image. */
  readonly picture: RgbaImage;
}

export async function prepareInput(spec: ImageInputSpec, source: { readonly sample: Sample } | { readonly image: Blob }): Promise<PreparedInput> {
  if ('image' in source || source.sample.type === 'image') {
    const blob = 'image' in source ? source.image : await (await fetch(source.sample.url)).blob();
    const name = blob instanceof File ? blob.name : 'sample' in source ? source.sample.id : 'the pasted picture';
    // Already the model's size, so imageToInput's resize leaves it as it is.
    const image = await decodeResized(blob, name, spec.width, spec.height);
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
