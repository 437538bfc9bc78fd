import { throwIfAborted } from '../abort.js';
import { BackendContractError, NonFiniteError } from '../errors.js';
import type { GroupScorer } from './group-scores.js';
import { checkGroup, objectiveOf, scoringContext, type FeatureGroup, type GroupScoreOptions } from './scoring-context.js';

/**
 * An engine that runs contextual decomposition (Murdoch et al. 2018): the model evaluated on
 * the pair (relevant, irrelevant) = (m ⊙ x, (1 − m) ⊙ x), each output split in two parts that
 * add up to the model's output. `@ig/onnx` builds one from an ONNX model.
 */
export interface ContextualDecomposition {
  readonly name: string;
  /**
   * For `count` masks over one example's features (`count × size` values, 1 = relevant), the
   * relevant and irrelevant parts of every output: `count × outputSize` values each.
   */
  decompose(
    input: Float32Array,
    pointShape: readonly number[],
    masks: Float32Array,
    count: number,
  ): Promise<{ relevant: Float32Array; irrelevant: Float32Array }>;
}

export interface ContextualDecompositionScoreOptions extends GroupScoreOptions {
  readonly decomposition: ContextualDecomposition;
}

/** The CD score of a group: the relevant part of the target's output when the group is relevant. */
export async function contextualDecompositionScorer(options: ContextualDecompositionScoreOptions): Promise<GroupScorer> {
  const context = await scoringContext(options);
  const { decomposition } = options;
  const cost = { forwardPasses: 2, gradientEvaluations: 0 };
  return {
    kind: 'contextual-decomposition',
    cost,
    score: async (groups) => {
      const { size, batchSize } = context;
      const scores = new Float64Array(groups.length);
      for (let from = 0; from < groups.length; from += batchSize) {
        throwIfAborted(context.signal);
        const n = Math.min(batchSize, groups.length - from);
        const masks = new Float32Array(n * size);
        for (let k = 0; k < n; k++) for (const f of checkGroup(groups[from + k] as FeatureGroup, size, from + k)) masks[k * size + f] = 1;
        const { relevant } = await decomposition.decompose(context.input, context.pointShape, masks, n);
        const outputSize = context.weights.length;
        if (relevant.length !== n * outputSize) {
          throw new BackendContractError(
            `${decomposition.name}: returned ${relevant.length} relevant values for ${n} mask(s) of a model with ${outputSize} outputs`,
          );
        }
        for (let k = 0; k < n; k++) {
          const value = objectiveOf(context.weights, relevant, k * outputSize);
          if (!Number.isFinite(value)) throw new NonFiniteError('contextual decomposition score', from + k, value, ` (group ${from + k})`);
          scores[from + k] = value;
        }
        cost.forwardPasses += n;
      }
      return scores;
    },
  };
}
