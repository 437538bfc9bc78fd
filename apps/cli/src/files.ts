import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, FileFormatError, UsageError } from './errors.js';
import { NpyFormatError, parseNpy } from './npy.js';
import { outputTarget, type OutputTarget } from './output-target.js';
import { OWNER } from './run-owner.js';
import { writeAllSync } from './stream-write.js';
import type { NpyArray } from './npy.js';

/** Reads a file the user named, turning a missing or unreadable file into one clear line. */
export function readUserFile(path: string, what: string, maxBytes = Number.POSITIVE_INFINITY): Buffer {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UsageError(`${what} ${path} is a directory; pass a file`);
    if (stat.size > maxBytes) throw new CliError(`${what} ${path} is ${stat.size} bytes, above the limit of ${maxBytes}; raise --max-input-mib if you mean it`);
    return readFileSync(path);
  } catch (error) {
    throw userFileError(error, path, what);
  }
}

/** A one-line error for a file the user named that could not be opened or read. */
export function userFileError(error: unknown, path: string, what: string): Error {
  if (error instanceof CliError || !(error instanceof Error)) return error as Error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  if (code === 'ENOENT') return new CliError(`${what} ${path} does not exist; check the path`);
  if (code === 'EACCES') return new CliError(`${what} ${path} cannot be read (permission denied)`);
  if (code === 'EISDIR') return new UsageError(`${what} ${path} is a directory; pass a file`);
  return new CliError(`${what} ${path} cannot be read: ${error.message}`);
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

/** A temporary `.<name>.<owner>.<random>.tmp` beside `path`; `<owner>` tells a later run whether its writer is gone. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${OWNER}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The owner written into a temporary's name by temporaryPath, or null for any other name. */
export function temporaryOwner(name: string): string | null {
  return /^\..+\.([0-9a-f]{8}-\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)?.[1] ?? null;
}

/**
 * Writes through a temporary file in the same folder and renames it into place, so a reader (or
 * a resumed batch) never sees a half-written file. A symbolic link is followed and the file it
 * leads to replaced; a FIFO, a device or /dev/stdout is written through in place. Returns the
 * file replaced, or null for one written in place.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): string | null {
  let target: OutputTarget;
  try {
    target = outputTarget(path);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${writeProblem(path, error as NodeJS.ErrnoException)}`);
  }
  if (target.kind === 'folder') throw new CliError(`cannot write ${path}: ${path} is a folder`);
  if (target.kind === 'stream') {
    try {
      if (target.fd === undefined) writeFileSync(path, data);
      else writeAllSync(target.fd, data);
    } catch (error) {
      throw new CliError(`cannot write ${path}: ${writeProblem(path, error as NodeJS.ErrnoException)}`);
    }
    return null;
  }
  const temp = temporaryPath(target.path);
  try {
    writeFileSync(temp, data);
    renameSync(temp, target.path);
  } catch (error) {
    removeQuietly(temp);
    throw new CliError(`cannot write ${path}: ${writeProblem(target.path, error as NodeJS.ErrnoException)}`);
  }
  return target.path;
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // the folder itself is missing or not a folder: nothing was written there
  }
}

/** Why a file cannot be written, in terms of the path the user gave (not the temporary file). */
function writeProblem(path: string, error: NodeJS.ErrnoException): string {
  const folder = dirname(path);
  switch (error.code) {
    case 'ENOENT':
      return `folder ${folder} does not exist`;
    case 'ENOTDIR':
      return `${folder} is not a folder`;
    case 'EISDIR':
      return `${path} is a folder`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${folder}`;
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return error.message.split('\n')[0] ?? String(error.code);
  }
}

/** Writes an output of a single run: rolled back by `discardOutputs` when the run fails later. */
export function writeOutput(path: string, data: Uint8Array | string): void {
  const replaced = writeFileAtomic(path, data);
  if (replaced !== null) pending.add(replaced);
}

export function discardOutputs(): void {
  for (const path of pending) rmSync(path, { force: true });
  pending.clear();
}

export function keepOutputs(): void {
  pending.clear();
}
