import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The text benches' models: the SpamAssassin classifier of `ig demo --bundle text`, and the 4-layer transformer when exported. */
export const SPAM = fileURLToPath(new URL('../../cli/assets/text/spam.onnx', import.meta.url));
export const TRANSFORMER = fileURLToPath(new URL('../models/text-transformer.onnx', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/text/spam-lig.json', import.meta.url));

/** The Captum text reference's ids, masks and baseline id: the benches' texts. */
export const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as { inputIds: number[][]; attentionMask: number[][]; baselineId: number };

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Integers as a [1, n] int64 context tensor. */
export const int64 = (values: readonly number[]): { data: BigInt64Array; shape: number[] } => ({
  data: BigInt64Array.from(values, (v) => BigInt(v)),
  shape: [1, values.length],
});
