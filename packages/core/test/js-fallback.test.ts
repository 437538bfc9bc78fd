import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirePathWorkspace, releasePathWorkspace } from '../src/path-workspace.js';
import { gradientBufferCases } from './helpers/gradient-buffer-cases.js';

// Each test file runs in its own module instance, so the kernel module is compiled (or not) here.
const globals = globalThis as { WebAssembly?: unknown };
const saved = globals.WebAssembly;

describe('without WebAssembly: the plain-loop workspace', () => {
  beforeAll(() => {
    globals.WebAssembly = undefined;
  });
  afterAll(() => {
    globals.WebAssembly = saved;
  });

  it('falls back to plain loops', () => {
    const workspace = acquirePathWorkspace([3], 2);
    expect(workspace.kind).toBe('js');
    releasePathWorkspace(workspace, [3], 2);
  });
  gradientBufferCases();
});
