/**
 * Files whose names a run derives from an option's path (`--out x.npy` → `x-a.npy` per named
 * input, `--heatmap h.png` / `--panel p.png` → `h-0.png`, … per example, `ig batch --heatmaps`
 * → `<id>-k.png`) are checked as the named outputs are: one that is a file the run reads, or
 * another output of the run, is refused with exit 2 before anything is computed or written.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../src/image.js';
import { formatNpy } from '../src/npy.js';
import { withExternalData } from './external-data-model.js';
import { ig, SMALL_CNN, tempDir, writeSmallCnnInput } from './helpers.js';
import { twoInputOnnx, writeNpy, writeOnnxModel } from './reliability/models.js';

const dir = tempDir('derived-outputs');
const replacing = (what: string): string => `${what}; writing it would replace that input: name another file`;

/** Refused with exit 2 and `message`; `kept` holds `bytes`; none of `unwritten` exists. */
function expectRefused(run: ReturnType<typeof ig>, message: string, unwritten: readonly string[], kept?: { file: string; bytes: Buffer }): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(message);
  if (kept) expect(readFileSync(kept.file).equals(kept.bytes)).toBe(true);
  for (const file of unwritten) expect(existsSync(file), file).toBe(false);
}

describe('ig explain --out with several --input NAME=FILE: one file per input', () => {
  const folder = join(dir, 'named');
  mkdirSync(folder);
  const model = twoInputOnnx(join(folder, 'two.onnx'));
  const b = writeNpy(join(folder, 'b.npy'), [1, 3], [4, 5, 6]);
  const report = join(folder, 'report.json');
  const explain = (a: string, ...more: string[]): string[] => [
    'explain',
    '--model',
    model,
    '--input',
    `a=${a}`,
    '--input',
    `b=${b}`,
    '--target',
    '0',
    '--steps',
    '8',
    '-q',
    ...more,
  ];

  it('refuses --out whose file for an input is that input', () => {
    const inA = writeNpy(join(folder, 'in-a.npy'), [1, 3], [1, 2, 3]);
    const out = join(folder, 'in.npy');
    const run = ig(explain(inA, '--out', out, '--json', report));
    const message = replacing(`--out ${out} writes ${inA} for input a, which is the --input file ${inA}`);
    expectRefused(run, message, [join(folder, 'in-b.npy'), report, out], { file: inA, bytes: readFileSync(inA) });
  });

  it('refuses --out whose file for an input is another output of the run, or that of another input', () => {
    const a = writeNpy(join(folder, 'a.npy'), [1, 3], [1, 2, 3]);
    const [out, outA, outB] = ['x.npy', 'x-a.npy', 'x-b.npy'].map((name) => join(folder, name)) as [string, string, string];
    const run = ig(explain(a, '--out', out, '--json', outA));
    expectRefused(run, `--json and --out ${out} (for input a) both name ${outA}; give each output its own file`, [outA, outB]);

    // Input names are made safe for file names: 'x:0' and 'x_0' both give o-x_0.npy.
    const colons = writeOnnxModel(join(folder, 'colons.onnx'), {
      inputs: { 'x:0': ['N', 3], x_0: ['N', 3] },
      outputs: ['y'],
      nodes: [{ op: 'Add', inputs: ['x:0', 'x_0'], outputs: ['y'] }],
    });
    const o = join(folder, 'o.npy');
    const both = ig(['explain', '--model', colons, '--input', `x:0=${a}`, '--input', `x_0=${b}`, '--target', '0', '--steps', '8', '--out', o, '-q']);
    const message = `--out ${o} (for input x:0) and --out ${o} (for input x_0) both name ${join(folder, 'o-x_0.npy')}; give each output its own file`;
    expectRefused(both, message, [join(folder, 'o-x_0.npy')]);
  });

  it('writes one file per input otherwise', () => {
    const a = writeNpy(join(folder, 'ok-a-input.npy'), [1, 3], [1, 2, 3]);
    const out = join(folder, 'ok.npy');
    const run = ig(explain(a, '--out', out, '--json', report));
    expect([run.code, run.stderr]).toEqual([0, '']);
    for (const file of ['ok-a.npy', 'ok-b.npy', 'report.json']) expect(existsSync(join(folder, file)), file).toBe(true);
    expect(existsSync(out)).toBe(false);
  });
});

