import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPathWorkspace } from '../src/path-workspaces.js';
import { disableWasmPathKernels, enableWasmPathKernels } from '../src/wasm/index.js';
import { gradientBufferCases } from './helpers/gradient-buffer-cases.js';

describe('gradient buffers offered to the backend (WebAssembly SIMD workspace, switched on through @ig/core/wasm)', () => {
  beforeAll(() => {
    expect(enableWasmPathKernels()).toBe(true);
  });
  afterAll(() => disableWasmPathKernels());

  it('runs on the WebAssembly SIMD workspace here', () => {
    const workspace = createPathWorkspace([3], 2);
    expect(workspace.kind).toBe('wasm-simd');
    workspace.release();
  });
  gradientBufferCases();
});
