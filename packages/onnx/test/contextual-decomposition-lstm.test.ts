import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildContextualDecompositionModel, createContextualDecomposition, cutAtTensor, UnsupportedDecompositionError } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';

interface Case {
  readonly sentence: number;
  readonly start: number;
  readonly stop: number;
  readonly hiddenRelevant: number[];
  readonly hiddenIrrelevant: number[];
  readonly relevant: number[];
  readonly irrelevant: number[];
}
interface Reference {
  readonly sizes: { readonly embed: number; readonly hidden: number; readonly length: number };
  readonly embeddingOutput: string;
  readonly embedded: number[][];
  readonly logits: number[][];
  readonly hidden: number[][];
  readonly cases: Case[];
}
const reference = JSON.parse(readFileSync(join(fixturesDir, 'cd-lstm', 'reference.json'), 'utf8')) as Reference;
const lstmModel = fixtureBytes('cd-lstm', 'model.onnx');
const { embed, length } = reference.sizes;

/** Per phrase of the sentence, a mask over [length, embed]: 1 on the phrase's words. */
function phraseMasks(cases: readonly Case[]): Float32Array {
  const masks = new Float32Array(cases.length * length * embed);
  cases.forEach((c, k) => masks.fill(1, (k * length + c.start) * embed, (k * length + c.stop + 1) * embed));
  return masks;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/** Each sentence's cases decomposed at `output`; `pick` reads a case's reference parts. */
async function compare(output: 'hidden' | 'logits', width: number, pick: (c: Case) => [number[], number[]], whole: (s: number) => number[]) {
  const cut = cutAtTensor(lstmModel, reference.embeddingOutput, output);
  const cd = await createContextualDecomposition(runtimes.node, 'onnxruntime-node', cut.suffix, { input: reference.embeddingOutput });
  let worst = 0;
  let worstSum = 0;
  for (const [s, embedded] of reference.embedded.entries()) {
    const cases = reference.cases.filter((c) => c.sentence === s);
    const { relevant, irrelevant } = await cd.decompose(Float32Array.from(embedded), [length, embed], phraseMasks(cases), cases.length);
    cases.forEach((c, k) => {
      const [rel, irrel] = pick(c);
      worst = Math.max(worst, maxDiff(relevant.subarray(k * width, (k + 1) * width), rel), maxDiff(irrelevant.subarray(k * width, (k + 1) * width), irrel));
      const sums = Array.from({ length: width }, (_, j) => (relevant[k * width + j] as number) + (irrelevant[k * width + j] as number));
      worstSum = Math.max(worstSum, maxDiff(sums, whole(s)));
    });
  }
  await cd.dispose();
  return { worst, worstSum };
}

describe('contextual decomposition of an LSTM (ACD text model: Embedding → LSTM → Linear)', () => {
  it("equals acd's cd_text for the LSTM's last hidden state, phrase by phrase", async () => {
    const { worst, worstSum } = await compare(
      'hidden',
      reference.sizes.hidden,
      (c) => [c.hiddenRelevant, c.hiddenIrrelevant],
      (s) => reference.hidden[s] as number[],
    );
    // float32 here against cd_text's float64 over 7 steps: measured 2.1e-7 on parts up to 0.9.
    expect(worst).toBeLessThan(1e-6);
    // The CD identity: the parts add up to the hidden state torch computes (float32), measured 1.3e-7.
    expect(worstSum).toBeLessThan(5e-7);
  });

  it("equals cd_text's parts through the Linear (its bias split as acd splits a Linear's), and they add up to the logits", async () => {
    const { worst, worstSum } = await compare(
      'logits',
      2,
      (c) => [c.relevant, c.irrelevant],
      (s) => reference.logits[s] as number[],
    );
    // The reference splits the bias in float32 too; measured 6.7e-7 on parts up to 0.43, and 7.5e-8 for the identity.
    expect(worst).toBeLessThan(1e-6);
    expect(worstSum).toBeLessThan(5e-7);
  });

  it('names the LSTM forms it does not carry', () => {
    const cut = cutAtTensor(lstmModel, reference.embeddingOutput);
    const graph = cut.suffix.graph;
    const node = graph?.node?.find((n) => n.opType === 'LSTM');
    expect(node).toBeDefined();
    node?.attribute?.push({ name: 'direction', type: 3, s: new TextEncoder().encode('bidirectional') });
    expect(() => buildContextualDecompositionModel(cut.suffix, { input: reference.embeddingOutput })).toThrow(UnsupportedDecompositionError);
    expect(() => buildContextualDecompositionModel(cut.suffix, { input: reference.embeddingOutput })).toThrow(
      /LSTM .*direction "forward\+reverse": only forward LSTMs/,
    );

    const unstated = cutAtTensor(lstmModel, reference.embeddingOutput);
    const x = unstated.suffix.graph?.node?.find((n) => n.opType === 'LSTM')?.input?.[0];
    if (unstated.suffix.graph) unstated.suffix.graph.valueInfo = (unstated.suffix.graph.valueInfo ?? []).filter((v) => v.name !== x);
    expect(() => buildContextualDecompositionModel(unstated.suffix, { input: reference.embeddingOutput })).toThrow(
      /LSTM .*the sequence length of X \("\/lstm\/Transpose_output_0"\) is not stated in the model/,
    );
  });
});

describe('contextual decomposition of a product of two parts (Mul)', () => {
  it("gives relevant·relevant and the sigmoid's constant·relevant to the relevant part, the terms with an irrelevant factor to the irrelevant part", async () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 4] },
      nodes: [
        { op: 'Sigmoid', inputs: ['x'], outputs: ['s'] },
        { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const cd = await createContextualDecomposition(runtimes.node, 'onnxruntime-node', bytes);
    const x = Float32Array.from([0.7, -1.3, 2.1, -0.4]);
    const mask = Float32Array.from([1, 0, 1, 1]);
    const { relevant, irrelevant } = await cd.decompose(x, [4], mask, 1);
    const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    x.forEach((v, j) => {
      const r = (mask[j] as number) * v;
      const i = v - r;
      // The Shapley split of the sigmoid for the relevant part of s, then the product rule with
      // σ(0) = ½, which the split leaves in the irrelevant part, times r to the relevant part.
      const sRel = 0.5 * (sigmoid(r) - 0.5 + (sigmoid(v) - sigmoid(i)));
      const expected = r * (sRel + 0.5);
      // float32 against float64: measured ≤ 1.3e-7 on values up to 1.9.
      expect(Math.abs((relevant[j] as number) - expected)).toBeLessThan(5e-7);
      expect(Math.abs((relevant[j] as number) + (irrelevant[j] as number) - v * sigmoid(v))).toBeLessThan(5e-7);
    });
    await cd.dispose();
  });
});
