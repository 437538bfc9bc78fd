import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { FileFormatError, UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { itemContextOf } from './batch-context.js';
import { isInputFile } from './input-file-kinds.js';

export interface BatchItem {
  /** Names the item's outputs: `<id>.npy`, `<id>.png`, `<id>.json`. */
  readonly id: string;
  /** The input file, or for a manifest's text, where the text is: `<manifest> line <n>`. */
  readonly input: string;
  /** A manifest's `"text"`: explained with a token-id model, tokenized as `ig explain --text` does. */
  readonly text?: string;
  /** Overrides --target for this item. */
  readonly target?: string;
  /** A manifest line's "context": the values of the model's other inputs for token ids, by input name. */
  readonly context?: ReadonlyMap<string, string>;
  /** The manifest line the item comes from (1-based), for its errors. */
  readonly line?: number;
  /** Why the item cannot be computed (a bad manifest entry, a dangling link): it is recorded as failed. */
  readonly problem?: string;
}

const SAFE_ID = /^[\w.-]+$/;

/**
 * A file name as an id usable in output names: itself when it is letters, digits, '_', '-' and
 * '.', else those characters kept, the rest replaced by '_', and a hash of the name appended so
 * that names differing only in replaced characters stay distinct.
 */
export function idOf(name: string): string {
  if (SAFE_ID.test(name) && !name.startsWith('.')) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const kept = name
    .replace(/[^\w.-]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 80);
  return `${kept}-${hash}`;
}

function checkIds(items: BatchItem[], source: string): BatchItem[] {
  const seen = new Map<string, string>();
  for (const item of items) {
    if (!SAFE_ID.test(item.id) || item.id.startsWith('.')) {
      throw new FileFormatError(source, `item id ${JSON.stringify(item.id)} must be letters, digits, '_', '-' or '.' and not start with '.'`);
    }
    const other = seen.get(item.id);
    if (other)
      throw new FileFormatError(source, `${JSON.stringify(other)} and ${JSON.stringify(item.input)} both map to id '${item.id}'; give them distinct ids`);
    seen.set(item.id, item.input);
  }
  return items;
}

/** A folder entry as an item; a dangling link or unreadable entry becomes an item that fails with the reason. */
function folderItem(dir: string, name: string): BatchItem | null {
  const input = join(dir, name);
  const id = idOf(basename(name, extname(name)));
  try {
    return statSync(input).isFile() ? { id, input } : null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { id, input, problem: code === 'ENOENT' ? 'a symbolic link to a file that does not exist' : `cannot be read (${String(code)})` };
  }
}

function fromDirectory(dir: string): BatchItem[] {
  const items = readdirSync(dir)
    .filter(isInputFile)
    .sort()
    .flatMap((f) => folderItem(dir, f) ?? []);
  if (items.length === 0)
    throw new UsageError(`--inputs ${dir} holds no .npy, .npz or image files; texts are given as a manifest of JSON lines {"id": "…", "text": "…"}`);
  return checkIds(items, dir);
}

/** A manifest target: a class index, a label, or indices per example; anything else is the item's problem. */
function targetOf(value: unknown): { target?: string; problem?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'number' || typeof value === 'string') return { target: String(value) };
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return { target: value.join(',') };
  return { problem: `"target" must be a class index, a label or a list of indices, got ${JSON.stringify(value).slice(0, 60)}` };
}

/** A manifest line's source: a file, a text, or (both or a text that is no string) the item's problem. */
function sourceOf(entry: { input?: unknown; text?: unknown }, path: string, line: number): { input: string; text?: string; problem?: string } | null {
  if (entry.text !== undefined) {
    const input = `${path} line ${line}`;
    if (entry.input !== undefined) return { input, problem: `line ${line} has both "input" and "text"; give one` };
    if (typeof entry.text !== 'string') return { input, problem: `line ${line}: "text" must be a string, got ${JSON.stringify(entry.text).slice(0, 60)}` };
    return { input, text: entry.text };
  }
  if (typeof entry.input !== 'string') return null;
  return { input: isAbsolute(entry.input) ? entry.input : resolve(dirname(path), entry.input) };
}

function fromManifest(path: string): BatchItem[] {
  const lines = readUserFile(path, 'manifest').toString('utf8').split(/\r?\n/);
  const items: BatchItem[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let entry: { input?: unknown; text?: unknown; id?: unknown; target?: unknown; context?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      throw new FileFormatError(path, `line ${index + 1} is not JSON`);
    }
    const source = typeof entry === 'object' && entry !== null ? sourceOf(entry, path, index + 1) : null;
    if (source === null) throw new FileFormatError(path, `line ${index + 1} has no "input" path or "text"`);
    const { input, text } = source;
    const named = typeof entry.id === 'string' ? entry.id : undefined;
    const id = named ?? (source.problem !== undefined || text !== undefined ? `line-${index + 1}` : idOf(basename(input, extname(input))));
    const { target, problem: targetProblem } = targetOf(entry.target);
    const { context, problem: contextProblem } = itemContextOf(entry.context, path, index + 1, text !== undefined);
    const problem = source.problem ?? (targetProblem !== undefined ? `line ${index + 1}: ${targetProblem}` : contextProblem);
    items.push({
      id,
      input,
      line: index + 1,
      ...(context !== undefined ? { context } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(target !== undefined ? { target } : {}),
      ...(problem !== undefined ? { problem } : {}),
    });
  });
  if (items.length === 0) throw new UsageError(`--inputs ${path} lists no inputs`);
  return checkIds(items, path);
}

/** Items from a folder of inputs (sorted by name) or a JSON-lines manifest. */
export function listItems(source: string): BatchItem[] {
  if (!existsSync(source)) throw new UsageError(`--inputs ${source} does not exist`);
  return statSync(source).isDirectory() ? fromDirectory(source) : fromManifest(source);
}

/** `i/n` (1-based): this machine takes items i−1, i−1+n, i−1+2n, … */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 2/4), got '${text}'`);
  return { index, count };
}

export function shardItems<T>(items: readonly T[], shard: { index: number; count: number }): T[] {
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}
