import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Captum reference tree: README.md, manifest.json, integration_rules.json, models/, weights/, data/. */
export const CAPTUM_DIR = fileURLToPath(new URL('../captum/', import.meta.url));
/** Captum's other gradient methods on the same models: manifest.json and the attributions. */
export const CAPTUM_METHODS_DIR = fileURLToPath(new URL('../captum-methods/', import.meta.url));

/** Every method on models the Captum tree lacks (scripts/fixtures/make_method_sweep_references.py): references.json, .onnx, .npy. */
export const METHOD_SWEEP_DIR = fileURLToPath(new URL('../method-sweep/', import.meta.url));

/** A file of the Captum reference tree, e.g. captumPath('data', 'iris_mlp', 'input_batch3.npy') or a manifest's `data/…` path. */
export const captumPath = (...parts: string[]): string => join(CAPTUM_DIR, ...parts);

export type CaptumModel = 'iris_mlp' | 'small_cnn';

/** models/<model>.onnx. */
export const captumModelPath = (model: CaptumModel): string => captumPath('models', `${model}.onnx`);

export function captumModelBytes(model: CaptumModel): Uint8Array {
  return new Uint8Array(readFileSync(captumModelPath(model)));
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
