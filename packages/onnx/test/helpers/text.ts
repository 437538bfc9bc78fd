import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContextInputs } from '../../src/index.js';
import { fixtureBytes, fixturesDir } from './fixtures.js';

export interface SpamReference {
  readonly captum: string;
  readonly steps: number;
  readonly layer: string;
  readonly shape: readonly number[];
  readonly texts: readonly string[];
  readonly inputIds: readonly (readonly number[])[];
  readonly attentionMask: readonly (readonly number[])[];
  readonly baselineId: number;
  readonly cases: readonly { example: number; target: number; attributions: readonly number[]; delta: number; fInput: number; fBaseline: number }[];
}

export const spamBytes = fixtureBytes('text', 'spam.onnx');
export const spamReference = JSON.parse(readFileSync(join(fixturesDir, 'text', 'spam-lig.json'), 'utf8')) as SpamReference;
export const EMBEDDING_LAYER = '/embedding/Gather_output_0';

export const ids = (values: readonly number[]): { data: BigInt64Array; shape: number[] } => ({
  data: BigInt64Array.from(values.map((v) => BigInt(v))),
  shape: [1, values.length],
});

/** The example's int64 inputs, and a baseline of the pad id at every position. */
export function spamExample(example: number): { inputs: ContextInputs; baselines: ContextInputs } {
  const row = spamReference.inputIds[example] as readonly number[];
  return {
    inputs: { input_ids: ids(row), attention_mask: ids(spamReference.attentionMask[example] as readonly number[]) },
    baselines: { input_ids: ids(row.map(() => spamReference.baselineId)) },
  };
}
