/**
 * `@ig/core/wasm`: the switch for the straight-path loops (writing each path point, adding its
 * weighted gradient into the path's sum). They run in WebAssembly SIMD by default wherever the
 * engine has it, and in plain loops otherwise. Only runs whose backend has no fused `integrate`
 * (or `steps: 'auto'`) use them; apps/bench `bench:path-kernels` measures both in one process.
 */
import { useWasmPathKernels } from '../path-workspaces.js';

/** WebAssembly SIMD path loops for later calls (the default); false where the engine lacks WebAssembly SIMD. */
export function enableWasmPathKernels(): boolean {
  return useWasmPathKernels(true);
}

/** Plain path loops for later calls. */
export function disableWasmPathKernels(): void {
  useWasmPathKernels(false);
}
