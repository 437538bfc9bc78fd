import { join } from 'node:path';
import type { BatchItem } from './batch-items.js';
import { UsageError } from './errors.js';
import { sameFileAs } from './given-input-files.js';

/** What `ig batch` writes per item: `<id>` plus these, and a picture with --heatmaps. */
const ITEM_OUTPUTS = ['.npy', '.json'];
const PICTURES = ['.png', '.html'];

/**
 * Refuses an --out-dir where an item's output would land on an input file: `--out-dir` the
 * inputs folder turns `x.npy` into the output `x.npy`, and its attributions would replace it.
 */
export function refuseOutputsOverInputs(outDir: string, items: readonly BatchItem[], heatmaps: boolean): void {
  for (const item of items) {
    if (item.text !== undefined || item.problem !== undefined) continue;
    for (const extension of heatmaps ? [...ITEM_OUTPUTS, ...PICTURES] : ITEM_OUTPUTS) {
      const output = join(outDir, `${item.id}${extension}`);
      if (sameFileAs(item.input, output))
        throw new UsageError(`--out-dir ${outDir} would write ${output} over the input ${item.input}; give another --out-dir`);
    }
  }
}
