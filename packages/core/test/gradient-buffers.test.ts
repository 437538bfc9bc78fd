import { describe, expect, it } from 'vitest';
import { acquirePathWorkspace, releasePathWorkspace } from '../src/path-workspace.js';
import { gradientBufferCases } from './helpers/gradient-buffer-cases.js';

describe('gradient buffers offered to the backend (WebAssembly SIMD workspace)', () => {
  it('runs on the WebAssembly SIMD workspace here', () => {
    const workspace = acquirePathWorkspace([3], 2);
    expect(workspace.kind).toBe('wasm-simd');
    releasePathWorkspace(workspace, [3], 2);
  });
  gradientBufferCases();
});
