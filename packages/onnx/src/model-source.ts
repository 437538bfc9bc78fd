import { IGError } from '@ig/core';
import type { onnx } from './proto/generated/onnx.js';
import { inlineExternalData, mayHaveExternalData, type ExternalDataReader } from './proto/external-data.js';

/**
 * Where `onnxBackend` reads a model from: bytes (`Uint8Array`, `ArrayBuffer`), a decoded
 * ModelProto, a URL (`URL` or an `http(s):`, `data:` or `blob:` string, fetched), or, in Node,
 * a file path (a string, or a `file:` URL). In a browser a string is a URL, relative to the page.
 */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer | onnx.IModelProto;

/** The model could not be read from where it was said to be: a missing file, a failed fetch, no bytes. */
export class ModelSourceError extends IGError {
  /** The path or URL as given. */
  readonly source: string;
  constructor(source: string, problem: string) {
    super('ONNX_MODEL_SOURCE', `model ${source}: ${problem}`);
    this.source = source;
  }
}

const FETCHED = /^(https?|data|blob):/i;

/** True for a string or URL that `fetch` reads (not a file path or a `file:` URL). */
export function isFetchable(source: string | URL): boolean {
  return FETCHED.test(typeof source === 'string' ? source : source.href);
}

export function nonEmpty(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes.length === 0) throw new ModelSourceError(source, 'is empty (0 bytes); expected an ONNX model (.onnx)');
  return bytes;
}

/** The model's bytes, or when they name external data files, the model with those files read in (see inlineExternalData). */
export async function withExternalData(bytes: Uint8Array, read: ExternalDataReader): Promise<Uint8Array | onnx.IModelProto> {
  return mayHaveExternalData(bytes) ? inlineExternalData(bytes, read) : bytes;
}

/** Fetches a model, and any external data files it names relative to its URL. */
export async function fetchModel(url: string | URL): Promise<Uint8Array | onnx.IModelProto> {
  const bytes = await fetchBytes(url);
  return withExternalData(bytes, (location) => fetchBytes(new URL(location, url)));
}

/** Fetches bytes; a network failure or an HTTP error status is a ModelSourceError naming the URL. */
async function fetchBytes(url: string | URL): Promise<Uint8Array> {
  const name = typeof url === 'string' ? url : url.href;
  if (typeof fetch !== 'function') throw new ModelSourceError(name, 'this runtime has no fetch; pass the model bytes instead');
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ModelSourceError(name, `could not be fetched (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new ModelSourceError(name, `could not be fetched: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  return nonEmpty(new Uint8Array(await response.arrayBuffer()), name);
}

/** Bytes or a ModelProto as they are; an ArrayBuffer viewed as bytes; anything else is not read here. */
export function inMemoryModel(source: ModelSource): Uint8Array | onnx.IModelProto | undefined {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source === 'string' || source instanceof URL) return undefined;
  if (typeof source === 'object' && source !== null) return source;
  throw new ModelSourceError(String(source), 'is not a model: give a path, a URL, bytes (Uint8Array or ArrayBuffer) or a ModelProto');
}

/** In a browser (or any runtime without a file system): strings and URLs are fetched. */
export async function readModelForWeb(source: ModelSource): Promise<Uint8Array | onnx.IModelProto> {
  return inMemoryModel(source) ?? fetchModel(source as string | URL);
}
