import { FileFormatError, UsageError } from './errors.js';
import { readUserFile } from './files.js';

const JSON_FORMS = 'an array of names, an object of index → name, or index → [id, name] as imagenet_class_index.json';

/** A JSON object of class index → name or → [id, name] (imagenet_class_index.json), as a list in index order. */
function namesOfObject(object: Record<string, unknown>, path: string): string[] {
  const entries = Object.entries(object);
  const names: string[] = [];
  for (const [key, value] of entries) {
    if (!/^(0|[1-9]\d*)$/.test(key)) throw new FileFormatError(path, `key ${JSON.stringify(key)} is not a class index; a JSON labels file is ${JSON_FORMS}`);
    const index = Number(key);
    if (index >= entries.length)
      throw new FileFormatError(path, `class ${index} is past the ${entries.length} classes the file names; give the indices 0 to ${entries.length - 1}`);
    const name = typeof value === 'string' ? value : Array.isArray(value) && value.length === 2 && typeof value[1] === 'string' ? value[1] : undefined;
    if (name === undefined) throw new FileFormatError(path, `class ${key} is ${JSON.stringify(value).slice(0, 60)}; a JSON labels file is ${JSON_FORMS}`);
    names[index] = name;
  }
  return names;
}

function parseJsonLabels(text: string, path: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new FileFormatError(path, `not a valid JSON labels file: ${(error as Error).message}`);
  }
  if (Array.isArray(parsed) && parsed.every((l) => typeof l === 'string')) return parsed as string[];
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return namesOfObject(parsed as Record<string, unknown>, path);
  throw new FileFormatError(path, `a JSON labels file is ${JSON_FORMS}`);
}

/** Class names for --labels: one per line, or JSON (an array, index → name, index → [id, name]). */
export function readLabels(path: string): string[] {
  const text = readUserFile(path, 'labels file')
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  const names = /^[[{]/.test(text) ? parseJsonLabels(text, path) : text === '' ? [] : text.split(/\r?\n/).map((l) => l.trim());
  if (names.length === 0) throw new FileFormatError(path, 'names no classes; give one class name per line, in the model output order');
  return names;
}

/**
 * The class `name` names in `labels`, or -1 where none does; a name that several classes share
 * (ImageNet has two 'crane's) is refused, listing them: the index says which is meant.
 */
export function labelIndex(labels: readonly string[], name: string, option: string): number {
  const indices = labels.flatMap((label, index) => (label === name ? [index] : []));
  if (indices.length > 1)
    throw new UsageError(`${option} '${name}' names ${indices.length} classes of --labels (${indices.join(', ')}); give the index of the one you mean`);
  return indices[0] ?? -1;
}
