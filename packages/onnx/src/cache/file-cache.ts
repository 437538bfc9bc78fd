/// <reference types="node" />
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CachedGraph, GraphCache } from './graph-cache.js';

const MAGIC = 'IGGRAPH1\n';

interface EntryHeader {
  readonly key: string;
  readonly version: string;
  readonly metaBytes: number;
  readonly modelBytes: number;
  readonly sha256: string;
}

export interface FileGraphCacheOptions {
  /** The folder entries live in; created on the first write. */
  readonly dir: string;
  /** Receives a line for each entry found stale or corrupt, and for a failed write; default none (the library prints nothing). */
  readonly onWarning?: (message: string) => void;
  /** Stored in each entry; an entry of another version is stale. Default: this package's version. */
  readonly version?: string;
  /** Also keep onnxruntime's optimized model of each session (see optimizedKey); default true. */
  readonly optimizedModels?: boolean;
}

let cachedVersion: string | undefined;

/**
 * This package's version and a digest of its code (every module of its src/ or dist/ folder), e.g.
 * `@ig/onnx@0.4.0+3f2a…`: entries written by another release or another build are stale, so a
 * change to a gradient rule never meets a graph built before it.
 */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  // This module sits in cache/ of the package's src/ or dist/ folder: the code is that folder.
  const code = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { version } = JSON.parse(readFileSync(join(code, '..', 'package.json'), 'utf8')) as { version: string };
  const hash = createHash('sha256');
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) hash.update(entry.name).update(readFileSync(path));
    }
  };
  visit(code);
  cachedVersion = `@ig/onnx@${version}+${hash.digest('hex').slice(0, 16)}`;
  return cachedVersion;
}

/**
 * The platform's cache folder for ig: `$XDG_CACHE_HOME/ig` or `~/.cache/ig` on Linux and other
 * Unixes, `~/Library/Caches/ig` on macOS, `%LOCALAPPDATA%\ig\cache` on Windows.
 */
export function defaultCacheDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: string = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'ig', 'cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'ig');
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.cache'), 'ig');
}

const sha256 = (...parts: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

/**
 * The file's bytes in one read where the system allows: fs/promises' readFile reads 512 KiB at a
 * time, one thread-pool round trip each, on entries of tens of MiB (the optimized model of a
 * ResNet-18 fused graph is 91 MB).
 */
async function readWhole(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // A file cut short while being read reads as what it had: the size check rejects it.
    return filled === size ? buffer : buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * A GraphCache in a folder: one file per entry, `<key>.<version digest>.iggraph`, holding a header (key, package
 * version, sizes, SHA-256 of the contents) and the metadata and model bytes. Writes go to a
 * temporary file renamed into place, so a reader sees a whole entry or none; an entry whose
 * header, size or checksum does not match is reported, deleted and treated as absent.
 */
export function fileGraphCache(options: FileGraphCacheOptions): GraphCache {
  const { dir } = options;
  const warn = options.onWarning ?? ((): void => undefined);
  const version = options.version ?? packageVersion();
  // The version is in the name too: builds sharing a folder keep their own entries instead of
  // rebuilding each other's as stale.
  const versionTag = sha256(Buffer.from(version, 'utf8')).slice(0, 12);
  const pathOf = (key: string): string => join(dir, `${key}.${versionTag}.iggraph`);

  const reject = async (path: string, reason: string): Promise<undefined> => {
    warn(`graph cache entry ${path} is ${reason}; rebuilding it`);
    await rm(path, { force: true }).catch(() => undefined);
    return undefined;
  };

  const read = async (key: string): Promise<CachedGraph | undefined> => {
    const path = pathOf(key);
    let file: Buffer;
    try {
      file = await readWhole(path);
    } catch {
      return undefined;
    }
    const magic = Buffer.from(MAGIC, 'latin1');
    const newline = file.indexOf(0x0a, magic.length);
    if (!file.subarray(0, magic.length).equals(magic) || newline < 0) return reject(path, 'corrupt (no entry header)');
    let header: EntryHeader;
    try {
      header = JSON.parse(file.subarray(magic.length, newline).toString('utf8')) as EntryHeader;
    } catch {
      return reject(path, 'corrupt (unreadable entry header)');
    }
    if (header.version !== version) return reject(path, `stale (written by ${String(header.version)}, this is ${version})`);
    if (header.key !== key) return reject(path, 'stale (written for another key)');
    const body = file.subarray(newline + 1);
    if (!Number.isSafeInteger(header.metaBytes) || !Number.isSafeInteger(header.modelBytes) || body.length !== header.metaBytes + header.modelBytes) {
      return reject(path, `corrupt (${body.length} bytes of content, the header says ${header.metaBytes + header.modelBytes})`);
    }
    if (sha256(body) !== header.sha256) return reject(path, 'corrupt (checksum mismatch)');
    const meta = body.subarray(0, header.metaBytes).toString('utf8');
    const model = new Uint8Array(body.buffer, body.byteOffset + header.metaBytes, header.modelBytes);
    return { meta, model };
  };

  const write = async (key: string, entry: CachedGraph): Promise<void> => {
    const path = pathOf(key);
    const meta = Buffer.from(entry.meta, 'utf8');
    const header: EntryHeader = { key, version, metaBytes: meta.length, modelBytes: entry.model.length, sha256: sha256(meta, entry.model) };
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(temporary, Buffer.concat([Buffer.from(MAGIC, 'latin1'), Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), meta, entry.model]));
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      warn(`could not write graph cache entry ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const scratchPath = (key: string): string => {
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      // The write that follows fails and is reported.
    }
    return `${pathOf(key)}.${process.pid}.${randomBytes(4).toString('hex')}.ort.tmp`;
  };

  const adopt = async (key: string, path: string, meta: string): Promise<void> => {
    try {
      await write(key, { meta, model: await readFile(path) });
    } catch (error) {
      warn(`could not store onnxruntime's optimized model ${path}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await rm(path, { force: true }).catch(() => undefined);
    }
  };

  return {
    digest: (bytes) => Promise.resolve(sha256(bytes)),
    ...(options.optimizedModels === false ? {} : { machine: `${process.platform}-${process.arch}-${cpus()[0]?.model ?? 'unknown cpu'}`, scratchPath, adopt }),
    read,
    write,
    remove: async (key) => {
      await rm(pathOf(key), { force: true }).catch(() => undefined);
    },
  };
}
