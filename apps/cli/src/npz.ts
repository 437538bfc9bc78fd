import { unzipSync, type UnzipFileInfo } from 'fflate';
import { CliError, FileFormatError } from './errors.js';
import { NpyFormatError, parseNpy, type NpyArray } from './npy.js';

/** fflate's error codes 13 and 14: the archive itself is unreadable, or a member's method is not deflate. */
const zipProblem = (error: Error & { code?: number }): string =>
  error.code === 13
    ? 'no readable zip directory: truncated, or not a zip archive'
    : error.code === 14
      ? `${error.message}; np.savez and np.savez_compressed store or deflate`
      : `a member cannot be decompressed: ${error.message}`;

/**
 * The array of an .npz archive (np.savez / np.savez_compressed) that holds exactly one; an
 * archive of several is refused naming them. Its size is checked against `maxBytes` before it is
 * decompressed.
 */
export function readNpzArray(zip: Uint8Array, path: string, maxBytes: number): NpyArray {
  const arrays: UnzipFileInfo[] = [];
  let members: Record<string, Uint8Array>;
  try {
    // Only the first array is decompressed, and only within the limit: the rest are refused below.
    members = unzipSync(zip, {
      filter: (member) => member.name.endsWith('.npy') && arrays.push(member) === 1 && member.originalSize <= maxBytes,
    });
  } catch (error) {
    throw new FileFormatError(path, `is not a readable .npz (${zipProblem(error as Error & { code?: number })})`);
  }
  if (arrays.length !== 1) {
    const names = arrays.map((e) => e.name.replace(/\.npy$/, ''));
    throw new FileFormatError(
      path,
      arrays.length === 0
        ? 'holds no arrays'
        : `holds ${arrays.length} arrays (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}); ig reads an .npz of one array: np.save('x.npy', np.load('${path}')['${names[0] ?? 'NAME'}'])`,
    );
  }
  const entry = arrays[0] as UnzipFileInfo;
  if (entry.originalSize > maxBytes)
    throw new CliError(`${path}: array ${entry.name} is ${entry.originalSize} bytes, above the limit of ${maxBytes}; raise --max-input-mib if you mean it`);
  const bytes = members[entry.name];
  if (bytes?.length !== entry.originalSize)
    throw new FileFormatError(path, `member ${entry.name} decompresses to ${bytes?.length ?? 0} bytes, its zip entry says ${entry.originalSize}`);
  try {
    return parseNpy(bytes);
  } catch (error) {
    if (error instanceof NpyFormatError) throw new FileFormatError(path, `member ${entry.name}: ${error.message}`);
    throw error;
  }
}
