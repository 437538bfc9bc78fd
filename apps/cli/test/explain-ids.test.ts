import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as OnnxNode from '@ig/onnx/node';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

const TEXT_ASSETS = fileURLToPath(new URL('../assets/text/', import.meta.url));
const spam = join(TEXT_ASSETS, 'spam.onnx');
const tagger = fixture('token_tagger', 'token_tagger.onnx');

interface IdsReport {
  layer: string;
  target: number | number[];
  baselineId: number;
  fInput: number;
  fBaseline: number;
  delta: number;
  tokenAttributions: number[];
}

const int64Npy = (values: readonly number[]): Uint8Array =>
  formatNpy(
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );

/** The tagger's logits [L, 3] for one row of ids, mask all ones, run directly on onnxruntime. */
async function taggerLogits(ids: readonly number[]): Promise<Float32Array> {
  const onnx = (await import('@ig/onnx/node')) as typeof OnnxNode;
  const ort = onnx.runtime as unknown as {
    InferenceSession: { create(path: string): Promise<{ run(feeds: object): Promise<Record<string, { data: Float32Array }>>; release(): Promise<void> }> };
    Tensor: new (type: string, data: BigInt64Array, dims: number[]) => object;
  };
  const session = await ort.InferenceSession.create(tagger);
  const dims = [1, ids.length];
  const out = await session.run({
    input_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from(ids, (v) => BigInt(v)),
      dims,
    ),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), dims),
  });
  await session.release();
  return out['logits']?.data as Float32Array;
}