describe('ig explain --heatmap and --panel of several examples: one picture per example', () => {
  const folder = join(dir, 'pictures');
  mkdirSync(folder);
  const two = writeSmallCnnInput(join(folder, 'two.npy'), 2);
  const report = join(folder, 'report.json');
  const explain = (model: string, ...more: string[]): string[] => ['explain', '--model', model, '--input', two, '--steps', '8', '-q', ...more];
  const at = (...names: string[]): string[] => names.map((name) => join(folder, name));

  it('refuses --heatmap whose picture of an example is the --labels file', () => {
    const [heat, heat0, heat1] = at('heat.png', 'heat-0.png', 'heat-1.png') as [string, string, string];
    writeFileSync(heat1, `${Array.from({ length: 10 }, (_, k) => `class ${k}`).join('\n')}\n`);
    const run = ig(explain(SMALL_CNN, '--heatmap', heat, '--labels', heat1, '--json', report));
    const message = replacing(`--heatmap ${heat} writes ${heat1} for example 1, which is the --labels file ${heat1}`);
    expectRefused(run, message, [heat, heat0, report], { file: heat1, bytes: readFileSync(heat1) });
  });

  it('refuses --heatmap whose picture of an example is another output of the run', () => {
    const [map, map0, map1] = at('map.png', 'map-0.png', 'map-1.png') as [string, string, string];
    const run = ig(explain(SMALL_CNN, '--heatmap', map, '--json', map1));
    expectRefused(run, `--json and --heatmap ${map} (for example 1) both name ${map1}; give each output its own file`, [map, map0, map1]);
  });

  it('refuses --panel whose picture of an example is a link to the model’s external data file', () => {
    mkdirSync(join(folder, 'onnx'));
    const model = withExternalData(SMALL_CNN, join(folder, 'onnx'), 'cnn.onnx');
    const data = join(folder, 'onnx', 'weights.bin');
    const [panel, panel0, panel1] = at('panel.png', 'panel-0.png', 'panel-1.png') as [string, string, string];
    symlinkSync(data, panel0);
    const run = ig(explain(model, '--panel', panel, '--json', report));
    const message = `--panel ${panel} writes ${panel0} for example 0, which is the external data file ${data} of --model ${model}; writing it would replace that file: name another file`;
    expectRefused(run, message, [panel, panel1, report], { file: data, bytes: readFileSync(data) });
    expect(lstatSync(panel0).isSymbolicLink()).toBe(true);
  });

  it('refuses --panel whose picture of an example is another output of the run', () => {
    const [view, view0, view1] = at('view.png', 'view-0.png', 'view-1.png') as [string, string, string];
    const run = ig(explain(SMALL_CNN, '--panel', view, '--out', view0, '--json', report));
    expectRefused(run, `--out and --panel ${view} (for example 0) both name ${view0}; give each output its own file`, [view, view0, view1, report]);
  });

  it('writes every picture otherwise; one example writes the path itself, whatever its numbered names are', () => {
    const run = ig(explain(SMALL_CNN, '--heatmap', join(folder, 'ok.png'), '--panel', join(folder, 'ok-p.png'), '--json', report));
    expect([run.code, run.stderr]).toEqual([0, '']);
    for (const name of ['ok-0.png', 'ok-1.png', 'ok-p-0.png', 'ok-p-1.png']) expect(existsSync(join(folder, name)), name).toBe(true);
    expect(existsSync(join(folder, 'ok.png')) || existsSync(join(folder, 'ok-p.png'))).toBe(false);

    const one = writeSmallCnnInput(join(folder, 'one.npy'));
    const single = ig([
      'explain',
      '--model',
      SMALL_CNN,
      '--input',
      one,
      '--steps',
      '8',
      '-q',
      '--heatmap',
      join(folder, 'one.png'),
      '--json',
      join(folder, 'one-0.png'),
    ]);
    expect([single.code, single.stderr]).toEqual([0, '']);
    expect(existsSync(join(folder, 'one.png')) && existsSync(join(folder, 'one-0.png'))).toBe(true);
  });
});

describe('ig batch --heatmaps of an item of several examples: <id>-k.png', () => {
  const examples = (count: number): Uint8Array =>
    formatNpy(
      new Float32Array(count * 784).map((_, i) => ((i * 37) % 101) / 101),
      [count, 1, 28, 28],
    );
  const batch = (inputs: string, outDir: string): string[] => [
    'batch',
    '--model',
    SMALL_CNN,
    '--inputs',
    inputs,
    '--out-dir',
    outDir,
    '--heatmaps',
    '--steps',
    '8',
    '-q',
  ];

  it('refuses an --out-dir where an item’s heatmap of an example would replace another item’s input', () => {
    const shots = join(dir, 'shots');
    mkdirSync(shots);
    const scan = join(shots, 'scan.npz');
    writeFileSync(scan, zipSync({ 'arr_0.npy': examples(2) }));
    const photo = join(shots, 'scan-1.png');
    writeFileSync(photo, encodePng({ width: 28, height: 28, data: new Uint8ClampedArray(28 * 28 * 4).fill(200) }));
    const manifest = join(dir, 'shots.jsonl');
    writeFileSync(manifest, `${JSON.stringify({ input: scan })}\n${JSON.stringify({ input: photo, id: 'photo' })}\n`);
    const run = ig(batch(manifest, shots));
    const message = `--out-dir ${shots} would write ${photo} (the heatmap of example 1 of ${scan}, which holds 2) over the input ${photo}; give another --out-dir`;
    expectRefused(run, message, [], { file: photo, bytes: readFileSync(photo) });
    expect(readdirSync(shots).sort()).toEqual(['scan-1.png', 'scan.npz']);
  });

  it('refuses a batch where an item’s heatmap of an example is another item’s heatmap', () => {
    const [inputs, outDir] = [join(dir, 'clash-inputs'), join(dir, 'clash-out')];
    mkdirSync(inputs);
    writeFileSync(join(inputs, 'scan.npy'), examples(2));
    writeFileSync(join(inputs, 'scan-0.npy'), examples(1));
    const run = ig(batch(inputs, outDir));
    const message =
      `--heatmaps would write ${join(outDir, 'scan-0.png')} twice: as the heatmap of example 0 of ${join(inputs, 'scan.npy')}, which holds 2, ` +
      `and as the heatmap of ${join(inputs, 'scan-0.npy')}; rename one of the two inputs, or give it another "id" in a manifest`;
    expectRefused(run, message, []);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('writes every heatmap otherwise, beside an item whose id only looks numbered', () => {
    const [inputs, outDir] = [join(dir, 'ok-inputs'), join(dir, 'ok-out')];
    mkdirSync(inputs);
    writeFileSync(join(inputs, 'scan.npy'), examples(2));
    writeFileSync(join(inputs, 'scan-2.npy'), examples(1));
    const run = ig(batch(inputs, outDir));
    expect([run.code, run.stderr]).toEqual([0, '']);
    const written = readdirSync(outDir);
    expect(written.filter((name) => name.endsWith('.png')).sort()).toEqual(['scan-0.png', 'scan-1.png', 'scan-2.png']);
    expect(written).toContain('scan-2.npy');
  });
});
