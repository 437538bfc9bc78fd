import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPathWorkspace } from '../src/path-workspaces.js';
import { disableWasmPathKernels, enableWasmPathKernels } from '../src/wasm/index.js';
import { gradientBufferCases } from './helpers/gradient-buffer-cases.js';

describe('by default: the plain-loop workspace', () => {
  it('uses plain loops', () => {
    const workspace = createPathWorkspace([3], 2);
    expect(workspace.kind).toBe('js');
    workspace.release();
  });
  gradientBufferCases();
});

// Each test file runs in its own module instance, so the kernel module is compiled (or not) here.
const globals = globalThis as { WebAssembly?: unknown };
const saved = globals.WebAssembly;

describe('without WebAssembly: the plain-loop workspace even when asked for the kernels', () => {
  beforeAll(() => {
    globals.WebAssembly = undefined;
  });
  afterAll(() => {
    globals.WebAssembly = saved;
    disableWasmPathKernels();
  });

  it('falls back to plain loops, and enableWasmPathKernels reports false', () => {
    expect(enableWasmPathKernels()).toBe(false);
    const workspace = createPathWorkspace([3], 2);
    expect(workspace.kind).toBe('js');
    workspace.release();
  });
  gradientBufferCases();
});
