import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, tempDir } from './helpers.js';
import { expectTokensComplete, type TokenSample } from './text-checks.js';

// A manifest line of token ids gives its own values of the model's other inputs in "context",
// as `ig explain --context-input NAME=FILE.npy` does: here bert.onnx (fixtures/text_models) with
// [CLS] the movie was not good [SEP] [PAD] [PAD], its mask and a second segment's token types.
const DIR = fixture('text_models');
const ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));
const BERT = join(DIR, 'bert.onnx');
const IDS = [2, 5, 6, 8, 12, 13, 3, 0, 0];
const MASK = [1, 1, 1, 1, 1, 1, 1, 0, 0];
const TYPES = [0, 0, 0, 0, 1, 1, 1, 0, 0];

const npy = (values: readonly number[]): Uint8Array =>
  formatNpy(
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );
const int64 = (values: readonly number[]): ort.Tensor =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );

interface Item extends TokenSample {
  status: string;
}

const MANIFEST = [
  { input: 'ids.npy', id: 'ctx', context: { attention_mask: 'mask.npy', token_type_ids: 'types.npy' } },
  { input: 'ids.npy', id: 'plain' },
  { input: 'ids.npy', id: 'unknown', context: { segment_ids: 'mask.npy' } },
  { input: 'ids.npy', id: 'number', context: { attention_mask: 3 } },
  { text: 'the movie', id: 'text', context: { attention_mask: 'mask.npy' } },
  { input: 'ids.npy', id: 'missing', context: { attention_mask: 'nope.npy' } },
  { input: 'ids.npy', id: 'list', context: ['mask.npy'] },
];

describe('ig batch: a per-item "context" for token ids', () => {
  it('an item with a context is what ig explain --context-input gives, and the model run on those inputs', async () => {
    const cwd = tempDir('batch-context');
    writeFileSync(join(cwd, 'ids.npy'), npy(IDS));
    writeFileSync(join(cwd, 'mask.npy'), npy(MASK));
    writeFileSync(join(cwd, 'types.npy'), npy(TYPES));
    writeFileSync(join(cwd, 'items.jsonl'), `${MANIFEST.map((m) => JSON.stringify(m)).join('\n')}\n`);
    const common = ['--model', BERT, '--tokenizer', join(DIR, 'wordpiece.json'), '--target', '1', '--no-cache'];
    const run = ig(['batch', ...common, '--inputs', 'items.jsonl', '--out-dir', 'out'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('5 of 7');

    const item = JSON.parse(readFileSync(join(cwd, 'out', 'ctx.json'), 'utf8')) as Item;
    const explained = ig(
      [
        'explain',
        ...common,
        '--input',
        'ids.npy',
        '--context-input',
        'attention_mask=mask.npy',
        '--context-input',
        'token_type_ids=types.npy',
        '--json',
        'e.json',
      ],
      { cwd },
    );
    expect(explained.code, explained.stderr).toBe(0);
    const single = JSON.parse(readFileSync(join(cwd, 'e.json'), 'utf8')) as TokenSample;
    expect(item.tokenAttributions).toEqual(single.tokenAttributions);
    expect(item.fInput).toBe(single.fInput);

    // F(x) is the model run by onnxruntime on the ids with that mask and those token types.
    const session = await ort.InferenceSession.create(BERT, { logSeverityLevel: 4 });
    const out = await session.run({ input_ids: int64(IDS), attention_mask: int64(MASK), token_type_ids: int64(TYPES) });
    await session.release();
    expect(item.fInput).toBeCloseTo((out['logits'] as ort.Tensor).data[1] as number, 6);
    // Measured |delta| / |F(x) − F(x′)| 9.2e-7 at 50 steps.
    expectTokensComplete(item, 9e-6);
    // Without a context the mask is all ones and the types zeros: another function of the same ids.
    const plain = JSON.parse(readFileSync(join(cwd, 'out', 'plain.json'), 'utf8')) as Item;
    expect(Math.abs(plain.fInput - item.fInput)).toBeGreaterThan(1e-3);

    const error = (id: string): string => (JSON.parse(readFileSync(join(cwd, 'out', `${id}.error.json`), 'utf8')) as { error: string }).error;
    // The manifest as --inputs names it.
    const manifest = 'items.jsonl';
    expect(error('unknown')).toContain(
      `${manifest} line 3: "context" input "segment_ids": not a context input of the model (inputs: input_ids, attention_mask, token_type_ids)`,
    );
    expect(error('number')).toContain('line 4: "context" input "attention_mask" must be a .npy file path, got 3');
    expect(error('text')).toContain('line 5: "context" goes with token ids in "input"; a "text" gets its other inputs from the tokenizer');
    expect(error('missing')).toContain(`${manifest} line 6: "context" input "attention_mask"`);
    expect(error('missing')).toContain('nope.npy');
    expect(error('list')).toContain('line 7: "context" must be an object of model input names and .npy files');
  });

  it('a context naming an input a float model does not have fails that item, naming the line and the input', () => {
    const cwd = tempDir('batch-context-float');
    writeFileSync(join(cwd, 'sample0.npy'), readFileSync(join(ASSETS, 'sample0.npy')));
    writeFileSync(join(cwd, 'm.npy'), formatNpy(Float32Array.of(1), [1]));
    writeFileSync(join(cwd, 'items.jsonl'), `${JSON.stringify({ input: 'sample0.npy', id: 's0', context: { mask: 'm.npy' } })}\n`);
    const run = ig(['batch', '--model', join(ASSETS, 'small_cnn.onnx'), '--inputs', 'items.jsonl', '--out-dir', 'out', '--no-cache'], { cwd });
    expect(run.code).toBe(1);
    const { error } = JSON.parse(readFileSync(join(cwd, 'out', 's0.error.json'), 'utf8')) as { error: string };
    expect(error).toMatch(/^items\.jsonl line 1: "context": input "mask": is not an input of the model \(inputs: /);
  });
});
