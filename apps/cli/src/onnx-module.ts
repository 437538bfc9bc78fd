import type { GradientBackend, LayerSplit } from '@ig/core';
import { CliError } from './errors.js';

/** What `inspect` reports about a model (the fields the CLI prints). */
export interface OnnxModelSummary {
  readonly inputs: readonly { readonly name: string; readonly type: string; readonly shape: readonly (number | string | null)[] | null }[];
  readonly outputs: readonly { readonly name: string; readonly type: string; readonly shape: readonly (number | string | null)[] | null }[];
  readonly [field: string]: unknown;
}

/**
 * The parts of @ig/onnx's Node entry point the CLI calls. Declared here and loaded lazily, so
 * commands for TensorFlow.js models never load onnxruntime.
 */
export interface OnnxNodeModule {
  onnxBackend(
    model: Uint8Array,
    options?: OnnxSessionChoice & { readonly output?: string; readonly graphCache?: GraphCacheHandle; readonly onWarning?: (message: string) => void },
  ): Promise<GradientBackend & { readonly executionProvider: string; readonly inputNames: readonly string[]; readonly outputName: string; readonly stats: EngineStats }>;
  inspect(model: Uint8Array): OnnxModelSummary;
  /** The model split at the intermediate tensor `layer` (the core's layer contract). */
  onnxLayerBackend(model: Uint8Array, layer: string, options?: OnnxSessionChoice): Promise<OnnxLayerBackend>;
  buildGradientModel(
    model: Uint8Array,
    options?: { readonly inputs?: readonly string[]; readonly output?: string; readonly facts?: object },
  ): { readonly model: object; readonly gradients: ReadonlyMap<string, string> };
  buildFusedModel(model: Uint8Array, options: { readonly steps: number; readonly output?: string; readonly facts?: object }): { readonly model: object };
  encodeModel(model: object): Uint8Array;
  /** Runs the model once on `feeds` and records every tensor's shape (the gradient graph is static). */
  inferShapes(runtime: OnnxRuntime, model: Uint8Array, feeds: Record<string, unknown>): Promise<object>;
  readonly runtime: OnnxRuntime;
}

/** A graph cache made by `@ig/onnx/cache`, handed to the backend as it is. */
export type GraphCacheHandle = object;

/** `@ig/onnx/cache`: the file-backed graph cache (Node only; it loads no onnxruntime). */
export interface OnnxCacheModule {
  fileGraphCache(options: { readonly dir: string; readonly onWarning?: (message: string) => void }): GraphCacheHandle;
  defaultCacheDir(): string;
}

/** Where the ONNX backend's time went (seconds by phase) and how it used the graph cache. */
export interface EngineStats {
  readonly seconds: { readonly load: number; readonly build: number; readonly session: number; readonly compute: number };
  readonly cache: { readonly hits: number; readonly misses: number; readonly rejected: number };
}

export interface OnnxSessionChoice {
  readonly executionProviders?: readonly string[];
  /** onnxruntime session options (@ig/onnx creates sessions at log severity 4 unless told otherwise). */
  readonly sessionOptions?: { readonly logSeverityLevel?: number };
}

export interface OnnxLayerBackend extends LayerSplit {
  dispose(): Promise<void>;
}

/** The onnxruntime module @ig/onnx runs on. */
export interface OnnxRuntime {
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
  /** Process-wide settings; `logLevel` applies to sessions created afterwards. */
  readonly env?: { logLevel?: string };
}

/**
 * `@ig/onnx/node` (onnxruntime-node: cpu, cuda, webgpu where built in), or with `wasm` the
 * `@ig/onnx/web` entry point, whose onnxruntime-web also runs in Node on WebAssembly.
 */
export async function importOnnx(provider = 'cpu'): Promise<OnnxNodeModule> {
  const specifier = provider === 'wasm' ? '@ig/onnx/web' : '@ig/onnx/node';
  try {
    const module = (await import(specifier)) as OnnxNodeModule;
    // onnxruntime prints its own warnings and errors on stderr; the CLI reports failures itself.
    if (module.runtime.env) module.runtime.env.logLevel = 'fatal';
    return module;
  } catch (error) {
    throw new CliError(`the ONNX engine (@ig/onnx) could not be loaded: ${(error as Error).message.split('\n')[0]}; build it with pnpm build`);
  }
}
