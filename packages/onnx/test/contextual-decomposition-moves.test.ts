import { describe, expect, it } from 'vitest';
import { makeModel, type ConstantSpec, type NodeSpec } from './helpers/model.js';
import { decomposeModel } from './helpers/decompose.js';

/**
 * x = [scores (4), values (4)]; probabilities p = Softmax(scores + m) with m = ln[1, 2, 3, 4], so
 * S(0 + m) = [1, 2, 3, 4] / 10; a shape op moves p and the values alike, and y = moved(p) ⊙
 * moved(v). With the values relevant and the scores not, p's relevant part is 0 and the CD
 * product gives S(0)·v_rel to the relevant part: rel = moved(S(m) ⊙ v), once the shape op
 * moves S(0) as it moves p.
 */
const atZero = [1, 2, 3, 4].map((v) => v / 10);
const int64 = (values: number[]): ConstantSpec => ({ dims: [values.length], values, type: 'int64' });

interface MoveCase {
  readonly name: string;
  /** The op chain, from `${prefix}0` to `${prefix}out`. */
  readonly chain: (prefix: string) => NodeSpec[];
  readonly constants?: Record<string, ConstantSpec>;
  /** Which of the four elements the chain's output holds, in order. */
  readonly picks: number[];
}

const one = (op: string, inputs: string[], attributes?: NodeSpec['attributes']): ((p: string) => NodeSpec[]) => {
  return (p) => [{ op, inputs: [`${p}0`, ...inputs], outputs: [`${p}out`], ...(attributes ? { attributes } : {}) }];
};

const cases: readonly MoveCase[] = [
  { name: 'Identity', chain: one('Identity', []), picks: [0, 1, 2, 3] },
  { name: 'Dropout (inference)', chain: one('Dropout', []), picks: [0, 1, 2, 3] },
  {
    name: 'Reshape to 2×2 then Transpose',
    chain: (p) => [
      { op: 'Reshape', inputs: [`${p}0`, 'square'], outputs: [`${p}1`] },
      { op: 'Transpose', inputs: [`${p}1`], outputs: [`${p}out`], attributes: { perm: { ints: [1, 0] } } },
    ],
    constants: { square: int64([2, 2]) },
    picks: [0, 2, 1, 3],
  },
  {
    name: 'Unsqueeze then Squeeze',
    chain: (p) => [
      { op: 'Unsqueeze', inputs: [`${p}0`, 'axisZero'], outputs: [`${p}1`] },
      { op: 'Squeeze', inputs: [`${p}1`, 'axisZero'], outputs: [`${p}out`] },
    ],
    constants: { axisZero: int64([0]) },
    picks: [0, 1, 2, 3],
  },
  { name: 'Slice', chain: one('Slice', ['from1', 'to3', 'axisOne']), constants: { from1: int64([1]), to3: int64([3]), axisOne: int64([1]) }, picks: [1, 2] },
  { name: 'Gather', chain: one('Gather', ['order'], { axis: { int: 1 } }), constants: { order: int64([3, 0, 2]) }, picks: [3, 0, 2] },
  {
    name: 'Split (the second piece)',
    chain: (p) => [{ op: 'Split', inputs: [`${p}0`, 'pieces'], outputs: [`${p}first`, `${p}out`], attributes: { axis: { int: 1 } } }],
    constants: { pieces: int64([1, 3]) },
    picks: [1, 2, 3],
  },
];

function probabilitiesTimesValues(c: MoveCase): Uint8Array {
  return makeModel({
    opset: 14,
    inputs: { x: [1, 8] },
    constants: {
      scoresEnd: int64([4]),
      start: int64([0]),
      end: int64([8]),
      axis: int64([1]),
      m: { dims: [1, 4], values: [1, 2, 3, 4].map(Math.log) },
      ...(c.constants ?? {}),
    },
    nodes: [
      { op: 'Slice', inputs: ['x', 'start', 'scoresEnd', 'axis'], outputs: ['scores'] },
      { op: 'Slice', inputs: ['x', 'scoresEnd', 'end', 'axis'], outputs: ['v0'] },
      { op: 'Add', inputs: ['scores', 'm'], outputs: ['masked'] },
      { op: 'Softmax', inputs: ['masked'], outputs: ['p0'], attributes: { axis: { int: -1 } } },
      ...c.chain('p'),
      ...c.chain('v'),
      { op: 'Mul', inputs: ['pout', 'vout'], outputs: ['y'] },
    ],
    outputs: ['y'],
  });
}

