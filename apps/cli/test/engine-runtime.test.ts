import { describe, expect, it } from 'vitest';
import { importRuntime, MissingRuntimeError } from '../src/engines/engine.js';
import { CliError } from '../src/errors.js';

const requirement = { engine: 'the test engine', packages: ['ig-runtime-that-is-not-installed', 'another-runtime'] };

describe('importRuntime', () => {
  it('turns a missing runtime package into a MissingRuntimeError that says how to install it', async () => {
    // A real import of a package that is not installed: Node's own ERR_MODULE_NOT_FOUND.
    const specifier = 'ig-runtime-that-is-not-installed';
    const error = await importRuntime(() => import(specifier), requirement).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingRuntimeError);
    expect(error).toBeInstanceOf(CliError);
    expect((error as MissingRuntimeError).exitCode).toBe(1);
    expect((error as MissingRuntimeError).runtime).toBe('ig-runtime-that-is-not-installed');
    expect((error as Error).message).toBe(
      'the test engine needs ig-runtime-that-is-not-installed, which is not installed; add it beside @ig/cli: `npm install ig-runtime-that-is-not-installed another-runtime` (`npm install -g` for a global ig)',
    );
  });

  it('rethrows other failures, including a missing package the engine does not name', async () => {
    const specifier = 'some-unrelated-missing-package';
    const missing = await importRuntime(() => import(specifier), requirement).catch((e: unknown) => e);
    expect(missing).not.toBeInstanceOf(MissingRuntimeError);
    expect((missing as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
    const broken = new TypeError("cannot read 'ig-runtime-that-is-not-installed'");
    await expect(importRuntime(() => Promise.reject(broken), requirement)).rejects.toBe(broken);
  });

  it('returns the module when it loads', async () => {
    const path = await importRuntime(() => import('node:path'), requirement);
    expect(path.join('a', 'b')).toBe('a/b');
  });
});
