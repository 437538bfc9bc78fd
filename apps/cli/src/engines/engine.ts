import type { ContextualDecomposition, GradientBackend, LayerSplit } from '@ig/core';
import type { OnnxBackendStats } from '@ig/onnx';
import { CliError } from '../errors.js';

/**
 * The one contract between the commands and a model engine (ONNX through @ig/onnx, TensorFlow.js
 * through @ig/tfjs). Each engine module exports `engine`; it is imported only when a model needs
 * it, so a command never loads a runtime it does not use and one engine runs without the other
 * installed.
 */
export interface Engine {
  readonly name: EngineName;
  load(path: string, options: LoadOptions): Promise<LoadedModel>;
}

export type EngineName = 'onnx' | 'tfjs';
export type Provider = 'cpu' | 'cuda' | 'webgpu' | 'wasm';
export const PROVIDERS: readonly Provider[] = ['cpu', 'cuda', 'webgpu', 'wasm'];

/** Where the ONNX backend's time went (seconds by phase) and how it used the graph cache. */
export type EngineStats = OnnxBackendStats;

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
  /** Values of the inputs that are not attributed (ONNX, --context-input): one row, or one per example. */
  readonly context?: ContextValues;
  /** Receives the engine's warnings (e.g. a corrupt cache entry rebuilt). */
  readonly onWarning?: (message: string) => void;
  /** Receives diagnostics shown with --verbose only. */
  readonly onDetail?: (message: string) => void;
}

/** Input name → one example's value (batch axis first, `[1, ...]`), fed with every example. */
export type ContextValues = Readonly<
  Record<string, { readonly data: BigInt64Array | Int32Array | Uint8Array | Float32Array; readonly shape: readonly number[] }>
>;

export interface ModelInput {
  readonly name: string;
  readonly shape: readonly (number | null)[] | null;
}

/** A model behind the one interface the commands use, whichever engine runs it. */
export interface LoadedModel {
  readonly backend: GradientBackend;
  readonly engine: EngineName;
  readonly provider: Provider;
  /** The first input's shape with the batch axis; null entries are dimensions the model leaves open. */
  readonly inputShape: readonly (number | null)[] | null;
  /** Every input the gradients are taken for, in the order the backend takes them, with its shape (batch axis first). */
  readonly inputs?: readonly ModelInput[];
  /** The explained output's declared shape (batch axis first; null: not declared or dynamic), when the engine knows it. */
  readonly outputShape?: readonly (number | null)[] | null;
  /** Set when --layer named a layer: the model split there, for attributions to that layer's output. */
  readonly layerSplit?: LayerSplit;
  /** Contextual decomposition of a TensorFlow.js Sequential layers model (ONNX models build theirs from the file). */
  readonly decomposition?: () => ContextualDecomposition;
  /** The engine's own account of its time and cache use, where it keeps one (ONNX). */
  readonly stats?: EngineStats;
  /** The graph cache folder in use; undefined when none. */
  readonly cacheDir?: string;
  /** The backend fed other values of the inputs held fixed, on the same sessions (ONNX). */
  readonly withContext?: (context: ContextValues) => GradientBackend;
  dispose(): Promise<void>;
}

/** An engine whose runtime package is not installed; the message says how to add it. */
export class MissingRuntimeError extends CliError {
  readonly runtime: string;
  constructor(engine: string, runtime: string, packages: readonly string[], note = '') {
    const install = `npm install ${packages.join(' ')}`;
    super(`${engine} needs ${runtime}, which is not installed; add it beside @ig/cli: \`${install}\` (\`npm install -g\` for a global ig)${note}`);
    this.runtime = runtime;
  }
}

/** The runtime packages an engine imports, and how a user adds them. */
export interface RuntimeRequirement {
  /** Names the engine in the message, e.g. "the ONNX engine (.onnx models)". */
  readonly engine: string;
  /** Every package to install; an import failing on any of them is reported. */
  readonly packages: readonly string[];
  /** Said after the install command (e.g. how to skip a download). */
  readonly note?: string;
}

/**
 * Imports a runtime-backed module; a missing package of `requirement` becomes a
 * MissingRuntimeError naming it; any other failure is rethrown as it is.
 */
export async function importRuntime<T>(load: () => Promise<T>, requirement: RuntimeRequirement): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    const missing = requirement.packages.find((name) => message.includes(`'${name}'`) || message.includes(`"${name}"`));
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && missing !== undefined) {
      throw new MissingRuntimeError(requirement.engine, missing, requirement.packages, requirement.note);
    }
    throw error;
  }
}
