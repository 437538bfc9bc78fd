import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchItem } from './batch-items.js';
import { UsageError } from './errors.js';
import { readUserFile } from './files.js';
import { fileIdentity } from './given-input-files.js';
import { isImagePath } from './image.js';
import { readNpyHeaderOnly } from './limits.js';
import { readNpzArray } from './npz.js';

/** `<id>-<k>.png`: the heatmap of example k of an item of several examples. */
const NUMBERED = /^(.+)-(0|[1-9]\d*)\.png$/;

/**
 * How many heatmaps an item's input can give: an image one; an array [N, ·, ·, ·] (or [1, N, ·, ·, ·])
 * N, as the model takes an image-shaped batch; anything else, or a file that fails to load, one.
 */
function examplesOf(input: string, maxInputBytes: number): number {
  if (isImagePath(input) || !/\.np[yz]$/i.test(input)) return 1;
  try {
    const { shape } = /\.npz$/i.test(input) ? readNpzArray(readUserFile(input, 'input', maxInputBytes), input, maxInputBytes) : readNpyHeaderOnly(input);
    return (shape.length === 4 ? shape[0] : shape.length === 5 && shape[0] === 1 ? shape[1] : 1) ?? 1;
  } catch {
    return 1;
  }
}

/**
 * With --heatmaps, an item of several examples writes `<id>-0.png`, `<id>-1.png`, … in place of
 * `<id>.png`. Refuses the batch where one of those would replace a file it reads (`read`: identity
 * → what it is, see fileIdentity) or would be another item's `<id>.png`. Inputs are opened only
 * for the items whose numbered names meet such a file.
 */
export function refuseNumberedHeatmaps(outDir: string, items: readonly BatchItem[], read: ReadonlyMap<string, string>, maxInputBytes: number): void {
  const tensors = new Map(items.filter((item) => item.text === undefined && item.problem === undefined).map((item) => [item.id, item]));
  const counts = new Map<string, number>();
  const examples = (item: BatchItem): number => {
    const count = counts.get(item.id) ?? examplesOf(item.input, maxInputBytes);
    counts.set(item.id, count);
    return count;
  };
  /** The item whose heatmap of an example is the file `name`, and that example, if any. */
  const writerOf = (name: string): { item: BatchItem; k: number; of: number } | undefined => {
    const match = NUMBERED.exec(name);
    const item = tensors.get(match?.[1] ?? '');
    if (match === null || item === undefined) return undefined;
    const k = Number(match[2]);
    const of = examples(item);
    return of > 1 && k < of ? { item, k, of } : undefined;
  };
  const heatmap = (writer: { item: BatchItem; k: number; of: number }): string =>
    `the heatmap of example ${writer.k} of ${writer.item.input}, which holds ${writer.of}`;
  let names: string[] = [];
  try {
    names = readdirSync(outDir);
  } catch {
    // an --out-dir that cannot be listed holds nothing this run reads
  }
  for (const name of names) {
    const what = read.get(fileIdentity(join(outDir, name)) ?? '');
    const writer = what === undefined ? undefined : writerOf(name);
    if (writer !== undefined)
      throw new UsageError(`--out-dir ${outDir} would write ${join(outDir, name)} (${heatmap(writer)}) over ${what}; give another --out-dir`);
  }
  for (const item of tensors.values()) {
    const writer = writerOf(`${item.id}.png`);
    if (writer !== undefined && examples(item) <= 1)
      throw new UsageError(
        `--heatmaps would write ${join(outDir, `${item.id}.png`)} twice: as ${heatmap(writer)}, and as the heatmap of ${item.input}; rename one of the two inputs, or give it another "id" in a manifest`,
      );
  }
}