describe('ig explain --target auto on a float [positions, classes] output', () => {
  it('notes which position and class the largest output is, and attributes only that position', async () => {
    const cwd = tempDir('explain-seq-float');
    const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(1.7 * i + 0.3));
    writeFileSync(join(cwd, 'x.npy'), formatNpy(x, [1, 5, 4]));
    const run = ig(['explain', '--model', fixture('token_tagger', 'sequence_float.onnx'), '--input', 'x.npy', '--out', 'a.npy'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const onnx = (await import('@ig/onnx/node')) as typeof OnnxNode;
    const backend = await onnx.onnxBackend(new Uint8Array(readFileSync(fixture('token_tagger', 'sequence_float.onnx'))));
    const logits = await backend.predict({ points: [x], pointShapes: [[5, 4]], count: 1 });
    await backend.dispose();
    const best = logits.indexOf(Math.max(...logits));
    const position = Math.floor(best / 3);
    expect(run.stderr).toContain(`target auto: output ${best} is position ${position}, class ${best % 3} of the [?, 3] output (the largest)`);
    expect(run.stdout).toContain(`target ${best}:`);
    const attributions = readFloat32Npy(join(cwd, 'a.npy')).data;
    attributions.forEach((a, i) => (Math.floor(i / 4) === position ? undefined : expect(a).toBe(0)));
  });
});

describe('ig explain --input ids.npy (token ids as an int64 .npy)', () => {
  it('on the spam model gives the token attributions of --text for the same ids (mask inferred as all ones)', () => {
    const cwd = tempDir('explain-ids');
    const text = 'Click here to claim your FREE prize now, limited offer';
    const fromText = ig(['explain', '--model', spam, '--text', text, '--target', '1', '--json', 'text.json'], { cwd });
    expect(fromText.code, fromText.stderr).toBe(0);
    const sample = (
      JSON.parse(readFileSync(join(cwd, 'text.json'), 'utf8')) as { samples: { tokens: string[]; tokenAttributions: number[]; fInput: number }[] }
    ).samples[0];
    const vocab = (JSON.parse(readFileSync(join(TEXT_ASSETS, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
    writeFileSync(join(cwd, 'ids.npy'), int64Npy(sample?.tokens.map((t) => vocab[t] as number) ?? []));
    const run = ig(
      ['explain', '--model', spam, '--input', 'ids.npy', '--layer', '/embedding/Gather_output_0', '--target', '1', '--json', 'ids.json', '--out', 'attr.npy'],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'ids.json'), 'utf8')) as IdsReport;
    expect(report.baselineId).toBe(0);
    expect(report.tokenAttributions).toHaveLength(sample?.tokens.length ?? -1);
    // Unpadded ids with an all-ones mask are the padded, masked sequence of --text: the conv sees zeros past
    // the text either way; the sums run over 11 instead of 128 positions. Measured: 3.6e-7 on attributions
    // up to 3.7 (about 1e-7 relative), and 9.5e-7 (one ulp) on a logit near 10.
    report.tokenAttributions.forEach((a, t) => expect(Math.abs(a - (sample?.tokenAttributions[t] as number))).toBeLessThan(2e-6));
    expect(Math.abs(report.fInput - (sample?.fInput as number))).toBeLessThan(5e-6);
    expect(run.stdout).toMatch(/wrote attr\.npy/);

    // --baseline-ids: a file of [UNK] ids (id 1), one per position, is the --baseline-token [UNK] baseline.
    writeFileSync(join(cwd, 'unk.json'), JSON.stringify(new Array(sample?.tokens.length).fill(1)));
    const fromFile = ig(['explain', '--model', spam, '--input', 'ids.npy', '--target', '1', '--baseline-ids', 'unk.json', '--json', 'a.json'], { cwd });
    const byToken = ig(['explain', '--model', spam, '--input', 'ids.npy', '--target', '1', '--baseline-token', '[UNK]', '--json', 'b.json'], { cwd });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(byToken.code, byToken.stderr).toBe(0);
    const [a, b] = ['a.json', 'b.json'].map((f) => JSON.parse(readFileSync(join(cwd, f), 'utf8')) as IdsReport);
    expect(b?.baselineId).toBe(1);
    expect(a?.fBaseline).not.toBe(report.fBaseline);
    expect(a?.tokenAttributions).toEqual(b?.tokenAttributions);
    expect(a?.fBaseline).toBe(b?.fBaseline);
  });

  it('--target auto on a [positions, classes] output says which position it used; only that position is attributed', async () => {
    const cwd = tempDir('explain-ids-tagger');
    const ids = [3, 7, 1, 11, 5, 2];
    writeFileSync(join(cwd, 'ids.npy'), int64Npy(ids));
    const run = ig(['explain', '--model', tagger, '--input', 'ids.npy', '--json', 'r.json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const logits = await taggerLogits(ids);
    const best = logits.indexOf(Math.max(...logits));
    const [position, cls] = [Math.floor(best / 3), best % 3];
    expect(run.stderr).toContain(`target auto: position ${position}, class ${cls}`);
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as IdsReport;
    expect(report.layer).toBe('embedded');
    expect(report.target).toEqual([position, cls]);
    expect(Math.abs(report.fInput - (logits[best] as number))).toBeLessThan(1e-6);
    const atBaseline = await taggerLogits(ids.map(() => 0));
    expect(Math.abs(report.fBaseline - (atBaseline[best] as number))).toBeLessThan(1e-6);
    // logits[p] depends on the embedding at p alone: every other token gets exactly 0.
    report.tokenAttributions.forEach((a, t) => (t === position ? expect(Math.abs(a)).toBeGreaterThan(1e-3) : expect(a).toBe(0)));
    const sum = report.tokenAttributions.reduce((s, a) => s + a, 0);
    expect(Math.abs(sum - (report.fInput - report.fBaseline) - report.delta)).toBeLessThan(1e-6);
    const missing = ig(['explain', '--model', tagger, '--input', 'ids.npy', '--context-input', 'attention_mask=none.npy'], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/none\.npy/);
    writeFileSync(join(cwd, 'short-mask.npy'), int64Npy([1, 1, 1]));
    const shortMask = ig(['explain', '--model', tagger, '--input', 'ids.npy', '--context-input', 'attention_mask=short-mask.npy'], { cwd });
    expect(shortMask.code).toBe(1);
    expect(shortMask.stderr).toContain('input "attention_mask": axis 1 ("sequence") has length 3, but "input_ids" has 6');
    writeFileSync(join(cwd, 'two.npy'), formatNpy(new BigInt64Array(4), [2, 2]));
    const two = ig(['explain', '--model', tagger, '--input', 'two.npy'], { cwd });
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/two\.npy: input must be one sequence, shape \[1, L\] or \[L\]; got \[2, 2\]/);
  });
});
