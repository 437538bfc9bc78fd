/**
 * How the settings of --steps auto are recorded: a batch's record of its options refuses a resume
 * under another --auto-rule or --max-steps, and the JSON reports of ig check, --text and token ids
 * name the rule as the tensor report does.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, tempDir } from './helpers.js';
import { writeOnnxModel } from './reliability/models.js';

const dir = tempDir('auto-steps-records');

/** y = x · W, x of shape [N, 3], two outputs. */
const linear = writeOnnxModel(join(dir, 'linear.onnx'), {
  inputs: { x: ['N', 3] },
  outputs: ['y'],
  constants: { w: { dims: [3, 2], values: [0.5, -1, 2, 0.25, -1.5, 3] } },
  nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
});
const inputs = join(dir, 'inputs');
mkdirSync(inputs);
writeFileSync(join(inputs, 'a.npy'), formatNpy(Float32Array.of(1, -2, 0.5), [1, 3]));
writeFileSync(join(inputs, 'b.npy'), formatNpy(Float32Array.of(0.5, 1, -1), [1, 3]));

const computed = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

/** Every file of the out-dir with its contents, to show that a refused resume writes nothing. */
const snapshot = (outDir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(outDir).map((name) => [name, readFileSync(join(outDir, name), 'utf8')]));

describe('ig batch --steps auto: --auto-rule and --max-steps are part of the record a resume must match', () => {
  const begin = (name: string, flags: readonly string[]) => {
    const outDir = join(dir, name);
    const log = join(dir, `${name}.log`);
    const run = (more: readonly string[]) =>
      ig(['batch', '--model', linear, '--inputs', inputs, '--out-dir', outDir, '--target', '0', '--steps', 'auto', '--quiet', ...more], {
        env: { IG_CLI_COMPUTE_LOG: log },
      });
    const first = run(flags);
    expect(first.code, first.stderr).toBe(0);
    expect(computed(log)).toHaveLength(2);
    // One item left to do, so that a resume has something to write.
    rmSync(join(outDir, 'b.json'));
    return { outDir, log, run };
  };
  const refused = (outDir: string, log: string, result: ReturnType<typeof ig>, change: string) => {
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `--out-dir ${outDir} holds results computed with other options (${change}); rerun with the same options or use a new --out-dir`,
    );
    expect(computed(log)).toHaveLength(2);
  };

  it('a resume with another --max-steps or --auto-rule is refused and writes nothing; the same settings resume', () => {
    const { outDir, log, run } = begin('capped', ['--max-steps', '65']);
    const record = JSON.parse(readFileSync(join(outDir, 'batch-options.json'), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({ steps: 'auto', maxSteps: 65 });
    expect(Object.keys(record)).not.toContain('autoRule');
    const before = snapshot(outDir);
    refused(outDir, log, run(['--max-steps', '129']), 'maxSteps: 65 then, 129 now');
    refused(outDir, log, run(['--max-steps', '65', '--auto-rule', 'nested']), 'autoRule: the default, "adaptive" then, "nested" now');
    refused(outDir, log, run([]), 'maxSteps: 65 then, the default, 1025 now');
    expect(snapshot(outDir)).toEqual(before);
    const same = run(['--max-steps', '65']);
    expect(same.code, same.stderr).toBe(0);
    expect(computed(log)).toHaveLength(3);
    expect(existsSync(join(outDir, 'b.json'))).toBe(true);
  });

  it('a record without them, as written before they were recorded, resumes with the defaults and refuses others', () => {
    const { outDir, log, run } = begin('old-record', []);
    const path = join(outDir, 'batch-options.json');
    const { autoRule: _rule, maxSteps: _cap, ...old } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, `${JSON.stringify(old, null, 2)}\n`);
    refused(outDir, log, run(['--max-steps', '65']), 'maxSteps: the default, 1025 then, 65 now');
    refused(outDir, log, run(['--auto-rule', 'nested']), 'autoRule: the default, "adaptive" then, "nested" now');
    // The defaults, given or not, are the settings of that record.
    const resumed = run(['--max-steps', '1025', '--auto-rule', 'adaptive']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(computed(log)).toHaveLength(3);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(old, null, 2)}\n`);
  });
});

describe('JSON reports of --steps auto name --auto-rule and --check-midpoint, as the tensor report of ig explain', () => {
  const json = (cwd: string, args: readonly string[]): Record<string, unknown> => {
    const run = ig([...args, '--json', 'r.json', '--quiet'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Record<string, unknown>;
  };
  const input = join(inputs, 'a.npy');

  it('ig check --json', () => {
    const check = ['check', '--model', linear, '--input', input, '--target', '0'];
    expect(json(tempDir('check-auto'), [...check, '--steps', 'auto', '--check-midpoint'])).toMatchObject({ autoRule: 'adaptive', checkMidpoint: true });
    const nested = json(tempDir('check-nested'), [...check, '--steps', 'auto', '--auto-rule', 'nested']);
    expect(nested['autoRule']).toBe('nested');
    expect(Object.keys(nested)).not.toContain('checkMidpoint');
    const fixed = json(tempDir('check-fixed'), [...check, '--steps', '16']);
    expect(Object.keys(fixed)).not.toContain('autoRule');
    // Placed as in the tensor report: before the baseline.
    const keys = Object.keys(json(tempDir('check-order'), [...check, '--steps', 'auto']));
    expect(keys.indexOf('autoRule')).toBe(keys.indexOf('baseline') - 2);
  });

  const spam = fileURLToPath(new URL('../assets/text/spam.onnx', import.meta.url));
  it('ig explain --text --json and --input ids.npy --json', () => {
    const text = ['explain', '--model', spam, '--text', 'Click here to claim your FREE prize!!', '--target', '1'];
    const auto = json(tempDir('text-auto'), [...text, '--steps', 'auto', '--tolerance', '0.1', '--check-midpoint']);
    expect(Object.keys(auto).slice(0, 4)).toEqual(['model', 'autoRule', 'checkMidpoint', 'samples']);
    expect(auto).toMatchObject({ autoRule: 'adaptive', checkMidpoint: true });
    const nested = json(tempDir('text-nested'), [...text, '--steps', 'auto', '--tolerance', '0.1', '--auto-rule', 'nested']);
    expect(Object.keys(nested)).toEqual(['model', 'autoRule', 'samples']);
    expect(nested['autoRule']).toBe('nested');
    expect(Object.keys(json(tempDir('text-fixed'), [...text, '--steps', '8']))).toEqual(['model', 'samples']);

    const cwd = tempDir('ids-auto');
    writeFileSync(join(cwd, 'ids.npy'), formatNpy(BigInt64Array.of(2n, 5n, 7n, 3n), [1, 4]));
    const ids = ['explain', '--model', spam, '--input', 'ids.npy', '--target', '1'];
    const report = json(cwd, [...ids, '--steps', 'auto', '--tolerance', '0.1', '--auto-rule', 'nested']);
    expect(Object.keys(report).slice(0, 3)).toEqual(['model', 'input', 'autoRule']);
    expect(report['autoRule']).toBe('nested');
    expect(json(cwd, [...ids, '--steps', 'auto', '--tolerance', '0.1'])).toMatchObject({ autoRule: 'adaptive', checkMidpoint: false });
    expect(Object.keys(json(cwd, [...ids, '--steps', '8']))).not.toContain('autoRule');
  });
});
