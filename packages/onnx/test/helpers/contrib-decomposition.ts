import { expect } from 'vitest';
import { decomposeModel, mixedMasks } from './decompose.js';
import { makeModel, type ConstantSpec, type NodeSpec } from './model.js';
import { rng, uniform } from './random.js';

const MICROSOFT = 'com.microsoft';

/** A one-input model (input x) at `opset` that may hold com.microsoft nodes. */
export interface OneInputModel {
  readonly opset: number;
  readonly nodes: readonly NodeSpec[];
  readonly output?: string;
}

export interface ContribCase {
  /** The shape of x, batch 1 first. */
  readonly shape: readonly number[];
  readonly constants?: Readonly<Record<string, ConstantSpec>>;
  /** The model with the contrib node. */
  readonly fused: OneInputModel;
  /** The same computation written with standard ops. */
  readonly standard: OneInputModel;
  /** The graph output decomposed (default y). */
  readonly output?: string;
}

export const contribNode = (op: string, inputs: readonly string[], attributes: NodeSpec['attributes'] = {}, outputs: readonly string[] = ['y']): NodeSpec => ({
  op,
  inputs,
  outputs,
  attributes,
  domain: MICROSOFT,
});

export const node = (op: string, inputs: readonly string[], outputs: readonly string[], attributes: NodeSpec['attributes'] = {}): NodeSpec => ({
  op,
  inputs,
  outputs,
  attributes,
});

/** `count` values drawn from [-1, 1] as a float constant. */
export function randomConstant(seed: number, dims: readonly number[]): ConstantSpec {
  return {
    dims,
    values: Array.from(
      uniform(
        rng(seed),
        dims.reduce((a, b) => a * b, 1),
      ),
    ),
  };
}

export const scalar = (value: number): ConstantSpec => ({ dims: [], values: [value] });

export function caseModel(c: ContribCase, model: OneInputModel): Uint8Array {
  return makeModel({
    opset: model.opset,
    inputs: { x: c.shape },
    ...(c.constants ? { constants: c.constants } : {}),
    nodes: model.nodes,
    outputs: [c.output ?? 'y'],
    extraOpsets: [{ domain: MICROSOFT, version: 1 }],
  });
}

/**
 * The decompositions of both models of a case for the same masks: the largest difference of their
 * parts, the largest |relevant + irrelevant − output| (the fused model's output, as onnxruntime's
 * kernel computes it), and the largest part.
 */
export async function compareContribCase(c: ContribCase): Promise<{ deviation: number; completeness: number; scale: number }> {
  const [, ...pointShape] = c.shape;
  const size = pointShape.reduce((a, b) => a * b, 1);
  const x = uniform(rng(11), size, -2, 2);
  const count = 5;
  const masks = mixedMasks(rng(12), size, count);
  const fused = await decomposeModel(caseModel(c, c.fused), x, pointShape, masks, count, c.output);
  const standard = await decomposeModel(caseModel(c, c.standard), x, pointShape, masks, count, c.output);
  let deviation = 0;
  let completeness = 0;
  let scale = 0;
  const outputSize = fused.output.length;
  fused.relevant.forEach((rel, i) => {
    const irrel = fused.irrelevant[i] as number;
    deviation = Math.max(deviation, Math.abs(rel - (standard.relevant[i] as number)), Math.abs(irrel - (standard.irrelevant[i] as number)));
    completeness = Math.max(completeness, Math.abs(rel + irrel - (fused.output[i % outputSize] as number)));
    scale = Math.max(scale, Math.abs(rel), Math.abs(irrel));
  });
  if (!fused.relevant.every(Number.isFinite) || !fused.irrelevant.every(Number.isFinite)) return { deviation: NaN, completeness: NaN, scale };
  return { deviation, completeness, scale };
}

/**
 * The checks every contrib case makes (see compareContribCase): parts of a scale worth checking,
 * the same parts as the standard ops give (within `deviation` of the largest part, default 1e-8:
 * the same ops on the same numbers), and relevant + irrelevant the kernel's output within 5e-7 of
 * it. IG_MEASURE=1 prints the three numbers.
 */
export async function expectStandardOpsDecomposition(c: ContribCase, what: string, deviationBound = 1e-8): Promise<void> {
  const { deviation, completeness, scale } = await compareContribCase(c);
  if (process.env.IG_MEASURE !== undefined) console.log(what, deviation, completeness, scale);
  expect(scale).toBeGreaterThan(0.1);
  expect(deviation).toBeLessThanOrEqual(deviationBound * scale);
  expect(completeness).toBeLessThanOrEqual(5e-7 * scale);
}
