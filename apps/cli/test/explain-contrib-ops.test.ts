import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, tempDir } from './helpers.js';

// One BERT-like classifier written with onnxruntime's contrib ops (EmbedLayerNormalization,
// Attention) and with standard ops, same weights: packages/onnx/scripts/contrib_transformer.py.
const FIXTURES = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/contrib-transformer/', import.meta.url));

interface IdsReport {
  layer: string;
  fInput: number;
  fBaseline: number;
  tokenAttributions: number[];
}

describe('ig explain on a model holding onnxruntime contrib ops, token ids as input', () => {
  it('attributes through the word lookup inside EmbedLayerNormalization as the standard-ops model does', () => {
    const cwd = tempDir('explain-contrib-ops');
    const ids = [3, 17, 25, 8, 31, 12];
    writeFileSync(
      join(cwd, 'ids.npy'),
      formatNpy(
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [1, ids.length],
      ),
    );
    const reports = ['contrib', 'standard'].map((name) => {
      const run = ig(['explain', '--model', join(FIXTURES, `${name}.onnx`), '--input', 'ids.npy', '--target', '1', '--json', `${name}.json`], { cwd });
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(readFileSync(join(cwd, `${name}.json`), 'utf8')) as IdsReport;
    });
    const [fused, plain] = reports as [IdsReport, IdsReport];
    expect(fused.layer).toBe('embedded/word_embeddings');
    expect(plain.layer).toBe('words');
    expect(fused.tokenAttributions).toHaveLength(ids.length);
    const scale = Math.max(...plain.tokenAttributions.map(Math.abs));
    // Measured: 2.6e-7 of the largest token attribution (gradient graphs that sum in other orders).
    fused.tokenAttributions.forEach((a, t) => expect(Math.abs(a - (plain.tokenAttributions[t] as number))).toBeLessThan(2e-6 * scale));
    // Measured: 2.4e-7 between the logits, 1.2e-7 relative completeness error.
    expect(Math.abs(fused.fInput - plain.fInput)).toBeLessThan(2e-6);
    const sum = fused.tokenAttributions.reduce((s, a) => s + a, 0);
    expect(Math.abs(sum - (fused.fInput - fused.fBaseline))).toBeLessThan(1e-6 * Math.abs(fused.fInput - fused.fBaseline));
  });
});
