import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { FileFormatError, UsageError } from './errors.js';
import { readUserFile } from './files.js';

export interface BatchItem {
  /** Names the item's outputs: `<id>.npy`, `<id>.png`, `<id>.json`. */
  readonly id: string;
  readonly input: string;
  /** Overrides --target for this item. */
  readonly target?: string;
}

const INPUT_FILE = /\.(npy|png|jpe?g)$/i;
const SAFE_ID = /^[\w.-]+$/;

function checkIds(items: BatchItem[], source: string): BatchItem[] {
  const seen = new Map<string, string>();
  for (const item of items) {
    if (!SAFE_ID.test(item.id) || item.id.startsWith('.')) {
      throw new FileFormatError(source, `item id '${item.id}' must be letters, digits, '_', '-' or '.' and not start with '.'`);
    }
    const other = seen.get(item.id);
    if (other) throw new FileFormatError(source, `${other} and ${item.input} both map to id '${item.id}'; give them distinct ids`);
    seen.set(item.id, item.input);
  }
  return items;
}

function fromDirectory(dir: string): BatchItem[] {
  const files = readdirSync(dir)
    .filter((f) => INPUT_FILE.test(f) && statSync(join(dir, f)).isFile())
    .sort();
  if (files.length === 0) throw new UsageError(`--inputs ${dir} holds no .npy, .png or .jpg files`);
  return checkIds(files.map((f) => ({ id: basename(f, extname(f)), input: join(dir, f) })), dir);
}

function fromManifest(path: string): BatchItem[] {
  const lines = readUserFile(path, 'manifest').toString('utf8').split(/\r?\n/);
  const items: BatchItem[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let entry: { input?: unknown; id?: unknown; target?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      throw new FileFormatError(path, `line ${index + 1} is not JSON`);
    }
    if (typeof entry.input !== 'string') throw new FileFormatError(path, `line ${index + 1} has no "input" path`);
    const input = isAbsolute(entry.input) ? entry.input : resolve(dirname(path), entry.input);
    const id = typeof entry.id === 'string' ? entry.id : basename(input, extname(input));
    items.push({ id, input, ...(entry.target !== undefined ? { target: String(entry.target) } : {}) });
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
