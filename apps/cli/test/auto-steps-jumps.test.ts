import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';
import { formatNpy } from '../src/npy.js';
import { ig, tempDir } from './helpers.js';

/** y = x·w + 0.25·Round(x·v): from 0 to (1, 1, 1), x·v = 1.2α passes 0.5 at α = 5/12, where y jumps by 0.25. */
function roundModel(): Uint8Array {
  const node = (opType: string, input: string[], output: string): onnx.NodeProto => onnx.NodeProto.create({ name: output, opType, input, output: [output] });
  const info = (name: string): onnx.ValueInfoProto =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: name === 'x' ? 3 : 1 }] } } },
    });
  const graph = onnx.GraphProto.create({
    name: 'round',
    input: [info('x')],
    output: [info('y')],
    initializer: [
      makeTensor('w', [3, 1], DataType.FLOAT, [0.5, -0.2, 0.8]),
      makeTensor('v', [3, 1], DataType.FLOAT, [0.3, 0.5, 0.4]),
      makeTensor('j', [], DataType.FLOAT, [0.25]),
    ],
    node: [
      node('MatMul', ['x', 'w'], 'a'),
      node('MatMul', ['x', 'v'], 'u'),
      node('Round', ['u'], 'r'),
      node('Mul', ['r', 'j'], 's'),
      node('Add', ['a', 's'], 'y'),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-cli-tests', opsetImport: [{ domain: '', version: 13 }], graph }));
}

describe("ig explain --steps auto where the model's output jumps", () => {
  it('brackets the jump, stops, and says where F jumped and that more steps do not lower its error (--verbose, --json)', () => {
    const cwd = tempDir('auto-steps-jumps');
    writeFileSync(join(cwd, 'round.onnx'), roundModel());
    writeFileSync(join(cwd, 'x.npy'), formatNpy(Float32Array.of(1, 1, 1), [1, 3]));
    const args = ['explain', '--model', 'round.onnx', '--input', 'x.npy', '--target', '0', '--steps', 'auto', '--tolerance', '1e-4', '--verbose'];
    const run = ig([...args, '--json', 'r.json', '--out', 'a.npy', '--no-cache'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    type Jump = { from: number; to: number; error: number };
    const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { examples: { refinement: { evaluations: number; jumps: Jump[] } }[] };
    const refinement = report.examples[0]?.refinement;
    // Measured: 15 evaluations.
    expect(refinement?.evaluations).toBeLessThanOrEqual(30);
    expect(refinement?.jumps).toHaveLength(1);
    expect(refinement?.jumps[0]?.from).toBeLessThan(5 / 12);
    expect(refinement?.jumps[0]?.to).toBeGreaterThan(5 / 12);
    // F(x) − F(0) = 1.1 + 0.25, of which the gradient integrates 1.1.
    expect(Math.abs((refinement?.jumps[0]?.error ?? 0) + 0.25 / 1.35)).toBeLessThan(1e-6);
    expect(run.stdout + run.stderr).toMatch(
      /F jumps at α ≈ 0\.416\d \(\+19%\), by that share of F\(x\) − F\(x'\); they leave 19% completeness error, which more steps do not lower/,
    );
    expect(run.stderr).toMatch(
      /F jumps along the path at α ≈ 0\.416\d \(18\.5% of F\(x\) − F\(x'\)\).*no number of steps lowers; the rest is within the tolerance/,
    );
    expect(run.stderr).not.toMatch(/raise maxSteps|--max-steps/);
  });
});
