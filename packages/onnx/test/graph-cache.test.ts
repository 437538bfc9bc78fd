import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { defaultCacheDir, fileGraphCache, onnxBackend, packageVersion } from '../src/node.js';
import { captumCase, expectCaptumParity, loadCase, modelBytes } from './helpers/captum.js';

const reference = captumCase('small_cnn/c0_gausslegendre_50');
const bytes = modelBytes(reference);
const { input, baseline } = loadCase(reference);

const folders: string[] = [];
function cacheFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ig-graph-cache-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** IG-50 on the small CNN through a fresh backend on `dir`: attributions, warnings and cache use. */
async function explain(dir: string, fused: boolean, version?: string, optimizedModels?: boolean) {
  const warnings: string[] = [];
  const onWarning = (message: string): void => void warnings.push(message);
  const custom = version !== undefined || optimizedModels !== undefined;
  const graphCache = fileGraphCache({
    dir,
    onWarning,
    ...(version === undefined ? {} : { version }),
    ...(optimizedModels === undefined ? {} : { optimizedModels }),
  });
  const backend = await onnxBackend(bytes, custom ? { fused, onWarning, graphCache } : { cacheDir: dir, fused, onWarning });
  const result = await integratedGradients(backend, tensor(input.data, input.shape), {
    baselines: tensor(baseline.data, baseline.shape),
    target: reference.target,
    steps: 50,
    method: 'gauss-legendre',
  });
  await backend.dispose();
  return { attributions: result.attributions[0]?.data as Float32Array, warnings, stats: backend.stats };
}

const entries = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.iggraph'));

