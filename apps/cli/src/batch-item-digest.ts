import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { sha256 } from './batch-file-hashes.js';
import type { BatchItem } from './batch-items.js';
import { reportPath } from './batch-record.js';

/** A sha256 of the item's text or input file, its target and its context files, each file as `fileKey` gives it. */
function digestOf(item: BatchItem, fileKey: (path: string) => string): string {
  const hash = createHash('sha256');
  const part = (label: string, value: string): void => void hash.update(`${label}\0${value}\0`);
  if (item.text !== undefined) part('text', item.text);
  else part('input', fileKey(item.input));
  if (item.target !== undefined) part('target', item.target);
  for (const [name, file] of [...(item.context ?? new Map<string, string>())].sort(([a], [b]) => a.localeCompare(b))) part(`context ${name}`, fileKey(file));
  return hash.digest('hex');
}

function statKey(path: string): string {
  try {
    const { size, mtimeMs } = statSync(path);
    return `${size}:${mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * What an item's result depends on besides the batch's options: its input file's contents (or
 * its text), its target and its context files' contents. Recorded in the item's report, so that
 * a resumed run notices an input edited in place or a manifest line changed.
 */
export const itemDigest = (item: BatchItem): string => digestOf(item, sha256);

/**
 * The same with each file's size and modification time in place of its contents: while it is
 * unchanged the item is taken as unchanged, so a resume re-reads only the inputs touched since
 * (as make and git do).
 */
const itemStamp = (item: BatchItem): string => digestOf(item, statKey);

/** The report's line with the item's digest and stamp added. */
export function withDigest(report: string, item: BatchItem): string {
  const parsed = JSON.parse(report) as Record<string, unknown>;
  return `${JSON.stringify({ ...parsed, inputDigest: itemDigest(item), inputStamp: itemStamp(item) })}\n`;
}

/**
 * Removes the reports of done items whose input, text, target or context changed since they were
 * computed, so that this run computes them again; returns their ids. A report without a digest
 * (written before digests were recorded) counts as current.
 */
export function dropStaleReports(outDir: string, items: readonly BatchItem[]): string[] {
  const stale: string[] = [];
  for (const item of items) {
    let report: Record<string, unknown>;
    try {
      report = JSON.parse(readFileSync(reportPath(outDir, item.id), 'utf8')) as Record<string, unknown>;
    } catch {
      continue; // not done, or not readable: the listing treats it as pending or done as before
    }
    const digest = report['inputDigest'];
    if (typeof digest !== 'string' || report['inputStamp'] === itemStamp(item) || digest === itemDigest(item)) continue;
    rmSync(reportPath(outDir, item.id), { force: true });
    stale.push(item.id);
  }
  return stale;
}