describe("a Softmax's S(0) moved by the shape ops between the probabilities and their product with values", () => {
  for (const c of cases) {
    it(`${c.name}: the relevant values get S(0)·v_rel`, async () => {
      const x = Float32Array.from([0.3, -1.1, 0.8, 2.0, 1.5, -0.7, 2.5, -3.0]);
      const valuesOnly = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
      const { output, relevant, irrelevant } = await decomposeModel(makeModelOnce(c), x, [8], valuesOnly, 1);
      c.picks.forEach((k, o) => {
        const expected = (atZero[k] as number) * (x[4 + k] as number);
        // float32 rounding of S(m) (ln of small integers, exp, sum): measured ≤ 6e-8
        expect(Math.abs((relevant[o] as number) - expected)).toBeLessThan(3e-7);
        expect(Math.abs((relevant[o] as number) + (irrelevant[o] as number) - (output[o] as number))).toBeLessThan(3e-7);
      });
    });
  }
});

const built = new Map<string, Uint8Array>();
function makeModelOnce(c: MoveCase): Uint8Array {
  const bytes = built.get(c.name) ?? probabilitiesTimesValues(c);
  built.set(c.name, bytes);
  return bytes;
}

describe('an additive mask carried through a Reshape before the Softmax (scores viewed per window)', () => {
  it('the mask stays inside the softmax: the closed form of the Shapley split of S(· + m)', async () => {
    // x: 2 windows × 3 scores, flat; m blocks score 2 of window 0 and score 0 of window 1 with float32's minimum
    const blocked = -3.4028234663852886e38;
    const bytes = makeModel({
      opset: 14,
      inputs: { x: [1, 6] },
      constants: { m: { dims: [1, 6], values: [0, 0, blocked, blocked, 0, 0] }, windows: int64([1, 2, 3]) },
      nodes: [
        { op: 'Add', inputs: ['x', 'm'], outputs: ['masked'] },
        { op: 'Reshape', inputs: ['masked', 'windows'], outputs: ['perWindow'] },
        { op: 'Softmax', inputs: ['perWindow'], outputs: ['y'], attributes: { axis: { int: -1 } } },
      ],
      outputs: ['y'],
    });
    const x = Float32Array.from([0.4, -1.2, 0.9, 1.7, -0.3, 0.6]);
    const masks = Float32Array.from([1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1]);
    const { output, relevant, irrelevant } = await decomposeModel(bytes, x, [6], masks, 2);
    const mask = [0, 0, blocked, blocked, 0, 0];
    const softmax = (z: number[]): number[] => {
      const top = Math.max(...z);
      const e = z.map((v) => Math.exp(v - top));
      const total = e.reduce((s, v) => s + v, 0);
      return e.map((v) => v / total);
    };
    for (let k = 0; k < 2; k++) {
      for (let w = 0; w < 2; w++) {
        const at = (values: (f: number) => number): number[] => [0, 1, 2].map((j) => values(w * 3 + j) + (mask[w * 3 + j] as number));
        const r = (f: number): number => (masks[k * 6 + f] as number) * (x[f] as number);
        const i = (f: number): number => (x[f] as number) - r(f);
        const [sr, s0, sw, si] = [softmax(at(r)), softmax(at(() => 0)), softmax(at((f) => x[f] as number)), softmax(at(i))];
        [0, 1, 2].forEach((j) => {
          const rel = 0.5 * ((sr[j] as number) - (s0[j] as number) + (sw[j] as number) - (si[j] as number));
          const o = w * 3 + j;
          // float32 softmax against the float64 closed form: measured ≤ 3e-8
          expect(Math.abs((relevant[k * 6 + o] as number) - rel)).toBeLessThan(3e-7);
          expect(Math.abs((relevant[k * 6 + o] as number) + (irrelevant[k * 6 + o] as number) - (output[o] as number))).toBeLessThan(3e-7);
        });
      }
    }
  });
});
