import { describe, expect, it } from 'vitest';
import {
  agglomerate,
  BackendContractError,
  BaselineError,
  functionBackend,
  gridUnits,
  InvalidOptionError,
  NonFiniteError,
  occlusionScorer,
  sequenceUnits,
  TargetError,
  tensor,
  type GridLayout,
  type GroupScorer,
} from '../../src/index.js';
import { expectRefusal } from '../helpers/refusal.js';

// F(x) = Σ xᵢ, one output.
const sum = functionBackend({
  forward: ([x]) => [Array.from(x as Float32Array).reduce((s, v) => s + v, 0)],
  gradient: ([x], [seed]) => [new Float32Array((x as Float32Array).length).fill(seed as number)],
});
const x = tensor([1, 2, 3, 4, 5, 6], [1, 6]);

const customScorer = (score: GroupScorer['score']): GroupScorer => ({ kind: 'custom', cost: { forwardPasses: 0, gradientEvaluations: 0 }, score });

describe('hierarchy: malformed targets, baselines, scorers and layouts are refused', () => {
  it('a NaN target weight is a TargetError naming the entry, before the model runs', async () => {
    let calls = 0;
    const counted = functionBackend({
      forward: ([v]) => {
        calls++;
        return [(v as Float32Array)[0] as number];
      },
      gradient: ([v]) => [new Float32Array((v as Float32Array).length)],
    });
    const err = await occlusionScorer({ backend: counted, input: x, target: [Number.NaN] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    expect((err as Error).message).toBe('target[0] = NaN is not a finite number');
    expect(calls).toBe(0);
  });

  it('a NaN in a baseline tensor is a BaselineError naming the baseline and index', async () => {
    const err = await occlusionScorer({ backend: sum, input: x, target: 0, baseline: tensor([0, 0, Number.NaN, 0, 0, 0], [1, 6]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaselineError);
    expect((err as Error).message).toBe('baseline has NaN at flat index 2 (after broadcasting to [1, 6])');
  });

  it('a scorer returning the wrong number of scores names expected and got', async () => {
    const short = customScorer(async () => new Float64Array(1).fill(1));
    const err = await agglomerate(short, sequenceUnits(6)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendContractError);
    // Six units plus the whole input are scored first.
    expect((err as Error).message).toBe('custom scorer: score() returned 1 scores for 7 groups; expected one per group');
  });

  it('a scorer returning something other than a Float64Array, or a NaN score, is refused', async () => {
    const plain = customScorer(async (groups) => groups.map(() => 1) as unknown as Float64Array);
    await expectRefusal(
      () => agglomerate(plain, sequenceUnits(3)),
      BackendContractError,
      'custom scorer: score() must resolve to a Float64Array, got an array of 4 values',
    );
    const nan = customScorer(async (groups) => Float64Array.from(groups, (_, k) => (k === 1 ? Number.NaN : k)));
    const err = await agglomerate(nan, sequenceUnits(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toBe('custom score has NaN at flat index 1 (group 1 of 4)');
  });

  it('a scorer that keeps to the contract still builds the tree (scores as given)', async () => {
    const scorer = await occlusionScorer({ backend: sum, input: x, target: 0 });
    const tree = await agglomerate(scorer, sequenceUnits(6));
    // Occlusion of one unit of Σxᵢ removes exactly xᵢ; the root is the whole sum 21.
    expect(tree.levels[0]?.map((id) => tree.nodes[id]?.score)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tree.fullScore).toBe(21);
  });

  it('an unknown grid layout names the allowed ones', async () => {
    for (const layout of ['nhwc', 'HWC', '']) {
      await expectRefusal(
        () => gridUnits({ height: 2, width: 3, channels: 2, layout: layout as GridLayout }),
        InvalidOptionError,
        `layout must be one of 'hw', 'chw', 'hwc', got "${layout}"`,
      );
    }
    expect(gridUnits({ height: 1, width: 2, channels: 2, layout: 'hwc' }).features).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});
