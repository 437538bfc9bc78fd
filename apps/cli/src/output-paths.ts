import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, UsageError } from './errors.js';

/** Why `path` cannot be written, or null; the file itself may exist (it is replaced whole). */
function writeProblem(path: string): string | null {
  const folder = dirname(resolve(path));
  try {
    if (statSync(path).isDirectory()) return `${path} is a folder; name a file`;
  } catch {
    // absent: the usual case
  }
  try {
    if (!statSync(folder).isDirectory()) return `${dirname(path)} is not a folder`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `folder ${dirname(path)} does not exist` : code === 'ENOTDIR' ? `${dirname(path)} is not a folder` : (error as Error).message;
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EROFS' ? `${dirname(path)} is on a read-only file system` : `permission denied in ${dirname(path)}`;
  }
  return null;
}

/**
 * Refuses, before any work, output files (option name → path) that cannot be written: a folder
 * that does not exist or is read-only, a path that is a folder, or two options naming one file.
 */
export function checkOutputPaths(outputs: Readonly<Record<string, unknown>>): void {
  const seen = new Map<string, string>();
  for (const [option, path] of Object.entries(outputs)) {
    if (typeof path !== 'string') continue;
    const problem = writeProblem(path);
    if (problem) throw new CliError(`cannot write ${option} ${path}: ${problem}`);
    const other = seen.get(resolve(path));
    if (other) throw new UsageError(`${other} and ${option} both name ${path}; give each output its own file`);
    seen.set(resolve(path), option);
  }
}
