import { PlainPathWorkspace, type PathWorkspace } from './path-workspace.js';
import { createWasmPathWorkspace, wasmKernelsAvailable } from './wasm/path-workspace.js';

let wasmKernels = true;

/**
 * Switches the path loops of later runs between WebAssembly SIMD (the default, where the engine
 * has it) and plain loops; returns whether the SIMD kernels are now in use.
 */
export function useWasmPathKernels(enabled: boolean): boolean {
  wasmKernels = enabled;
  return enabled && wasmKernelsAvailable();
}

/** A workspace for `batchSize` points of the given sizes: WebAssembly SIMD unless switched off or missing. */
export function createPathWorkspace(pointSizes: readonly number[], batchSize: number): PathWorkspace {
  return (wasmKernels ? createWasmPathWorkspace(pointSizes, batchSize) : null) ?? new PlainPathWorkspace(pointSizes, batchSize);
}
