import type * as OnnxNode from '@ig/onnx/node';
import { CliError } from './errors.js';
import { importRuntime, MissingRuntimeError } from './engines/engine.js';
import type { RuntimeRequirement } from './engines/engine.js';

export type { EngineStats } from './engines/engine.js';

/**
 * What the CLI calls of @ig/onnx: the Node entry point's API without its file cache (that is
 * `@ig/onnx/cache`), which `@ig/onnx/web` provides as well.
 */
export type OnnxNodeModule = Omit<typeof OnnxNode, 'fileGraphCache' | 'defaultCacheDir' | 'packageVersion'>;

/** `@ig/onnx/cache`: the file-backed graph cache (Node only; it loads no onnxruntime). */
export type OnnxCacheModule = Pick<typeof OnnxNode, 'fileGraphCache' | 'defaultCacheDir'>;

const NODE_RUNTIME: RuntimeRequirement = {
  engine: 'the ONNX engine (.onnx models)',
  packages: ['onnxruntime-node'],
  note: '; ONNXRUNTIME_NODE_INSTALL=skip skips its download of CUDA libraries',
};
const WEB_RUNTIME: RuntimeRequirement = { engine: '--provider wasm (onnxruntime-web in Node)', packages: ['onnxruntime-web'] };

/**
 * `@ig/onnx/node` (onnxruntime-node: cpu, cuda, webgpu where built in), or with `wasm` the
 * `@ig/onnx/web` entry point, whose onnxruntime-web also runs in Node on WebAssembly. Loaded
 * lazily, so commands for TensorFlow.js models never need onnxruntime installed.
 */
export async function importOnnx(provider = 'cpu'): Promise<OnnxNodeModule> {
  let module: OnnxNodeModule;
  try {
    module =
      provider === 'wasm' ? await importRuntime(() => import('@ig/onnx/web'), WEB_RUNTIME) : await importRuntime(() => import('@ig/onnx/node'), NODE_RUNTIME);
  } catch (error) {
    if (error instanceof MissingRuntimeError) throw error;
    throw new CliError(`the ONNX engine (@ig/onnx) could not be loaded: ${(error as Error).message.split('\n')[0]}`);
  }
  // onnxruntime prints its own warnings and errors on stderr; the CLI reports failures itself.
  const env = module.runtime.env as { logLevel?: string } | undefined;
  if (env) env.logLevel = 'fatal';
  return module;
}

export async function importOnnxCache(): Promise<OnnxCacheModule> {
  return import('@ig/onnx/cache');
}

export interface GraphCacheChoice {
  /** A folder, true for the platform's default folder, false or undefined for none. */
  readonly cache?: string | boolean | undefined;
  readonly onWarning?: ((message: string) => void) | undefined;
  /** Receives what is not worth a warning. */
  readonly onDetail?: ((message: string) => void) | undefined;
}

/** The file graph cache that `--cache-dir` / `--no-cache` choose, and its folder; undefined for none. */
export async function graphCacheOf(choice: GraphCacheChoice): Promise<{ graphCache: ReturnType<OnnxCacheModule['fileGraphCache']>; dir: string } | undefined> {
  if (choice.cache === false || choice.cache === undefined) return undefined;
  const module = await importOnnxCache();
  const dir = choice.cache === true ? module.defaultCacheDir() : choice.cache;
  // A default folder that cannot be written (a read-only home) is not worth a warning; a named one is.
  const onWarning = (message: string): void => {
    if (choice.cache === true && message.startsWith('could not write')) choice.onDetail?.(message);
    else choice.onWarning?.(message);
  };
  return { graphCache: module.fileGraphCache({ dir, onWarning }), dir };
}
