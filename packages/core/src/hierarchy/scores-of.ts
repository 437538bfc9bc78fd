import { BackendContractError, NonFiniteError } from '../errors.js';
import { firstNonFinite } from '../path-kernels.js';
import { describeValue } from '../describe-value.js';
import type { GroupScorer } from './group-scores.js';
import type { FeatureGroup } from './scoring-context.js';

/** The scorer's scores for `groups`, refused unless there is exactly one finite score per group. */
export async function scoresOf(scorer: GroupScorer, groups: readonly FeatureGroup[]): Promise<Float64Array> {
  const scores: unknown = await scorer.score(groups);
  if (!(scores instanceof Float64Array)) {
    throw new BackendContractError(`${scorer.kind} scorer: score() must resolve to a Float64Array, got ${describeValue(scores)}`);
  }
  if (scores.length !== groups.length) {
    throw new BackendContractError(`${scorer.kind} scorer: score() returned ${scores.length} scores for ${groups.length} groups; expected one per group`);
  }
  const bad = firstNonFinite(scores);
  if (bad >= 0) throw new NonFiniteError(`${scorer.kind} score`, bad, scores[bad] as number, ` (group ${bad} of ${groups.length})`);
  return scores;
}
