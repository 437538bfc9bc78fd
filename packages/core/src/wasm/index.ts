/**
 * `@ig/core/wasm`: the straight-path loops (writing each path point, adding its weighted gradient
 * into the path's sum) in WebAssembly SIMD instead of plain loops. Opt-in: on an end-to-end IG run
 * of a real model these loops are a few percent of the time or less (see apps/bench,
 * `path-kernels-bench`); they matter only for very cheap backends with large inputs.
 */
import { setPathWorkspaceFactory, PlainPathWorkspace } from '../path-workspace.js';
import { createWasmPathWorkspace, wasmSimdAvailable } from './path-workspace.js';

/**
 * Runs the path loops of every later call in WebAssembly SIMD. Returns false, and changes
 * nothing, where the engine has no WebAssembly SIMD.
 */
export function enableWasmPathKernels(): boolean {
  if (!wasmSimdAvailable()) return false;
  setPathWorkspaceFactory((pointSizes, batchSize) => createWasmPathWorkspace(pointSizes, batchSize) ?? new PlainPathWorkspace(pointSizes, batchSize));
  return true;
}

/** Back to the plain loops for every later call. */
export function disableWasmPathKernels(): void {
  setPathWorkspaceFactory(null);
}
