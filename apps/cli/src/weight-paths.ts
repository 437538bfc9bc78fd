import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { FileFormatError } from './errors.js';

const inside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/**
 * The file a model.json's weightsManifest names, which must lie inside the model's folder: a
 * relative path that does not climb out with `..`, and that no symbolic link leads out of. A
 * manifest naming anything else (`../../etc/passwd`, `/etc/hostname`, a URL) is refused.
 */
export function weightFilePath(modelJson: string, entry: unknown): string {
  const folder = resolve(dirname(modelJson));
  if (typeof entry !== 'string' || entry === '')
    throw new FileFormatError(modelJson, `weightsManifest names a weight file ${JSON.stringify(entry)}; expected a relative path`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(entry) || isAbsolute(entry)) {
    throw new FileFormatError(modelJson, `weight file ${JSON.stringify(entry)} must be a path relative to the model's folder`);
  }
  const path = resolve(folder, entry);
  if (!inside(folder, path)) throw new FileFormatError(modelJson, `weight file ${JSON.stringify(entry)} lies outside the model's folder ${folder}`);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return path; // missing: reading it reports that
  }
  if (!inside(realpathSync(folder), real))
    throw new FileFormatError(modelJson, `weight file ${JSON.stringify(entry)} links outside the model's folder ${folder}`);
  return path;
}
