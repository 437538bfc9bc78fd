import type { ContextualDecomposition, GradientBackend, IntegratedGradientsOptions, PathReport, Tensor } from '@ig/core';
import { FileFormatError, UsageError } from './errors.js';
import { readUserFile } from './files.js';
import type { EngineStats } from './onnx-module.js';

export type Provider = 'cpu' | 'cuda' | 'webgpu' | 'wasm';
export const PROVIDERS: readonly Provider[] = ['cpu', 'cuda', 'webgpu', 'wasm'];

export interface LoadOptions {
  readonly provider?: Provider;
  /** Attribute to this intermediate tensor (ONNX) or layer (TensorFlow.js layers model) instead of the input. */
  readonly layer?: string;
  /** No warnings (e.g. about a large graph) on stderr. */
  readonly quiet?: boolean;
  /** ONNX graph cache: a folder, true for the platform's default folder, false for none. */
  readonly cache?: string | boolean;
  /** The model output explained, by name (--output); undefined: the first. */
  readonly output?: string;
  /** Receives the engine's warnings (e.g. a corrupt cache entry rebuilt). */
  readonly onWarning?: (message: string) => void;
  /** Receives diagnostics shown with --verbose only. */
  readonly onDetail?: (message: string) => void;
}

export interface ModelInput {
  readonly name: string;
  readonly shape: readonly (number | null)[] | null;
}

/** A model behind the one interface the commands use, whichever engine runs it. */
export interface LoadedModel {
  readonly backend: GradientBackend;
  readonly engine: 'onnx' | 'tfjs';
  readonly provider: Provider;
  /** The first input's shape with the batch axis; null entries are dimensions the model leaves open. */
  readonly inputShape: readonly (number | null)[] | null;
  /** Every input the gradients are taken for, in the order the backend takes them, with its shape (batch axis first). */
  readonly inputs?: readonly ModelInput[];
  /** The explained output's declared shape (batch axis first; null: not declared or dynamic), when the engine knows it. */
  readonly outputShape?: readonly (number | null)[] | null;
  /** Set when --layer named a layer: attributions to that layer's output instead of the input. */
  readonly layerAttribution?: LayerAttribution;
  /** Contextual decomposition of a TensorFlow.js Sequential layers model (ONNX models build theirs from the file). */
  readonly decomposition?: () => ContextualDecomposition;
  /** The engine's own account of its time and cache use, where it keeps one (ONNX). */
  readonly stats?: EngineStats;
  /** The graph cache folder in use; undefined when none. */
  readonly cacheDir?: string;
  dispose(): Promise<void>;
}

/** Integrated Gradients to a layer's output; the baseline is given in input space. */
export type LayerAttribution = (
  input: Tensor,
  options: Omit<IntegratedGradientsOptions, 'baselines'> & { readonly baselines: number | Tensor },
) => Promise<{ readonly attributions: Tensor; readonly reports: readonly PathReport[] }>;

export function engineOf(path: string): 'onnx' | 'tfjs' {
  if (/\.onnx$/i.test(path)) return 'onnx';
  if (/\.json$/i.test(path)) return 'tfjs';
  throw new UsageError(`--model ${path}: expected an .onnx file or a TensorFlow.js model.json`);
}

export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const engine = engineOf(path);
  const { loadEngineModel } = engine === 'onnx' ? await import('./engines/onnx.js') : await import('./engines/tfjs.js');
  return loadEngineModel(path, options);
}

/** Class names, one per line (or a JSON array), for --labels. */
export function readLabels(path: string): string[] {
  const text = readUserFile(path, 'labels file').toString('utf8').trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (error) {
      throw new FileFormatError(path, `not a valid JSON labels file: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed) && parsed.every((l) => typeof l === 'string')) return parsed as string[];
    throw new FileFormatError(path, 'a JSON labels file must be an array of strings');
  }
  return text.split(/\r?\n/).map((l) => l.trim());
}
