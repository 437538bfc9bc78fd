import { describe, expect, it } from 'vitest';
import {
  checkAxioms,
  integratedGradients,
  InvalidOptionError,
  ShapeMismatchError,
  smoothIntegratedGradients,
  tensor,
  type AxiomCheckOptions,
  type GradientBackend,
} from '../src/index.js';
import { resolveTargets, targetsPerExample, type TargetSpec } from '../src/targets.js';
import { weightedSquares } from './helpers/closed-forms.js';
import { inputs, twoInputSquares, X_SIZE, Y_SIZE } from './helpers/two-input-squares.js';

/** |actual − expected| / (1 + |expected|): float32 attributions, measured ≤ 2.1e-7. */
const TOLERANCE = 8e-7;

function expectCloseTo(actual: Float32Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs((actual[i] as number) - e) / (1 + Math.abs(e)))));
  expect(worst).toBeLessThanOrEqual(TOLERANCE);
}

const target = { classes: [0, 1] };

describe('attributionsInto: misuse is rejected before any backend call', () => {
  const square = weightedSquares([1, 1, 1, 1]).backend;
  let calls = 0;
  const spy: GradientBackend = {
    ...square,
    predict: async (batch) => {
      calls++;
      return square.predict(batch);
    },
  };
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
  const reject = async (run: Promise<unknown>, type: new (message: string) => Error, message: string): Promise<void> => {
    calls = 0;
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toBe(message);
    expect(calls).toBe(0);
  };

  it('names the input, the expected and the actual length', async () => {
    const { backend } = twoInputSquares('offered');
    await reject(
      integratedGradients(spy, x, { attributionsInto: [new Float32Array(7)] }),
      ShapeMismatchError,
      "attributionsInto[0] has 7 values; input 0's attributions need 8 (2 example(s) × 4)",
    );
    await reject(
      integratedGradients(backend, inputs, { target, attributionsInto: [new Float32Array(4 * X_SIZE), new Float32Array(2 * Y_SIZE)] }),
      ShapeMismatchError,
      "attributionsInto[1] has 260 values; input 1's attributions need 520 (2 example(s) × 2 targets × 130)",
    );
    await reject(
      integratedGradients(spy, x, { attributionsInto: [] }),
      ShapeMismatchError,
      'attributionsInto has 0 array(s) for a model with 1 input(s); give one per input',
    );
    await reject(
      integratedGradients(spy, x, { attributionsInto: [new Float64Array(8)] as never }),
      InvalidOptionError,
      'attributionsInto[0] must be a Float32Array',
    );
    await reject(
      integratedGradients(spy, x, { attributionsInto: new Float32Array(8) as never }),
      InvalidOptionError,
      'attributionsInto must be an array of 1 Float32Array(s), one per model input',
    );
    await reject(
      smoothIntegratedGradients(spy, x, { attributionsInto: [new Float32Array(9)] }),
      ShapeMismatchError,
      "attributionsInto[0] has 9 values; input 0's attributions need 8 (2 example(s) × 4)",
    );
  });

  const aliasMessage = (what: string, index = 0): string =>
    `attributionsInto[${index}] shares memory with ${what}; attributions must go into arrays of their own, not into data the call reads`;

  it('rejects arrays sharing memory with an input, a baseline or one another; disjoint views of one buffer are fine', async () => {
    const memory = new ArrayBuffer(16 * 4);
    const input = { data: new Float32Array(memory, 0, 8), shape: [2, 4] };
    input.data.set(x.data);
    await reject(integratedGradients(spy, input, { attributionsInto: [input.data] }), InvalidOptionError, aliasMessage("input 0's data"));
    // Overlapping by one value.
    await reject(
      integratedGradients(spy, input, { attributionsInto: [new Float32Array(memory, 7 * 4, 8)] }),
      InvalidOptionError,
      aliasMessage("input 0's data"),
    );
    const disjoint = new Float32Array(memory, 8 * 4, 8);
    const result = await integratedGradients(spy, input, { attributionsInto: [disjoint] });
    expect(result.attributions[0]?.data).toBe(disjoint);
    expectCloseTo(
      disjoint,
      Array.from(x.data, (v) => v * v),
    );

    const baselineData = new Float32Array(8);
    const baseline = { data: baselineData, shape: [2, 4] };
    await reject(
      integratedGradients(spy, x, { baselines: baseline, attributionsInto: [baselineData] }),
      InvalidOptionError,
      aliasMessage('the baseline for input 0'),
    );
    await reject(
      integratedGradients(spy, x, { baselines: { average: [0, baseline] }, attributionsInto: [baselineData] }),
      InvalidOptionError,
      aliasMessage('the baseline sample 1 for input 0'),
    );
    await reject(
      integratedGradients(spy, x, { baselines: () => baseline, attributionsInto: [baselineData] }),
      InvalidOptionError,
      aliasMessage('the baseline for input 0'),
    );

    const { backend } = twoInputSquares('offered');
    const shared = new ArrayBuffer((4 * X_SIZE + 4 * Y_SIZE) * 4);
    const overlapping = [new Float32Array(shared, 0, 4 * X_SIZE), new Float32Array(shared, 4, 4 * Y_SIZE)];
    await reject(integratedGradients(backend, inputs, { target, attributionsInto: overlapping }), InvalidOptionError, aliasMessage('attributionsInto[1]'));
  });

  it('checkAxioms does not take it: it compares several calls', async () => {
    const options = { target: 0, attributionsInto: [new Float32Array(4)] } as AxiomCheckOptions;
    await reject(
      checkAxioms(spy, tensor([1, 2, 3, 4], [1, 4]), options),
      InvalidOptionError,
      'checkAxioms does not take attributionsInto: it compares the attributions of several calls, which must not share arrays',
    );
  });
});

describe('targets per example, known before the model runs', () => {
  it('agrees with resolveTargets for every target form', () => {
    const specs: (TargetSpec | undefined)[] = [
      1,
      [0, 1],
      [
        [0, 1, 1],
        [1, 0, 0],
      ],
      { classes: [1, 0] },
      { weights: [2, -1] },
    ];
    for (const spec of specs) expect(targetsPerExample(spec)).toBe(resolveTargets(spec, 2, 2).perExample);
    expect(targetsPerExample(undefined)).toBe(resolveTargets(undefined, 2, 1).perExample);
  });
});
