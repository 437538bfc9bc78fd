import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

/**
 * The runs of batch-algorithms.test.ts: each method's `ig batch` over its items, and `ig explain`
 * on each item alone, read back for the comparisons.
 */

export interface Item {
  readonly id: string;
  readonly input: string;
  readonly target: number;
  /** The Captum case of this input: its attributions and logits. */
  readonly captum: string;
}

export const IRIS: readonly Item[] = [
  { id: 'setosa', input: captumPath('data', 'iris_mlp', 'input_setosa_row1.npy'), target: 1, captum: 'c0' },
  { id: 'versicolor', input: captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy'), target: 0, captum: 'c1' },
];
export const CNN: readonly Item[] = [
  { id: 'digit1', input: captumPath('data', 'small_cnn', 'input1.npy'), target: 3, captum: 'c1' },
  { id: 'digit2', input: captumPath('data', 'small_cnn', 'input2.npy'), target: 3, captum: 'c2' },
];

export interface Method {
  readonly name: string;
  readonly model: 'iris' | 'cnn';
  readonly flags: readonly string[];
  /** Run as two shards into one out-dir. */
  readonly sharded?: boolean;
  /** Also write heatmaps (a batch option). */
  readonly heatmaps?: boolean;
}

/** --baseline for the methods that start from one: integrated-gradients and guided-ig (the CLI refuses it elsewhere). */
function baselineFlags(method: Method, file: string): string[] {
  const algorithm = method.flags[method.flags.indexOf('--algorithm') + 1];
  return !method.flags.includes('--algorithm') || algorithm === 'guided-ig' ? ['--baseline', file] : [];
}

export const METHODS: readonly Method[] = [
  { name: 'ig', model: 'iris', flags: ['--steps', '50'] },
  { name: 'no-multiply', model: 'iris', flags: ['--no-multiply-by-inputs', '--steps', '50'] },
  { name: 'saliency', model: 'iris', flags: ['--algorithm', 'saliency'] },
  { name: 'input-x-gradient', model: 'iris', flags: ['--algorithm', 'input-x-gradient'] },
  { name: 'probability', model: 'iris', flags: ['--objective', 'probability', '--steps', '64'] },
  { name: 'guided', model: 'iris', flags: ['--algorithm', 'guided-ig', '--fraction', '0.1', '--max-dist', '0.1', '--steps', '128'] },
  { name: 'guided-straight', model: 'iris', flags: ['--algorithm', 'guided-ig', '--max-dist', '0', '--steps', '32'] },
  {
    name: 'expected',
    model: 'iris',
    flags: ['--algorithm', 'expected-gradients', '--baseline-set', captumPath('data', 'iris_mlp', 'baseline_zeros.npy'), '--samples', '200', '--seed', '5'],
    sharded: true,
  },
  { name: 'smoothgrad-sq', model: 'iris', flags: ['--algorithm', 'saliency', '--noise', 'smoothgrad-sq', '--samples', '3', '--stdev', '0.05', '--seed', '7'] },
  { name: 'smoothgrad-sq-0', model: 'iris', flags: ['--algorithm', 'saliency', '--noise', 'smoothgrad-sq', '--samples', '2', '--stdev', '0'] },
  { name: 'blur', model: 'cnn', flags: ['--algorithm', 'blur-ig', '--max-sigma', '4', '--steps', '200', '--sqrt'] },
  { name: 'reduced', model: 'cnn', flags: ['--algorithm', 'input-x-gradient', '--reducer', 'sum'], heatmaps: true },
];

export interface Output {
  readonly attributions: { data: Float32Array; shape: readonly number[] };
  readonly report: Record<string, unknown>;
}

export const dir = tempDir('batch-algorithms');
export const model = { iris: captumModelPath('iris_mlp'), cnn: fixture('..', '..', 'assets', 'small_cnn.onnx') };
export const items = { iris: IRIS, cnn: CNN };
/** The baselines of the Captum cases. */
export const baseline = { iris: captumPath('data', 'iris_mlp', 'baseline_zeros.npy'), cnn: captumPath('data', 'small_cnn', 'baseline_const0.5.npy') };

export const batch = new Map<string, Map<string, Output>>();
export const explain = new Map<string, Map<string, Output>>();

function read(npy: string, json: string): Output {
  return { attributions: readFloat32Npy(npy), report: JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown> };
}

function runOrFail(args: readonly string[]): void {
  const run = ig(args);
  if (run.code !== 0) throw new Error(`ig ${args.join(' ')} exited ${String(run.code)}: ${run.stderr}`);
}

export function runAll(): void {
  for (const method of METHODS) {
    const list = items[method.model];
    const manifest = join(dir, `${method.name}.jsonl`);
    writeFileSync(manifest, list.map((item) => JSON.stringify({ input: item.input, id: item.id, target: item.target })).join('\n'));
    const outDir = join(dir, method.name);
    const base = [
      'batch',
      '--model',
      model[method.model],
      '--inputs',
      manifest,
      '--out-dir',
      outDir,
      ...baselineFlags(method, baseline[method.model]),
      ...method.flags,
      '--quiet',
      ...(method.heatmaps === true ? ['--heatmaps'] : []),
    ];
    for (const shard of method.sharded === true ? ['1/2', '2/2'] : [undefined]) runOrFail(shard === undefined ? base : [...base, '--shard', shard]);
    batch.set(method.name, new Map(list.map((item) => [item.id, read(join(outDir, `${item.id}.npy`), join(outDir, `${item.id}.json`))])));
    const single = new Map<string, Output>();
    for (const item of list) {
      const [npy, json] = [join(dir, `${method.name}-${item.id}.npy`), join(dir, `${method.name}-${item.id}.json`)];
      const args = [
        'explain',
        '--model',
        model[method.model],
        '--input',
        item.input,
        '--target',
        String(item.target),
        ...baselineFlags(method, baseline[method.model]),
        ...method.flags,
      ];
      runOrFail([...args, '--out', npy, '--json', json, '--quiet']);
      single.set(item.id, read(npy, json));
    }
    explain.set(method.name, single);
  }
}

export const output = (method: string, id: string): Output => batch.get(method)?.get(id) as Output;
export const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
export const logits = (model: 'iris_mlp' | 'small_cnn', item: Item, at: 'input' | 'baseline'): Float32Array =>
  readFloat32Npy(captumPath('data', model, `${item.captum}_logits_${at}.npy`)).data;
export const softmax = (z: Float32Array, k: number): number => Math.exp(z[k] as number) / Array.from(z).reduce((s, v) => s + Math.exp(v), 0);

/** max |got − expected| / max |expected|. */
export function deviation(got: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return worst / scale;
}

export function measured(what: string, value: number): number {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ what, value }));
  return value;
}
