/**
 * `@ig/core/wasm`: opt-in WebAssembly SIMD for the straight-path loops (writing each path point,
 * adding its weighted gradient into the path's sum). The core runs plain loops unless this entry
 * point switches the kernels on: they act only where a backend has no fused `integrate` (or with
 * `steps: 'auto'`), and there they save 0.5–2% of an IG-50 run on GoogLeNet, ResNet-18 and
 * MobileNetV2 (apps/bench `bench:path-kernels`).
 */
import { setPathWorkspaceFactory } from '../path-workspaces.js';
import { createWasmPathWorkspace, wasmKernelsAvailable } from './path-workspace.js';

/** WebAssembly SIMD path loops for later calls; false (and plain loops) where the engine lacks WebAssembly SIMD. */
export function enableWasmPathKernels(): boolean {
  if (!wasmKernelsAvailable()) return false;
  setPathWorkspaceFactory(createWasmPathWorkspace);
  return true;
}

/** Plain path loops for later calls (the default). */
export function disableWasmPathKernels(): void {
  setPathWorkspaceFactory(null);
}
