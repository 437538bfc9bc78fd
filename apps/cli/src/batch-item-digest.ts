import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { sha256 } from './batch-file-hashes.js';
import type { BatchItem } from './batch-items.js';
import { reportPath } from './batch-record.js';

/**
 * What an item's result depends on besides the batch's options: its input file's contents (or
 * its text), its target and its context files' contents, as one sha256. Recorded in the item's
 * report, so that a resumed run notices an input edited in place or a manifest line changed.
 */
export function itemDigest(item: BatchItem): string {
  const hash = createHash('sha256');
  const part = (label: string, value: string): void => void hash.update(`${label}\0${value}\0`);
  if (item.text !== undefined) part('text', item.text);
  else part('input', sha256(item.input));
  if (item.target !== undefined) part('target', item.target);
  for (const [name, file] of [...(item.context ?? new Map<string, string>())].sort(([a], [b]) => a.localeCompare(b))) part(`context ${name}`, sha256(file));
  return hash.digest('hex');
}

/** The report's line with the item's digest added. */
export function withDigest(report: string, item: BatchItem): string {
  const parsed = JSON.parse(report) as Record<string, unknown>;
  return `${JSON.stringify({ ...parsed, inputDigest: itemDigest(item) })}\n`;
}

/**
 * Removes the reports of done items whose input, text, target or context changed since they were
 * computed, so that this run computes them again; returns their ids. A report without a digest
 * (written before digests were recorded) counts as current.
 */
export function dropStaleReports(outDir: string, items: readonly BatchItem[]): string[] {
  const stale: string[] = [];
  for (const item of items) {
    let recorded: unknown;
    try {
      recorded = (JSON.parse(readFileSync(reportPath(outDir, item.id), 'utf8')) as Record<string, unknown>)['inputDigest'];
    } catch {
      continue; // not done, or not readable: the listing treats it as pending or done as before
    }
    if (typeof recorded !== 'string' || recorded === itemDigest(item)) continue;
    rmSync(reportPath(outDir, item.id), { force: true });
    stale.push(item.id);
  }
  return stale;
}
