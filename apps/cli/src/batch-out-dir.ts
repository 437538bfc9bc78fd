import { join } from 'node:path';
import { refuseNumberedHeatmaps } from './batch-heatmap-names.js';
import type { BatchItem } from './batch-items.js';
import { optionsPath } from './batch-record.js';
import { UsageError } from './errors.js';
import { fileIdentity, type CompanionFile, type GivenInputFile } from './given-input-files.js';

/** What `ig batch` writes per item: `<id>` plus these (a failure's record too), and a picture with --heatmaps. */
const ITEM_OUTPUTS = ['.npy', '.json', '.error.json'];
const PICTURES = ['.png', '.html'];

/** What the batch reads, by identity (see fileIdentity): the items' inputs and "context" files, then the others. */
function readFiles(items: readonly BatchItem[], named: readonly GivenInputFile[], companions: readonly CompanionFile[]): Map<string, string> {
  const files = new Map<string, string>();
  const add = (path: string, what: string): void => {
    const identity = fileIdentity(path);
    if (identity !== undefined && !files.has(identity)) files.set(identity, what);
  };
  for (const item of items) {
    if (item.text === undefined && item.problem === undefined) add(item.input, `the input ${item.input}`);
    for (const [name, path] of item.context ?? []) add(path, `the "context" file ${path} of input "${name}" of item ${item.id}`);
  }
  for (const { option, path } of named) add(path, `the ${option} file ${path}`);
  for (const file of companions) add(file.path, file.what);
  return files;
}

/**
 * Refuses an --out-dir where an output would land on a file the batch reads: `--out-dir` the
 * inputs folder turns `x.npy` into the output `x.npy`, and the model's folder turns an item
 * `model` into `model.json` or a text item `tokenizer` into `tokenizer.json`. `named`: the files
 * the options name; `companions`: those read beside them (the model's weights, its tokenizer);
 * `summary`: the summary file the run writes; `numbered`: given where tensor items draw heatmaps,
 * so that one of several examples writes `<id>-k.png` (its arrays read within `maxInputBytes`).
 */
export function refuseOutputsOverInputs(
  outDir: string,
  items: readonly BatchItem[],
  options: {
    readonly heatmaps: boolean;
    readonly summary: string;
    readonly named: readonly GivenInputFile[];
    readonly companions: readonly CompanionFile[];
    readonly numbered?: { readonly maxInputBytes: number };
  },
): void {
  const files = readFiles(items, options.named, options.companions);
  const refuse = (output: string): void => {
    const what = files.get(fileIdentity(output) ?? '');
    if (what !== undefined) throw new UsageError(`--out-dir ${outDir} would write ${output} over ${what}; give another --out-dir`);
  };
  const extensions = options.heatmaps ? [...ITEM_OUTPUTS, ...PICTURES] : ITEM_OUTPUTS;
  for (const item of items) for (const extension of extensions) refuse(join(outDir, `${item.id}${extension}`));
  refuse(options.summary);
  refuse(optionsPath(outDir));
  if (options.heatmaps && options.numbered !== undefined) refuseNumberedHeatmaps(outDir, items, files, options.numbered.maxInputBytes);
}
