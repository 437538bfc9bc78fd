import type { DerivedOutput } from './output-paths.js';

/** `path` with `-<part>` before its extension: `heat.png` → `heat-1.png`, `out` → `out-1`. */
export function withSuffix(path: string, part: string): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}-${part}${path.slice(dot)}` : `${path}-${part}`;
}

/** `attr.npy` → `attr-<input name>.npy`: one attribution file per model input. */
export const perInputPath = (path: string, name: string): string => withSuffix(path, name.replace(/[^\w.-]/g, '_'));

/** The files `option` (`path`) writes, one per named model input. */
export function perInputOutputs(option: string, path: string | undefined, names: readonly string[]): DerivedOutput[] {
  if (path === undefined) return [];
  return names.map((name) => ({ option, given: path, path: perInputPath(path, name), role: `for input ${name}` }));
}

/** The pictures `option` (`path`) writes for `examples` examples: `path` itself for one, `heat-0.png`, `heat-1.png`, … for several. */
export function perExampleOutputs(option: string, path: string | undefined, examples: number): DerivedOutput[] {
  if (path === undefined || examples <= 1) return [];
  return Array.from({ length: examples }, (_, k) => ({ option, given: path, path: withSuffix(path, String(k)), role: `for example ${k}` }));
}

/** The files a picture option writes: its own path, or those derived from it. */
export const pictureFiles = (path: string | undefined, derived: readonly DerivedOutput[]): string[] =>
  derived.length > 0 ? derived.map((d) => d.path) : path === undefined ? [] : [path];
