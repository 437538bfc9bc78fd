/**
 * The tokenizer.json that token runs read next to the model without --tokenizer, and the
 * "context" files of a batch manifest, are refused as outputs as the files the options name are:
 * before anything is written, naming the option, the output and the file, which is kept.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, tempDir } from './helpers.js';

const TEXT_ASSETS = fileURLToPath(new URL('../assets/text/', import.meta.url));
const dir = tempDir('outputs-over-tokenizers');
const model = join(dir, 'spam.onnx');
const tokenizer = join(dir, 'tokenizer.json');
copyFileSync(join(TEXT_ASSETS, 'spam.onnx'), model);
copyFileSync(join(TEXT_ASSETS, 'tokenizer.json'), tokenizer);
const bytes = readFileSync(tokenizer);
const text = 'claim your free prize now';
const report = join(dir, 'report.json');
const beside = `the tokenizer ${tokenizer} beside --model ${model}`;
const refusal = (option: string, output: string, what = beside): string =>
  `${option} ${output} is ${what}; writing it would replace that file: name another file`;
const int64Npy = (values: readonly number[]): Uint8Array =>
  formatNpy(
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );

/** The run was refused with exit 2 and `message`, the file kept and the other output not written. */
function expectRefused(run: ReturnType<typeof ig>, message: string, file = tokenizer, kept = bytes, other = report): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(message);
  expect(readFileSync(file).equals(kept)).toBe(true);
  expect(existsSync(other)).toBe(false);
}

describe('outputs over the tokenizer.json next to the model', () => {
  it('ig explain --text refuses --json naming it, and --html through a symbolic link to it', () => {
    expectRefused(ig(['explain', '--model', model, '--text', text, '--json', tokenizer, '--html', report]), refusal('--json', tokenizer));
    const link = join(dir, 'page.html');
    symlinkSync(tokenizer, link);
    expectRefused(ig(['explain', '--model', model, '--text', text, '--html', link, '--json', report]), refusal('--html', link));
  });

  it('ig explain with token ids in --input refuses --json naming it by another relative spelling', () => {
    writeFileSync(join(dir, 'ids.npy'), int64Npy([5, 6, 7]));
    const run = ig(['explain', '--model', 'spam.onnx', '--input', 'ids.npy', '--json', './tokenizer.json'], { cwd: dir });
    expectRefused(run, refusal('--json', './tokenizer.json', `the tokenizer tokenizer.json beside --model spam.onnx`));
  });

  it('ig hierarchy --text refuses --html naming it', () => {
    expectRefused(ig(['hierarchy', '--model', model, '--text', text, '--html', tokenizer, '--json', report]), refusal('--html', tokenizer));
  });

  it('ig batch refuses an --out-dir where a text item’s report is tokenizer.json', () => {
    const manifest = join(dir, 'texts.jsonl');
    writeFileSync(manifest, `${JSON.stringify({ id: 'tokenizer', text })}\n`);
    const run = ig(['batch', '--model', model, '--inputs', manifest, '--out-dir', dir, '-q']);
    expectRefused(run, `--out-dir ${dir} would write ${tokenizer} over ${beside}; give another --out-dir`, tokenizer, bytes, join(dir, 'summary.jsonl'));
    expect(existsSync(join(dir, 'batch-options.json'))).toBe(false);
  });

  it('with --tokenizer given elsewhere, the file next to the model is not read and an output there is written', () => {
    const elsewhere = join(dir, 'other');
    mkdirSync(elsewhere);
    copyFileSync(tokenizer, join(elsewhere, 'tokenizer.json'));
    const run = ig(['explain', '--model', model, '--tokenizer', join(elsewhere, 'tokenizer.json'), '--text', text, '--json', join(dir, 'beside.json')]);
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'beside.json'))).toBe(true);
    expect(readFileSync(tokenizer).equals(bytes)).toBe(true);
  });
});

describe('outputs over a batch manifest’s "context" file', () => {
  it('ig batch refuses an --out-dir where an item’s attributions would replace another’s context file', () => {
    const folder = join(dir, 'context');
    mkdirSync(folder);
    writeFileSync(join(folder, 'ids.npy'), int64Npy([2, 5, 6, 3]));
    const mask = join(folder, 'mask.npy');
    writeFileSync(mask, int64Npy([1, 1, 1, 1]));
    const kept = readFileSync(mask);
    const manifest = join(folder, 'items.jsonl');
    writeFileSync(manifest, `${JSON.stringify({ input: 'ids.npy', id: 'mask', context: { attention_mask: 'mask.npy' } })}\n`);
    const run = ig(['batch', '--model', fixture('text_models', 'bert.onnx'), '--inputs', manifest, '--out-dir', folder, '-q']);
    const message = `--out-dir ${folder} would write ${mask} over the "context" file ${mask} of input "attention_mask" of item mask; give another --out-dir`;
    expectRefused(run, message, mask, kept, join(folder, 'summary.jsonl'));
    expect(readdirSync(folder).sort()).toEqual(['ids.npy', 'items.jsonl', 'mask.npy']);
  });
});
