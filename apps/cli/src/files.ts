import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, FileFormatError, UsageError } from './errors.js';
import { NpyFormatError, parseNpy } from './npy.js';
import type { NpyArray } from './npy.js';

/** Reads a file the user named, turning a missing or unreadable file into one clear line. */
export function readUserFile(path: string, what: string): Buffer {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UsageError(`${what} ${path} is a directory; pass a file`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} ${path} does not exist; check the path`);
    if (code === 'EACCES') throw new CliError(`${what} ${path} cannot be read (permission denied)`);
    throw new CliError(`${what} ${path} cannot be read: ${(error as Error).message}`);
  }
}

export function readNpyFile(path: string, what: string): NpyArray {
  const bytes = readUserFile(path, what);
  try {
    return parseNpy(bytes);
  } catch (error) {
    if (error instanceof NpyFormatError) throw new FileFormatError(path, error.message);
    throw error;
  }
}

/** Output files written by the current run; removed if the run fails. */
const pending = new Set<string>();

/**
 * Writes through a temporary file in the same folder and renames it into place, so a reader (or
 * a resumed batch) never sees a half-written file.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`cannot write ${path}: folder ${dirname(path)} does not exist`);
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** Writes an output of a single run: rolled back by `discardOutputs` when the run fails later. */
export function writeOutput(path: string, data: Uint8Array | string): void {
  writeFileAtomic(path, data);
  pending.add(path);
}

export function discardOutputs(): void {
  for (const path of pending) rmSync(path, { force: true });
  pending.clear();
}

export function keepOutputs(): void {
  pending.clear();
}
