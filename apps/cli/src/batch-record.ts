import { existsSync, linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFileContents, type FileContents } from './batch-file-hashes.js';
import type { BatchItem } from './batch-items.js';
import { CliError, UsageError } from './errors.js';
import { temporaryPath, writeFileAtomic } from './files.js';

/** An item is done once its report is in place: it is renamed in last, after the arrays. */
export const reportPath = (outDir: string, id: string): string => join(outDir, `${id}.json`);
/** A failed item's reason; removed when a later run computes the item. */
export const failurePath = (outDir: string, id: string): string => join(outDir, `${id}.error.json`);
/** The options and file contents the results were computed with (see checkResumable). */
export const optionsPath = (outDir: string): string => join(outDir, 'batch-options.json');

/**
 * Records the options in `batch-options.json` and refuses to mix results computed with other
 * ones, or from files whose contents changed (`contents`, see batch-file-hashes.ts) (`absentMeans`: what a missing entry stood for, for the message). The record is created
 * in one step (a hard link of a written temporary, which fails if the file exists), so of two
 * first runs started together one creates it and the other compares.
 */
export function checkResumable(outDir: string, options: Record<string, unknown>, absentMeans: Readonly<Record<string, string>> = {}): void {
  const path = optionsPath(outDir);
  const text = `${JSON.stringify(options, null, 2)}\n`;
  const temp = temporaryPath(path);
  try {
    writeFileSync(temp, text);
    linkSync(temp, path);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new CliError(`cannot write ${path}: ${(error as Error).message}`);
  } finally {
    rmSync(temp, { force: true });
  }
  let before: Record<string, unknown>;
  try {
    before = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`${path} cannot be read (${(error as Error).message}); remove it only if the folder holds no results`);
  }
  // `contents` is compared file by file below; an out-dir begun before it was recorded resumes as before.
  const changed = Object.keys({ ...before, ...options }).filter((key) => key !== 'contents' && JSON.stringify(before[key]) !== JSON.stringify(options[key]));
  if (changed.length > 0) {
    const key = changed[0] as string;
    const shown = (value: unknown): string => (value === undefined ? (absentMeans[key] ?? 'not given') : JSON.stringify(value));
    throw new UsageError(
      `--out-dir ${outDir} holds results computed with other options (${key}: ${shown(before[key])} then, ${shown(options[key])} now); rerun with the same options or use a new --out-dir`,
    );
  }
  if (before['contents'] !== undefined && options['contents'] !== undefined)
    checkFileContents(path, outDir, before, before['contents'] as FileContents, options['contents'] as FileContents);
}

export function recordFailure(outDir: string, item: BatchItem, reason: string): void {
  writeFileAtomic(failurePath(outDir, item.id), `${JSON.stringify({ id: item.id, input: item.input, status: 'error', error: reason })}\n`);
}

/** When the item last failed, in ms since the epoch, or null if it has no failure record. */
export function failedAt(outDir: string, id: string): number | null {
  try {
    return statSync(failurePath(outDir, id)).mtimeMs;
  } catch {
    return null;
  }
}

export type ItemState = { status: 'ok'; line: string } | { status: 'error'; line: string } | { status: 'pending'; line: string };

/** The item's line in a summary: its report, its failure record, or a pending line. */
export function itemState(outDir: string, item: BatchItem, heldByOther: boolean): ItemState {
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return null;
    }
  };
  const report = read(reportPath(outDir, item.id));
  if (report !== null) return { status: 'ok', line: report };
  const failure = existsSync(failurePath(outDir, item.id)) ? read(failurePath(outDir, item.id)) : null;
  if (failure !== null) return { status: 'error', line: failure };
  const reason = heldByOther ? 'being computed by another run' : 'not computed';
  return { status: 'pending', line: JSON.stringify({ id: item.id, input: item.input, status: 'pending', reason }) };
}
