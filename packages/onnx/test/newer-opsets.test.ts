import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect, MAX_OPSET } from '../src/index.js';
import { onnx } from '../src/proto/generated/onnx.js';
import { decodeModel, encodeModel } from '../src/proto/model-io.js';
import { architectureModels, architecturesDir, modelDeviation } from './helpers/architectures.js';
import { runtimes } from './helpers/ort.js';

// Opsets 22–25 changed the ops this package differentiates only by the element types they accept
// (bfloat16, float4/float8 and int2/int4 variants) and added new ops (ONNX Changelog.md, versions
// 22–25; the pooling text states what ceil-mode windows already did). Torch cannot export them
// here, so the opset 17 modules are re-declared at newer opsets, with the one form they use that
// changed since 17 rewritten: reductions take `axes` as an input from opset 18. Opset 18 also made
// an equal Split's count an attribute, which the strided MaxPool gradient now emits.
const REDUCTIONS = new Set([
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceSumSquare',
]);

function atOpset(bytes: Uint8Array, opset: number): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph as onnx.GraphProto;
  for (const entry of model.opsetImport) if (!entry.domain) entry.version = opset;
  for (const node of graph.node as onnx.NodeProto[]) {
    if (!REDUCTIONS.has(node.opType ?? '')) continue;
    const axes = (node.attribute as onnx.AttributeProto[]).find((a) => a.name === 'axes');
    if (!axes) continue;
    const name = `${node.name}_axes`;
    graph.initializer.push(
      onnx.TensorProto.create({ name, dataType: onnx.TensorProto.DataType.INT64, dims: [axes.ints.length], int64Data: axes.ints as number[] }),
    );
    node.input.push(name);
    node.attribute = (node.attribute as onnx.AttributeProto[]).filter((a) => a !== axes);
  }
  return encodeModel(model);
}

const opset17 = architectureModels.filter((m) => m.opset === '17');
const tolerances = (
  JSON.parse(readFileSync(join(architecturesDir, 'tolerances.json'), 'utf8')) as { cases: Record<string, { tolerance: number; logitTolerance: number }> }
).cases;

describe('models at opsets 18–25: the same gradients as at opset 17', () => {
  it('MAX_OPSET is 25 and inspect says such models are supported', () => {
    expect(MAX_OPSET).toBe(25);
    const file = opset17[0]?.c.models['17'] as string;
    expect(inspect(atOpset(new Uint8Array(readFileSync(join(architecturesDir, file))), 25)).gradientCoverage.opsetSupported).toBe(true);
  });

  it.each(opset17.flatMap((m) => [18, 21, 23, 25].map((opset) => [m.name, opset, m] as const)))(
    '%s at opset %i (onnxruntime-node)',
    async (_name, opset, m) => {
      const bytes = atOpset(new Uint8Array(readFileSync(join(architecturesDir, m.c.models['17'] as string))), opset);
      const d = await modelDeviation(runtimes.node, m.c, bytes);
      const measured = tolerances[m.key] as { tolerance: number; logitTolerance: number };
      expect(d.scale).toBeGreaterThan(1e-5);
      expect(d.gradient).toBeLessThanOrEqual(measured.tolerance);
      expect(d.logit).toBeLessThanOrEqual(measured.logitTolerance);
    },
  );
});
