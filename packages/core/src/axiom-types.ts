import type { GradientBackend } from './backend.js';
import type { IntegratedGradientsOptions } from './integrate.js';

/** One axiom check: whether it held, what was compared, and a readable line. */
export interface AxiomCheck {
  readonly axiom: 'completeness' | 'sensitivity' | 'dummy' | 'linearity' | 'symmetry' | 'implementation-invariance';
  readonly passed: boolean;
  /** The numbers the check compared (expected vs actual, error vs tolerance). */
  readonly values: Readonly<Record<string, number>>;
  readonly message: string;
}

export interface AxiomReport {
  readonly passed: boolean;
  readonly checks: readonly AxiomCheck[];
  /** One line per check, ✓ or ✗ first. */
  readonly summary: string;
  /** The warnings of the main Integrated Gradients call: what would bring completeness within tolerance. */
  readonly warnings: readonly string[];
}

/** A feature of a model input: which input, and the flat index within one example. */
export interface FeatureRef {
  readonly input: number;
  readonly index: number;
}

/** `attributionsInto` is not taken: the checks compare the results of several calls. */
export interface AxiomCheckOptions extends Omit<IntegratedGradientsOptions, 'target' | 'baselines' | 'attributionsInto'> {
  /** Class index of the attributed output (one example); may be left out for a model with a single output, as for integratedGradients. */
  readonly target?: number;
  /** One baseline value (no averaging), per BaselineSpec. Default 0. */
  readonly baselines?: IntegratedGradientsOptions['baselines'];
  /** Relative tolerance for completeness and for comparing attributions (default 0.01). */
  readonly tolerance?: number;
  /** Features to test for sensitivity (default: the 4 with the largest |x − x'|). */
  readonly sensitivityFeatures?: readonly FeatureRef[];
  /**
   * Features the model is known to ignore; if omitted, up to `maxDummyProbes` features are
   * probed and those whose change leaves every output bit-identical are treated as dummies.
   */
  readonly dummyFeatures?: readonly FeatureRef[];
  readonly maxDummyProbes?: number;
  /** Second output for the linearity check (default: target + 1 modulo the outputs) and the weights a, b. */
  readonly linearity?: { readonly otherTarget?: number; readonly a?: number; readonly b?: number };
  /** Feature pairs in which the model is symmetric; their attributions must be equal. */
  readonly symmetricPairs?: readonly (readonly [FeatureRef, FeatureRef])[];
  /** A second backend for the same model: attributions must agree. */
  readonly compareBackend?: GradientBackend;
}
