import type { Inputs } from './inputs.js';
import type { GradientBackend } from './backend.js';
import { backendForExample, pointsOfExample } from './example-indices.js';
import { predictPoints } from './predict.js';
import { axiomTargets, checkAxiomOptions } from './axiom-options.js';
import { integratedGradients, type IntegratedGradientsOptions } from './integrate.js';
import { resolveBaselines } from './baselines.js';
import { InvalidOptionError, ShapeMismatchError } from './errors.js';
import type { Tensor } from './tensor.js';
import { normalizeInputs } from './validate.js';
import type { AxiomCheck, AxiomCheckOptions, AxiomReport, FeatureRef } from './axiom-types.js';
import { attributionAt, check, maxAbs, replaceFeature } from './axiom-helpers.js';

export type { AxiomCheck, AxiomCheckOptions, AxiomReport, FeatureRef } from './axiom-types.js';

/**
 * Checks the IG axioms on one example: completeness; sensitivity (a single differing feature
 * that changes the output gets that whole change); dummy (an ignored feature gets ~0);
 * linearity (IG of a·F₁ + b·F₂ = a·IG(F₁) + b·IG(F₂)); symmetry for given pairs; and
 * implementation invariance against a second backend. Each check reports the numbers compared.
 */
export async function checkAxioms(modelBackend: GradientBackend, inputs: Inputs, options: AxiomCheckOptions = {}): Promise<AxiomReport> {
  const model = normalizeInputs(inputs);
  if (model.examples !== 1) throw new ShapeMismatchError(`checkAxioms takes one example; the input has ${model.examples}`);
  // The checks run batches of the example's variants: each point is the one example's.
  const backend = backendForExample(modelBackend, 0);
  if ((options as IntegratedGradientsOptions).attributionsInto !== undefined) {
    throw new InvalidOptionError('checkAxioms does not take attributionsInto: it compares the attributions of several calls, which must not share arrays');
  }
  const { maxDummyProbes, a, b } = checkAxiomOptions(options, model.pointSizes);
  const tolerance = options.tolerance ?? 0.01;
  const baseline = resolveBaselines(options.baselines, model.tensors);
  if (baseline.length !== 1) throw new InvalidOptionError('checkAxioms takes a single baseline, not { average }');
  const baselineData = baseline[0] as Float32Array[];
  const inputData = model.tensors.map((t) => t.data);
  // One forward pass settles the targets before any IG run is paid for.
  const outputs = await outputCount(backend, model, inputData);
  const { target, other } = axiomTargets(options, outputs);
  const igOptions: IntegratedGradientsOptions = { ...options, target, tolerance };
  const withShapes = (data: readonly Tensor[]): Tensor[] => data.map((d, i) => ({ data: d.data, shape: (model.tensors[i] as Tensor).shape }));
  const baselineTensors = withShapes(baselineData.map((data) => ({ data, shape: [] })));

  const main = await integratedGradients(backend, model.tensors, { ...igOptions, baselines: baselineTensors });
  const report = main.reports[0];
  if (report === undefined) throw new ShapeMismatchError('no report for example 0');
  const scale = Math.max(...main.attributions.map((a) => maxAbs(a.data)), 1e-12);
  const checks: AxiomCheck[] = [];

  checks.push(
    check(
      'completeness',
      report.relativeError <= tolerance,
      { attributionSum: report.attributionSum, outputDifference: report.fInput - report.fBaseline, relativeError: report.relativeError, tolerance },
      `Σ attributions ${report.attributionSum.toPrecision(6)} vs F(x) − F(x') ${(report.fInput - report.fBaseline).toPrecision(6)}: relative error ${report.relativeError.toExponential(2)} (tolerance ${tolerance})`,
    ),
  );

  const allFeatures: (FeatureRef & { gap: number })[] = [];
  inputData.forEach((d, input) =>
    d.forEach((v, index) => allFeatures.push({ input, index, gap: Math.abs(v - ((baselineData[input] as Float32Array)[index] as number)) })),
  );
  const sensitivity =
    options.sensitivityFeatures ??
    [...allFeatures]
      .sort((a, b) => b.gap - a.gap)
      .filter((f) => f.gap > 0)
      .slice(0, 4);
  for (const feature of sensitivity) {
    const value = (inputData[feature.input] as Float32Array)[feature.index] as number;
    const single = withShapes(replaceFeature(baselineData, feature, value));
    const r = await integratedGradients(backend, single, { ...igOptions, baselines: baselineTensors });
    const change = (r.reports[0]?.fInput as number) - (r.reports[0]?.fBaseline as number);
    const attribution = attributionAt(r, feature);
    const error = Math.abs(attribution - change);
    const differs = Math.abs(change) > 1e-7 * Math.max(Math.abs(r.reports[0]?.fInput as number), 1);
    const passed = !differs || (attribution !== 0 && error <= tolerance * Math.abs(change));
    checks.push(
      check(
        'sensitivity',
        passed,
        { input: feature.input, feature: feature.index, outputChange: change, attribution, error },
        `input ${feature.input} feature ${feature.index} alone differs from the baseline: output change ${change.toPrecision(6)}, its attribution ${attribution.toPrecision(6)}${differs ? '' : ' (output unchanged: nothing to check)'}`,
      ),
    );
  }

  const dummies = options.dummyFeatures ?? (await findDummyFeatures(backend, model, inputData, baselineData, maxDummyProbes));
  for (const feature of dummies) {
    const attribution = attributionAt(main, feature);
    checks.push(
      check(
        'dummy',
        Math.abs(attribution) <= 1e-6 * scale,
        { input: feature.input, feature: feature.index, attribution, largestAttribution: scale },
        `input ${feature.input} feature ${feature.index} does not affect the output; its attribution is ${attribution.toPrecision(6)} (largest ${scale.toPrecision(6)})`,
      ),
    );
  }

  // A single-output model combines its one output with itself: IG of (a + b)·F against a·IG(F) + b·IG(F).
  const weights = new Float32Array(outputs);
  weights[target] = a;
  weights[other] = (weights[other] as number) + b;
  // IG is linear in F for one quadrature rule; steps: 'auto' refines each objective's path on its
  // own, so the three integrals share a Gauss–Legendre rule of as many points as the main run used.
  const { autoRule: _autoRule, maxSteps: _maxSteps, checkMidpoint: _checkMidpoint, ...fixed } = igOptions;
  const linearityOptions: IntegratedGradientsOptions = igOptions.steps === 'auto' ? { ...fixed, steps: report.steps, method: 'gauss-legendre' } : igOptions;
  const combined = await integratedGradients(backend, model.tensors, { ...linearityOptions, target: { weights }, baselines: baselineTensors });
  const parts = await integratedGradients(backend, model.tensors, { ...linearityOptions, target: { classes: [target, other] }, baselines: baselineTensors });
  let linearityError = 0;
  combined.attributions.forEach((t, input) => {
    const size = t.data.length;
    const p = (parts.attributions[input] as Tensor).data;
    for (let i = 0; i < size; i++)
      linearityError = Math.max(linearityError, Math.abs((t.data[i] as number) - (a * (p[i] as number) + b * (p[size + i] as number))));
  });
  const linearityScale = Math.max(...combined.attributions.map((t) => maxAbs(t.data)), 1e-12);
  checks.push(
    check(
      'linearity',
      linearityError <= tolerance * linearityScale,
      { a, b, target, otherTarget: other, maxError: linearityError, scale: linearityScale, ...(igOptions.steps === 'auto' ? { steps: report.steps } : {}) },
      `IG of ${a}·F${target} + ${b}·F${other} vs ${a}·IG(F${target}) + ${b}·IG(F${other}): max difference ${linearityError.toExponential(2)} (scale ${linearityScale.toPrecision(4)})`,
    ),
  );

  for (const [p, q] of options.symmetricPairs ?? []) {
    const value = (ref: FeatureRef, data: readonly Float32Array[]): number => (data[ref.input] as Float32Array)[ref.index] as number;
    const preconditions = value(p, inputData) === value(q, inputData) && value(p, baselineData) === value(q, baselineData);
    const ap = attributionAt(main, p);
    const aq = attributionAt(main, q);
    const error = Math.abs(ap - aq);
    checks.push(
      check(
        'symmetry',
        preconditions && error <= tolerance * scale,
        { attributionP: ap, attributionQ: aq, error },
        preconditions
          ? `features (${p.input}:${p.index}) and (${q.input}:${q.index}): attributions ${ap.toPrecision(6)} and ${aq.toPrecision(6)}`
          : `features (${p.input}:${p.index}) and (${q.input}:${q.index}) differ in the input or the baseline, so symmetry cannot be checked`,
      ),
    );
  }

  if (options.compareBackend !== undefined) {
    const second = await integratedGradients(options.compareBackend, model.tensors, { ...igOptions, baselines: baselineTensors });
    let error = 0;
    main.attributions.forEach((t, input) =>
      t.data.forEach((v, i) => (error = Math.max(error, Math.abs(v - ((second.attributions[input] as Tensor).data[i] as number))))),
    );
    checks.push(
      check(
        'implementation-invariance',
        error <= tolerance * scale,
        { maxError: error, scale },
        `${backend.name} vs ${options.compareBackend.name}: max attribution difference ${error.toExponential(2)} (scale ${scale.toPrecision(4)})`,
      ),
    );
  }

  const passed = checks.every((c) => c.passed);
  const summary = checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.axiom}: ${c.message}`).join('\n');
  return { passed, checks, summary, warnings: main.warnings };
}

async function outputCount(backend: GradientBackend, model: ReturnType<typeof normalizeInputs>, inputData: readonly Float32Array[]): Promise<number> {
  return (await predictPoints(backend, inputData, model.pointShapes, model.pointSizes, pointsOfExample(1, 0), 1, undefined, 'the input')).outputSize;
}

/**
 * Features whose change leaves the outputs bit-identical at the input, the baseline and the
 * midpoint, probing at most `maxProbes` features spread evenly over all inputs.
 */
async function findDummyFeatures(
  backend: GradientBackend,
  model: ReturnType<typeof normalizeInputs>,
  inputData: readonly Float32Array[],
  baselineData: readonly Float32Array[],
  maxProbes: number,
): Promise<FeatureRef[]> {
  const features: FeatureRef[] = [];
  inputData.forEach((d, input) => {
    for (let index = 0; index < d.length; index++) features.push({ input, index });
  });
  const stride = Math.max(1, Math.ceil(features.length / maxProbes));
  const probed = features.filter((_, i) => i % stride === 0);
  const anchors = [inputData, baselineData, inputData.map((d, i) => d.map((v, f) => 0.5 * (v + ((baselineData[i] as Float32Array)[f] as number))))];
  // Point 0 of each anchor unchanged, then one point per probed feature with that feature moved.
  const count = anchors.length * (probed.length + 1);
  const points = model.pointSizes.map((size) => new Float32Array(count * size));
  anchors.forEach((anchor, a) => {
    for (let p = 0; p <= probed.length; p++) {
      const point = a * (probed.length + 1) + p;
      anchor.forEach((d, input) => (points[input] as Float32Array).set(d, point * d.length));
      const feature = probed[p - 1];
      if (feature !== undefined) {
        const slot = points[feature.input] as Float32Array;
        const at = point * (anchor[feature.input] as Float32Array).length + feature.index;
        slot[at] = (slot[at] as number) + 1 + Math.abs(slot[at] as number);
      }
    }
  });
  const y = await backend.predict({ points, pointShapes: model.pointShapes, count });
  const outputSize = y.length / count;
  const same = (p: number, q: number): boolean => {
    for (let j = 0; j < outputSize; j++) if (y[p * outputSize + j] !== y[q * outputSize + j]) return false;
    return true;
  };
  return probed.filter((_, i) => anchors.every((_, a) => same(a * (probed.length + 1), a * (probed.length + 1) + i + 1)));
}