describe('graph cache across backends', () => {
  for (const fused of [true, false]) {
    it(`${fused ? 'fused' : 'gradient'} graphs read from the cache give bit-identical attributions`, async () => {
      const dir = cacheFolder();
      const cold = await explain(dir, fused);
      expect(cold.stats.cache).toEqual({ hits: 0, misses: 1, rejected: 0 });
      // The built graph, onnxruntime's optimized model of it, and that of the model itself (the forward session's).
      expect(entries(dir)).toHaveLength(3);
      expectCaptumParity(reference, cold.attributions);
      const warm = await explain(dir, fused);
      expect(warm.stats.cache).toEqual({ hits: 1, misses: 0, rejected: 0 });
      expect(warm.stats.sessions.probe).toBe(0);
      expect(warm.warnings).toEqual([]);
      expect(Buffer.from(warm.attributions.buffer).equals(Buffer.from(cold.attributions.buffer))).toBe(true);
      // No temporary file is left behind.
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('truncated, bit-flipped and stale entries are each rebuilt with a warning', async () => {
    const dir = cacheFolder();
    const cold = await explain(dir, true);
    const good = new Map(entries(dir).map((name) => [name, readFileSync(join(dir, name))]));
    expect(good.size).toBe(3);
    const damages: [(path: string, bytes: Buffer) => void, RegExp][] = [
      [(path, bytes) => truncateSync(path, bytes.length - 1000), /corrupt \(\d+ bytes of content, the header says \d+\)/],
      [
        (path, bytes) => writeFileSync(path, Buffer.from(bytes).fill((bytes[bytes.length - 5] as number) ^ 1, bytes.length - 5, bytes.length - 4)),
        /corrupt \(checksum mismatch\)/,
      ],
      [(path) => writeFileSync(path, 'not a cache entry'), /corrupt \(no entry header\)/],
    ];
    for (const [damage, message] of damages) {
      for (const name of entries(dir)) damage(join(dir, name), readFileSync(join(dir, name)));
      const rebuilt = await explain(dir, true);
      expect(rebuilt.warnings).toHaveLength(3);
      for (const warning of rebuilt.warnings) expect(warning).toMatch(message);
      expect(rebuilt.warnings.map((w) => /entry (\S+) is/.exec(w)?.[1]).sort()).toEqual([...good.keys()].map((name) => join(dir, name)).sort());
      expect(rebuilt.stats.cache).toEqual({ hits: 0, misses: 1, rejected: 0 });
      expect(Buffer.from(rebuilt.attributions.buffer).equals(Buffer.from(cold.attributions.buffer))).toBe(true);
      // The rewritten entries are whole: the next backend reads both without a word. (onnxruntime's
      // optimized model is not byte-for-byte the same from one write to the next.)
      expect(entries(dir).sort()).toEqual([...good.keys()].sort());
      const again = await explain(dir, true);
      expect(again.warnings).toEqual([]);
      expect(again.stats.cache).toEqual({ hits: 1, misses: 0, rejected: 0 });
      expect(Buffer.from(again.attributions.buffer).equals(Buffer.from(cold.attributions.buffer))).toBe(true);
    }
    // Another build keeps entries of its own beside these: neither rebuilds the other's as stale.
    const otherVersion = await explain(dir, true, '@ig/onnx@0.0.0-other');
    expect(otherVersion.warnings).toEqual([]);
    expect(otherVersion.stats.cache).toEqual({ hits: 0, misses: 1, rejected: 0 });
    expect(Buffer.from(otherVersion.attributions.buffer).equals(Buffer.from(cold.attributions.buffer))).toBe(true);
    expect(entries(dir)).toHaveLength(6);
    const back = await explain(dir, true);
    expect(back.warnings).toEqual([]);
    expect(back.stats.cache).toEqual({ hits: 1, misses: 0, rejected: 0 });
    // An entry of another version under this one's name (copied by hand) is still refused.
    const mine = [...good.keys()][0] as string;
    const theirs = entries(dir).find((name) => !good.has(name) && name.split('.')[0] === mine.split('.')[0]) as string;
    expect(theirs).toBeDefined();
    writeFileSync(join(dir, mine), readFileSync(join(dir, theirs)));
    const refused = await explain(dir, true);
    expect(refused.warnings.some((w) => w.includes(`stale (written by @ig/onnx@0.0.0-other, this is ${packageVersion()})`))).toBe(true);
  });

  it('an optimized model onnxruntime cannot load (fused or forward) is dropped and the graph used', async () => {
    const dir = cacheFolder();
    const plain = await explain(dir, true, undefined, false);
    const [graphEntry] = entries(dir);
    expect(entries(dir)).toHaveLength(1);
    await explain(dir, true);
    const store = fileGraphCache({ dir });
    const optimized = entries(dir)
      .filter((name) => name !== graphEntry)
      .map((name) => name.replace(/\.[0-9a-f]{12}\.iggraph$/, ''));
    expect(optimized).toHaveLength(2);
    for (const key of optimized) {
      // A whole, well-formed entry whose model is no ONNX model at all.
      const stored = await store.read(key);
      const forward = stored?.meta === JSON.stringify({ kind: 'forward' });
      await store.write(key, { meta: stored?.meta ?? '', model: new Uint8Array([1, 2, 3, 4]) });
      const recovered = await explain(dir, true);
      expect(recovered.warnings).toEqual([]);
      // The fused graph's entries: both read (the optimized model, then the graph), or the optimized one alone.
      expect(recovered.stats.cache).toEqual({ hits: forward ? 1 : 2, misses: 0, rejected: 0 });
      expect(Buffer.from(recovered.attributions.buffer).equals(Buffer.from(plain.attributions.buffer))).toBe(true);
      // The bad file was replaced by onnxruntime's own again.
      expect(((await store.read(key))?.model.length ?? 0) > 4).toBe(true);
    }
  });

  it('an unwritable cache folder warns and still explains', async () => {
    const dir = cacheFolder();
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    const run = await explain(blocked, true);
    expect(run.warnings.length).toBeGreaterThanOrEqual(1);
    expect(run.warnings[0]).toMatch(/could not write graph cache entry/);
    expectCaptumParity(reference, run.attributions);
  });
});

describe('defaultCacheDir', () => {
  it('follows each platform convention', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u')).toBe('/x/cache/ig');
    expect(defaultCacheDir({}, 'linux', '/home/u')).toBe('/home/u/.cache/ig');
    // A relative XDG_CACHE_HOME is invalid per the XDG spec and ignored.
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'rel' }, 'linux', '/home/u')).toBe('/home/u/.cache/ig');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/ig');
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toMatch(
      /^C:\\Users\\u\\AppData\\Local[\\/]ig[\\/]cache$/,
    );
  });
});
