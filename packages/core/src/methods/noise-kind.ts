import { describeValue } from '../describe-value.js';
import { InvalidOptionError } from '../errors.js';

/** How noisy samples' attributions combine: mean (smoothgrad), mean of squares (smoothgrad-sq) or variance (vargrad). */
export type NoiseKind = 'smoothgrad' | 'smoothgrad-sq' | 'vargrad';
export const NOISE_KINDS: readonly NoiseKind[] = ['smoothgrad', 'smoothgrad-sq', 'vargrad'];

/** Other spellings of 'smoothgrad-sq' that are accepted: the earlier name of smoothIntegratedGradients, and Captum's. */
export type NoiseKindAlias = 'smoothgrad-squared' | 'smoothgrad_sq';
const ALIASES: Readonly<Record<NoiseKindAlias, NoiseKind>> = { 'smoothgrad-squared': 'smoothgrad-sq', smoothgrad_sq: 'smoothgrad-sq' };

/** The canonical kind for `kind` (default smoothgrad), or an InvalidOptionError naming `name` and the kinds accepted. */
export function resolveNoiseKind(kind: unknown, name: string): NoiseKind {
  if (kind === undefined) return 'smoothgrad';
  if (NOISE_KINDS.includes(kind as NoiseKind)) return kind as NoiseKind;
  if (typeof kind === 'string' && Object.hasOwn(ALIASES, kind)) return ALIASES[kind as NoiseKindAlias];
  throw new InvalidOptionError(
    `${name} must be one of ${NOISE_KINDS.join(', ')} (or ${Object.keys(ALIASES).join(', ')} for smoothgrad-sq), got ${describeValue(kind)}`,
  );
}
