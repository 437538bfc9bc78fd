import { existsSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captumPath } from '@ig/test-fixtures';
import { captumCases, expectMatchesCaptum, type CaptumCase } from './captum.js';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

const c = captumCases.find((k) => k.id === 'small_cnn/c2_gausslegendre_50') as CaptumCase;
const model = fixture('..', '..', 'assets', 'small_cnn.onnx');

interface Report {
  readonly time: {
    startSeconds: number;
    loadSeconds: number;
    buildSeconds: number;
    sessionSeconds: number;
    computeSeconds: number;
    otherSeconds: number;
    totalSeconds: number;
    cache?: { dir: string | null; hits: number; misses: number };
    sessions?: { forward: number; gradient: number; fused: number; probe: number };
  };
  readonly examples?: readonly { fInput: number; fBaseline: number; delta: number; relativeError: number }[];
}

function explain(dir: string, name: string, flags: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const out = join(dir, `${name}.npy`);
  const json = join(dir, `${name}.json`);
  const run = ig(
    [
      'explain',
      '--model',
      model,
      '--input',
      captumPath(c.input_file),
      '--baseline',
      captumPath(c.baseline_file),
      '--target',
      String(c.target),
      '--steps',
      '50',
      '--out',
      out,
      '--json',
      json,
      ...flags,
    ],
    { env },
  );
  expect(run.code, run.stderr).toBe(0);
  return { run, bytes: readFileSync(out), report: JSON.parse(readFileSync(json, 'utf8')) as Report };
}

const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.iggraph')) : []);

describe('ig explain graph cache', () => {
  it('--cache-dir: the second run reads the graph and gives the same bytes', () => {
    const dir = tempDir('cache');
    const cache = join(dir, 'graphs');
    const cold = explain(dir, 'cold', ['--cache-dir', cache, '--quiet']);
    expect(cold.report.time.cache).toEqual({ dir: cache, hits: 0, misses: 1 });
    // The built graph, onnxruntime's optimized model of it, and that of the model itself (the forward session's).
    expect(entries(cache)).toHaveLength(3);
    expectMatchesCaptum(readFloat32Npy(join(dir, 'cold.npy')), c, 'onnx');
    const warm = explain(dir, 'warm', ['--cache-dir', cache, '--quiet']);
    expect(warm.report.time.cache).toEqual({ dir: cache, hits: 1, misses: 0 });
    // One forward and one fused session (both from onnxruntime's stored optimized models), no probe.
    expect(warm.report.time.sessions).toEqual({ forward: 1, gradient: 0, fused: 1, probe: 0 });
    expect(warm.bytes.equals(cold.bytes)).toBe(true);
    const uncached = explain(dir, 'uncached', ['--no-cache', '--quiet']);
    expect(uncached.bytes.equals(cold.bytes)).toBe(true);
    // F(x), F(x') and the completeness gap to the bit, per example, as without a cache.
    expect(warm.report.examples).toEqual(uncached.report.examples);
    expect(warm.report.examples?.length).toBe(1);
  });

  it('uses $XDG_CACHE_HOME/ig by default, and nothing with --no-cache', () => {
    const dir = tempDir('xdg');
    const xdg = join(dir, 'xdg');
    explain(dir, 'none', ['--no-cache', '--quiet'], { XDG_CACHE_HOME: xdg });
    // (onnxruntime keeps its own files under $XDG_CACHE_HOME; ig's folder must not appear.)
    expect(existsSync(join(xdg, 'ig'))).toBe(false);
    const run = explain(dir, 'default', ['--quiet'], { XDG_CACHE_HOME: xdg });
    expect(run.report.time.cache?.dir).toBe(join(xdg, 'ig'));
    expect(entries(join(xdg, 'ig'))).toHaveLength(3);
  });

  it('truncated entries are rebuilt with a warning and the same result', () => {
    const dir = tempDir('corrupt');
    const cache = join(dir, 'graphs');
    const cold = explain(dir, 'cold', ['--cache-dir', cache, '--quiet']);
    const damaged = entries(cache).map((name) => join(cache, name));
    for (const path of damaged) truncateSync(path, 100);
    const rebuilt = explain(dir, 'rebuilt', ['--cache-dir', cache]);
    const cacheLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.includes('graph cache'));
    expect(cacheLines(rebuilt.run.stderr).sort()).toEqual(
      damaged.map((path) => `warning: graph cache entry ${path} is corrupt (no entry header); rebuilding it`).sort(),
    );
    expect(rebuilt.report.time.cache).toEqual({ dir: cache, hits: 0, misses: 1 });
    expect(rebuilt.bytes.equals(cold.bytes)).toBe(true);
    expect(cacheLines(explain(dir, 'again', ['--cache-dir', cache]).run.stderr)).toEqual([]);
  });

  it('--verbose prints the time breakdown, which adds up to the total', () => {
    const dir = tempDir('verbose');
    const { run, report } = explain(dir, 'v', ['--cache-dir', join(dir, 'graphs'), '--verbose']);
    expect(run.stderr).toMatch(
      /^time: start [\d.]+ s, load [\d.]+ s, build [\d.]+ s, sessions [\d.]+ s, compute [\d.]+ s, other [\d.]+ s, total [\d.]+ s; graph cache .*: 0 read, 1 built$/m,
    );
    const t = report.time;
    for (const part of [t.startSeconds, t.loadSeconds, t.buildSeconds, t.sessionSeconds, t.computeSeconds, t.otherSeconds])
      expect(part).toBeGreaterThanOrEqual(0);
    expect(t.buildSeconds).toBeGreaterThan(0);
    expect(t.sessionSeconds).toBeGreaterThan(0);
    expect(t.computeSeconds).toBeGreaterThan(0);
    // other is the remainder: the parts add up to the total (to rounding).
    expect(Math.abs(t.startSeconds + t.loadSeconds + t.buildSeconds + t.sessionSeconds + t.computeSeconds + t.otherSeconds - t.totalSeconds)).toBeLessThan(
      1e-9,
    );
  });
});
