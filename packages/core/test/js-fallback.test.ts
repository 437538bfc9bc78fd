import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPathWorkspace } from '../src/path-workspace.js';
import { enableWasmPathKernels } from '../src/wasm/index.js';
import { gradientBufferCases } from './helpers/gradient-buffer-cases.js';

describe('the default workspace: plain loops', () => {
  it('is the plain-loop workspace unless @ig/core/wasm enables the kernels', () => {
    const workspace = createPathWorkspace([3], 2);
    expect(workspace.kind).toBe('js');
    workspace.release();
  });
  gradientBufferCases();
});

// Each test file runs in its own module instance, so the kernel module is compiled (or not) here.
const globals = globalThis as { WebAssembly?: unknown };
const saved = globals.WebAssembly;

describe('without WebAssembly', () => {
  beforeAll(() => {
    globals.WebAssembly = undefined;
  });
  afterAll(() => {
    globals.WebAssembly = saved;
  });

  it('enableWasmPathKernels reports false and the plain loops stay', () => {
    expect(enableWasmPathKernels()).toBe(false);
    const workspace = createPathWorkspace([3], 2);
    expect(workspace.kind).toBe('js');
    workspace.release();
  });
});
