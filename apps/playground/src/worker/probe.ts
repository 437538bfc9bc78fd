/** Which engines this browser can run, and why the others cannot. */
import type { EngineAvailability } from '../protocol.js';
import { threadCount } from './threads.js';

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

async function webgpuReason(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (gpu === undefined) return 'this browser has no WebGPU (navigator.gpu); Chrome 113+ or a flag';
  try {
    return (await gpu.requestAdapter()) === null ? 'WebGPU is present but no GPU adapter was found' : undefined;
  } catch (error) {
    return `WebGPU failed: ${(error as Error).message}`;
  }
}

function webglReason(): string | undefined {
  if (typeof OffscreenCanvas === 'undefined') return 'no OffscreenCanvas in workers, so no WebGL in the worker';
  try {
    return new OffscreenCanvas(1, 1).getContext('webgl2') === null ? 'WebGL 2 is not available (disabled, or no GPU)' : undefined;
  } catch (error) {
    return `WebGL failed: ${(error as Error).message}`;
  }
}

export async function probeEngines(): Promise<EngineAvailability[]> {
  const threads = threadCount();
  const wasmNote = self.crossOriginIsolated
    ? `${threads} threads, SIMD`
    : '1 thread, SIMD: the page is not cross-origin isolated (serve it with COOP/COEP headers for threads)';
  const gpu = await webgpuReason();
  const gl = webglReason();
  const hasWasm = typeof WebAssembly === 'object';
  const entry = (engine: EngineAvailability['engine'], reason: string | undefined, note: string): EngineAvailability => ({
    engine,
    available: reason === undefined,
    note: reason ?? note,
  });
  return [
    entry('ort-wasm', hasWasm ? undefined : 'no WebAssembly', `onnxruntime-web wasm, ${wasmNote}`),
    entry('ort-webgpu', gpu, 'onnxruntime-web WebGPU'),
    entry('tfjs-webgl', gl, 'tfjs WebGL (fused path on the GPU)'),
    entry('tfjs-webgpu', gpu, 'tfjs WebGPU'),
    entry('tfjs-wasm', hasWasm ? undefined : 'no WebAssembly', 'tfjs wasm, 1 thread, SIMD'),
    entry('tfjs-cpu', undefined, 'tfjs plain JavaScript (slow)'),
  ];
}
