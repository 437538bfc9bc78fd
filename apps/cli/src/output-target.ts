import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CliError } from './errors.js';

/**
 * Where an output path leads, symbolic links followed:
 * - `file`: a regular file, or nothing yet; replaced whole through a temporary beside it;
 * - `stream`: a FIFO, a device, a socket or an open file descriptor (`/dev/stdout`); written
 *   through in place, never replaced;
 * - `folder`: not writable as a file.
 */
export interface OutputTarget {
  readonly kind: 'file' | 'stream' | 'folder';
  /** The file a `file` target writes (the end of the links); for a stream, the path as given. */
  readonly path: string;
  /** A stream that is one of this process's own descriptors (/dev/stdout): written to it, as a shell does. */
  readonly fd?: number;
}

/** Linux's limit of links followed in one lookup. */
const MAX_LINKS = 40;

/**
 * /proc/<pid>/fd/<n> (and /dev/fd/<n>, /dev/stdout that lead there) link to an open file: a pipe
 * or terminal whose "target" is no path, or the file a shell redirected to, which replacing
 * would cut off from the descriptor.
 */
function isDescriptorLink(linkFolder: string): boolean {
  return /^\/proc\/[^/]+\/fd$/.test(linkFolder);
}

/** The descriptor a /proc/<pid>/fd/<n> link of this process stands for; a socket cannot be opened by that path. */
function ownDescriptor(linkFolder: string, name: string): number | undefined {
  return linkFolder === `/proc/${process.pid}/fd` && /^\d+$/.test(name) ? Number(name) : undefined;
}

export function outputTarget(path: string): OutputTarget {
  let current = resolve(path);
  for (let links = 0; links <= MAX_LINKS; links++) {
    let stat;
    try {
      stat = lstatSync(current);
    } catch (error) {
      // Nothing there, or a file in place of a folder on the way: the folder check says which.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'file', path: current };
      throw error;
    }
    if (stat.isFile()) return { kind: 'file', path: current };
    if (stat.isDirectory()) return { kind: 'folder', path: current };
    if (!stat.isSymbolicLink()) return { kind: 'stream', path };
    const folder = realpathSync(dirname(current));
    if (isDescriptorLink(folder)) {
      const fd = ownDescriptor(folder, basename(current));
      return fd === undefined ? { kind: 'stream', path } : { kind: 'stream', path, fd };
    }
    current = resolve(folder, readlinkSync(current));
  }
  throw new CliError(`${path}: more than ${MAX_LINKS} symbolic links in a chain`);
}
