import { PlainPathWorkspace, type PathWorkspace } from './path-workspace.js';

/** Builds the path loops' workspace for `batchSize` points of the given sizes; null: use the plain loops. */
export type PathWorkspaceFactory = (pointSizes: readonly number[], batchSize: number) => PathWorkspace | null;

let installed: PathWorkspaceFactory | null = null;

/**
 * Installs another implementation of the straight-path loops for later runs, or with null goes
 * back to the plain loops (the default). `@ig/core/wasm` installs its WebAssembly SIMD kernels.
 */
export function setPathWorkspaceFactory(factory: PathWorkspaceFactory | null): void {
  installed = factory;
}

export function createPathWorkspace(pointSizes: readonly number[], batchSize: number): PathWorkspace {
  return installed?.(pointSizes, batchSize) ?? new PlainPathWorkspace(pointSizes, batchSize);
}
