import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultTokenizerPath, onnxExternalFiles, tfjsWeightFiles } from './companion-files.js';
import { UsageError } from './errors.js';
import { writeFileAtomic } from './files.js';

/** A file a batch's results depend on, and the option (or manifest field) that names it. */
export interface DependedFile {
  readonly path: string;
  readonly of: string;
}

/** `batch-options.json`'s record of the files' contents, by absolute path; `missing` for a file that was not there. */
export type FileContents = Record<string, { readonly of: string; readonly sha256: string }>;

const MISSING = 'missing';

/** The sha256 of a file's contents in hex, or `missing` when it cannot be opened. */
export function sha256(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return MISSING; // reading it will say why; an item naming it fails on its own
  }
  try {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) hash.update(chunk.subarray(0, read));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** The model's file with its ONNX external data files, or a TensorFlow.js model.json with the weight files it names. */
export async function modelFiles(model: string, provider: string): Promise<DependedFile[]> {
  const files: DependedFile[] = [{ path: model, of: '--model' }];
  if (/\.onnx$/i.test(model)) return [...files, ...(await onnxExternalFiles(model, provider)).map((path) => ({ path, of: '--model (external data)' }))];
  if (!/\.json$/i.test(model)) return files;
  return [...files, ...tfjsWeightFiles(model).map((path) => ({ path, of: '--model (weights)' }))];
}

/** The tokenizer a token batch reads: --tokenizer, or tokenizer.json next to the model when there is one. */
export function tokenizerFile(model: string, tokenizer: string | undefined): DependedFile[] {
  const path = tokenizer ?? defaultTokenizerPath(model);
  return tokenizer !== undefined || existsSync(path) ? [{ path, of: tokenizer !== undefined ? '--tokenizer' : 'tokenizer.json next to --model' }] : [];
}

/** The contents' hash of every file, so that a resumed run notices a file edited in place (a path alone would not). */
export function fileContents(files: readonly DependedFile[]): FileContents {
  const contents: FileContents = {};
  for (const { path, of } of files) contents[resolve(path)] ??= { of, sha256: sha256(path) };
  return contents;
}

/**
 * Refuses a resume whose files changed since the results were computed, naming the first such
 * file. A file that was missing then (an item naming it failed) and is there now is recorded,
 * so that a later change to it is noticed too.
 */
export function checkFileContents(recordPath: string, outDir: string, record: Record<string, unknown>, before: FileContents, now: FileContents): void {
  let appeared = false;
  for (const [path, { of, sha256: hash }] of Object.entries(now)) {
    const then = before[path]?.sha256;
    if (then === undefined || then === hash) continue;
    if (then === MISSING) {
      appeared = true;
      continue;
    }
    const shown = (h: string): string => (h === MISSING ? 'missing' : `sha256 ${h.slice(0, 12)}…`);
    throw new UsageError(
      `--out-dir ${outDir} holds results computed from another version of ${path} (${of}): the file changed since (${shown(then)} then, ${shown(hash)} now); restore it, or use a new --out-dir`,
    );
  }
  if (appeared) writeFileAtomic(recordPath, `${JSON.stringify({ ...record, contents: { ...before, ...now } }, null, 2)}\n`);
}
