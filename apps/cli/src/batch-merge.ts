import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchItem } from './batch-items.js';
import { shardItems } from './batch-items.js';
import { FileFormatError, UsageError } from './errors.js';

/** `summary-<i>-of-<n>.jsonl`, written by `ig batch --shard i/n` (or `--shard auto`) with n > 1. */
const SHARD_SUMMARY = /^summary-(\d+)-of-(\d+)\.jsonl$/;

export interface SummaryLine {
  readonly id: string;
  readonly input?: string;
  readonly status: string;
  readonly [field: string]: unknown;
}

export interface MergedSummary {
  readonly count: number;
  /** The shard summaries read, by 1-based shard index. */
  readonly shards: readonly number[];
  readonly missingShards: readonly number[];
  /** One line per item: the shard's line, or `status: 'missing'` for an item no summary lists. */
  readonly lines: readonly SummaryLine[];
}

interface ShardFile {
  readonly index: number;
  readonly count: number;
  readonly path: string;
}

/** The shard summaries in the folders, all of one shard count. */
export function findShardSummaries(dirs: readonly string[]): ShardFile[] {
  const files: ShardFile[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      throw new UsageError(`${dir} cannot be read: ${(error as Error).message}`);
    }
    for (const name of names.sort()) {
      const match = SHARD_SUMMARY.exec(name);
      if (match) files.push({ index: Number(match[1]), count: Number(match[2]), path: join(dir, name) });
    }
  }
  if (files.length === 0) throw new UsageError(`no shard summaries (summary-<i>-of-<n>.jsonl) in ${dirs.join(', ')}; ig batch writes them with --shard`);
  const counts = [...new Set(files.map((f) => f.count))];
  if (counts.length > 1)
    throw new UsageError(`the shard summaries are of different splits (${counts.map((n) => `of-${n}`).join(', ')}); merge the summaries of one run`);
  const seen = new Map<number, string>();
  for (const file of files) {
    const other = seen.get(file.index);
    if (other !== undefined) throw new UsageError(`shard ${file.index}/${file.count} has two summaries: ${other} and ${file.path}`);
    seen.set(file.index, file.path);
  }
  return files.sort((a, b) => a.index - b.index);
}

function readLines(path: string): SummaryLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FileFormatError(path, `cannot be read: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, k) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new FileFormatError(path, `line ${k + 1} is not JSON`);
      }
      const entry = parsed as Partial<SummaryLine> | null;
      if (typeof entry !== 'object' || entry === null || typeof entry.id !== 'string' || typeof entry.status !== 'string') {
        throw new FileFormatError(path, `line ${k + 1} has no "id" and "status"`);
      }
      return entry as SummaryLine;
    });
}

/**
 * Joins the shard summaries. With the item list (`items`, as `ig batch --inputs` lists it), every
 * item gets a line in list order, and the items of missing shards, or missing from their shard's
 * summary, are listed as `missing`; without it the lines follow shard order.
 */
export function mergeShardSummaries(files: readonly ShardFile[], items?: readonly BatchItem[]): MergedSummary {
  const count = (files[0] as ShardFile).count;
  const shards = files.map((f) => f.index);
  const missingShards = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !shards.includes(k));
  const byId = new Map<string, SummaryLine>();
  const shardOf = new Map<string, number>();
  for (const file of files) {
    for (const line of readLines(file.path)) {
      if (byId.has(line.id))
        throw new FileFormatError(
          file.path,
          `item '${line.id}' is also in the summary of shard ${String(shardOf.get(line.id))}; were the shards run on different input lists?`,
        );
      byId.set(line.id, line);
      shardOf.set(line.id, file.index);
    }
  }
  if (items === undefined) return { count, shards, missingShards, lines: [...byId.values()] };
  const shardIndex = new Map<string, number>();
  for (let k = 1; k <= count; k++) for (const item of shardItems(items, { index: k, count })) shardIndex.set(item.id, k);
  const lines = items.map((item): SummaryLine => {
    const line = byId.get(item.id);
    const shard = shardIndex.get(item.id) as number;
    if (line !== undefined) {
      if (shardOf.get(item.id) !== shard)
        throw new UsageError(
          `item '${item.id}' is in the summary of shard ${String(shardOf.get(item.id))} but belongs to shard ${shard}/${count} of --inputs; is --inputs the list the shards ran on?`,
        );
      return line;
    }
    const reason = missingShards.includes(shard) ? `shard ${shard}/${count} wrote no summary` : `not in the summary of shard ${shard}/${count}`;
    return { id: item.id, input: item.input, status: 'missing', shard, reason };
  });
  const unknown = [...byId.keys()].find((id) => !shardIndex.has(id));
  if (unknown !== undefined)
    throw new UsageError(`item '${unknown}' of shard ${String(shardOf.get(unknown))} is not in --inputs; is --inputs the list the shards ran on?`);
  return { count, shards, missingShards, lines };
}
