import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The built `ig` command of this workspace. */
export const IG_BIN = join(dirname(createRequire(import.meta.url).resolve('@ig/cli/package.json')), 'dist', 'bin.js');

/** Writes a float32 array as a NumPy .npy file (format 1.0, C order). */
export function writeNpy(path: string, data: Float32Array, shape: readonly number[]): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

/** The time breakdown `ig explain --json` reports (see apps/cli/src/timing.ts). */
export interface CliTime {
  readonly startSeconds: number;
  readonly loadSeconds: number;
  readonly buildSeconds: number;
  readonly sessionSeconds: number;
  readonly computeSeconds: number;
  readonly otherSeconds: number;
  readonly totalSeconds: number;
  readonly cache?: { readonly hits: number; readonly misses: number };
}

export interface CliRun {
  /** Wall time of the whole process, measured here. */
  readonly wallSeconds: number;
  readonly time: CliTime;
  readonly relativeError: number;
  readonly target: number;
}

/** One `ig explain` process, timed from spawn to exit. */
export function igExplain(args: readonly string[], report: string): CliRun {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [IG_BIN, 'explain', '--quiet', '--json', report, ...args], { encoding: 'utf8' });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`ig explain ${args.join(' ')} failed (${String(child.status)}): ${child.stderr}`);
  const json = JSON.parse(readFileSync(report, 'utf8')) as { time: CliTime; relativeError: number; target: number };
  return { wallSeconds, time: json.time, relativeError: json.relativeError, target: json.target };
}

/** Wall time of a process that starts Node and the `ig` command and exits (`ig --version`-like: its help). */
export function processStartSeconds(): number {
  const start = process.hrtime.bigint();
  spawnSync(process.execPath, [IG_BIN, '--help'], { encoding: 'utf8' });
  return Number(process.hrtime.bigint() - start) / 1e9;
}
