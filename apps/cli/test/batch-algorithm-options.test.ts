import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

const IRIS = captumModelPath('iris_mlp');
const CNN = fixture('..', '..', 'assets', 'small_cnn.onnx');
const IRIS_INPUT = captumPath('data', 'iris_mlp', 'input_setosa_row1.npy');
const CNN_INPUT = captumPath('data', 'small_cnn', 'input1.npy');

function computed(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

describe('ig batch --algorithm takes the options of ig explain, checked alike', () => {
  const dir = tempDir('batch-algorithm-options');
  const folder = (name: string, input: string): string => {
    const inputs = join(dir, name);
    mkdirSync(inputs, { recursive: true });
    writeFileSync(join(inputs, 'a.npy'), readFileSync(input));
    return inputs;
  };

  it.each([
    ['an option of another method', IRIS, IRIS_INPUT, ['--algorithm', 'saliency', '--max-sigma', '3']],
    ['a missing reference set', IRIS, IRIS_INPUT, ['--algorithm', 'expected-gradients']],
    ['noise options without --noise', IRIS, IRIS_INPUT, ['--stdev', '0.1']],
    ['a share out of range', IRIS, IRIS_INPUT, ['--algorithm', 'guided-ig', '--fraction', '2']],
    ['a fractional --samples', IRIS, IRIS_INPUT, ['--algorithm', 'saliency', '--noise', 'smoothgrad', '--samples', '1.5']],
    ['an unknown method', IRIS, IRIS_INPUT, ['--algorithm', 'deeplift']],
    ['--steps auto for a method off the straight path', IRIS, IRIS_INPUT, ['--algorithm', 'blur-ig', '--steps', 'auto']],
    ['--layer with another method', CNN, CNN_INPUT, ['--layer', '/features/features.2/Relu_output_0', '--algorithm', 'saliency']],
  ])('%s: the same message and exit code, before anything is written', (name, model, input, flags) => {
    const single = ig(['explain', '--model', model, '--input', input, ...flags]);
    const outDir = join(dir, `out-${name.replace(/\W+/g, '-')}`);
    const many = ig(['batch', '--model', model, '--inputs', folder(`in-${name.replace(/\W+/g, '-')}`, input), '--out-dir', outDir, ...flags]);
    expect(single.code).not.toBe(0);
    expect(single.stderr).toMatch(/^error: /);
    expect([many.code, many.stderr]).toEqual([single.code, single.stderr]);
    expect(existsSync(outDir)).toBe(false);
  });

  it('lists the method options in its help', () => {
    const help = ig(['batch', '--help']).stdout;
    for (const flag of ['--algorithm <name>', '--no-multiply-by-inputs', '--objective <f>', '--reducer <r>', '--noise <kind>', '--baseline-set'])
      expect(help).toContain(flag);
  });
});

describe('ig batch resumes only with the method it began with', () => {
  let inputs: string;
  const dir = tempDir('batch-algorithm-resume');
  beforeAll(() => {
    inputs = join(dir, 'inputs');
    mkdirSync(inputs);
    for (const name of ['input_setosa_row1', 'input_versicolor_row51', 'input_virginica_row101'])
      writeFileSync(join(inputs, `${name}.npy`), readFileSync(captumPath('data', 'iris_mlp', `${name}.npy`)));
  });
  const run = (outDir: string, log: string, flags: readonly string[]) =>
    ig(['batch', '--model', IRIS, '--inputs', inputs, '--out-dir', outDir, ...flags, '--quiet'], { env: { IG_CLI_COMPUTE_LOG: log } });

  it('a rerun with another method, or other options of it, is refused naming them; the same method resumes', () => {
    const outDir = join(dir, 'guided');
    const log = join(dir, 'guided.log');
    const flags = ['--algorithm', 'guided-ig', '--fraction', '0.5'];
    expect(run(outDir, log, flags).code).toBe(0);
    expect(computed(log)).toHaveLength(3);
    const record = JSON.parse(readFileSync(join(outDir, 'batch-options.json'), 'utf8')) as Record<string, unknown>;
    expect(record['algorithm']).toEqual({ '--algorithm': 'guided-ig', '--fraction': 0.5, '--steps': 'not given: the default of guided-ig' });

    const plain = run(outDir, log, []);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain(
      'holds results computed with other options (algorithm: {"--algorithm":"guided-ig","--fraction":0.5,"--steps":"not given: the default of guided-ig"} then, plain integrated-gradients now)',
    );
    const otherShare = run(outDir, log, ['--algorithm', 'guided-ig', '--fraction', '0.25']);
    expect(otherShare.code).toBe(2);
    expect(otherShare.stderr).toMatch(/"--fraction":0\.5,.* then, \{"--algorithm":"guided-ig","--fraction":0\.25,/);
    // the method's own default number of steps is not --steps' default
    expect(run(outDir, log, [...flags, '--steps', '50']).stderr).toMatch(
      /"--steps":"not given: the default of guided-ig"\} then, \{"--algorithm":"guided-ig","--fraction":0\.5\} now/,
    );
    expect(computed(log)).toHaveLength(3);

    const again = run(outDir, log, flags);
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(computed(log)).toHaveLength(3);
  });

  it('plain Integrated Gradients records no method entry, so folders begun before --algorithm resume; a method is then refused', () => {
    const outDir = join(dir, 'plain');
    const log = join(dir, 'plain.log');
    expect(run(outDir, log, ['--steps', '16']).code).toBe(0);
    const record = JSON.parse(readFileSync(join(outDir, 'batch-options.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(record)).not.toContain('algorithm');
    const saliency = run(outDir, log, ['--algorithm', 'saliency']);
    expect(saliency.code).toBe(2);
    // Saliency takes no --steps, so the recorded steps differ too; either refuses the resume.
    expect(saliency.stderr).toContain('holds results computed with other options');
    const objective = run(outDir, log, ['--steps', '16', '--objective', 'probability']);
    expect(objective.stderr).toContain('(algorithm: plain integrated-gradients then, {"--algorithm":"integrated-gradients","--objective":"probability"} now)');
    expect(computed(log)).toHaveLength(3);
  });
});
