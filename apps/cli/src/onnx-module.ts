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
