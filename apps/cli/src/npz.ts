import { inflateRawSync } from 'node:zlib';
import { CliError, FileFormatError } from './errors.js';
import { NpyFormatError, parseNpy, type NpyArray } from './npy.js';

/** One member of a zip archive, as its central directory describes it. */
interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedBytes: number;
  readonly bytes: number;
  readonly localHeader: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

function entries(zip: Uint8Array, path: string): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 65535); at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new FileFormatError(path, 'is not a readable .npz (no zip directory at its end; truncated?)');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const list: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== DIRECTORY_ENTRY)
      throw new FileFormatError(path, 'is not a readable .npz (a broken zip directory)');
    const nameLength = view.getUint16(at + 28, true);
    const entry = {
      name: new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      compressedBytes: view.getUint32(at + 20, true),
      bytes: view.getUint32(at + 24, true),
      localHeader: view.getUint32(at + 42, true),
    };
    if ([entry.compressedBytes, entry.bytes, entry.localHeader].includes(0xffffffff)) {
      throw new FileFormatError(path, `member ${entry.name} is a zip64 entry (over 4 GiB), which ig does not read; np.save the array instead`);
    }
    list.push(entry);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return list;
}

function contents(zip: Uint8Array, entry: ZipEntry, path: string): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const at = entry.localHeader;
  if (at + 30 > zip.length || view.getUint32(at, true) !== LOCAL_HEADER) throw new FileFormatError(path, `member ${entry.name}: broken zip header`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const stored = zip.subarray(start, start + entry.compressedBytes);
  if (stored.length < entry.compressedBytes) throw new FileFormatError(path, `truncated .npz: member ${entry.name} ends past the file's end`);
  if (entry.method === 0) return stored;
  if (entry.method !== 8)
    throw new FileFormatError(path, `member ${entry.name} uses zip compression method ${entry.method}; np.savez and np.savez_compressed use 0 and 8`);
  try {
    return inflateRawSync(stored);
  } catch (error) {
    throw new FileFormatError(path, `member ${entry.name} cannot be decompressed: ${(error as Error).message}`);
  }
}

/**
 * The array of an .npz archive (np.savez / np.savez_compressed) that holds exactly one; an
 * archive of several is refused naming them. Its size is checked against `maxBytes` before it is
 * decompressed.
 */
export function readNpzArray(zip: Uint8Array, path: string, maxBytes: number): NpyArray {
  const arrays = entries(zip, path).filter((e) => e.name.endsWith('.npy'));
  if (arrays.length !== 1) {
    const names = arrays.map((e) => e.name.replace(/\.npy$/, ''));
    throw new FileFormatError(
      path,
      arrays.length === 0
        ? 'holds no arrays'
        : `holds ${arrays.length} arrays (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}); ig reads an .npz of one array: np.save('x.npy', np.load('${path}')['${names[0] ?? 'NAME'}'])`,
    );
  }
  const entry = arrays[0] as ZipEntry;
  if (entry.bytes > maxBytes)
    throw new CliError(`${path}: array ${entry.name} is ${entry.bytes} bytes, above the limit of ${maxBytes}; raise --max-input-mib if you mean it`);
  try {
    return parseNpy(contents(zip, entry, path));
  } catch (error) {
    if (error instanceof NpyFormatError) throw new FileFormatError(path, `member ${entry.name}: ${error.message}`);
    throw error;
  }
}
