import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, UsageError } from './errors.js';
import { sameFileAs, type CompanionFile, type GivenInputFile } from './given-input-files.js';
import { outputTarget, type OutputTarget } from './output-target.js';

function folderProblem(folder: string): string | null {
  try {
    if (!statSync(folder).isDirectory()) return `${folder} is not a folder`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `folder ${folder} does not exist` : code === 'ENOTDIR' ? `${folder} is not a folder` : (error as Error).message;
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EROFS' ? `${folder} is on a read-only file system` : `permission denied in ${folder}`;
  }
  return null;
}

/** Why `path` (leading to `target`) cannot be written, or null; a file that exists is replaced whole. */
function writeProblem(path: string, target: OutputTarget): string | null {
  if (target.kind === 'folder') return `${path} is a folder; name a file`;
  if (target.kind === 'file') return folderProblem(target.path === resolve(path) ? dirname(path) : dirname(target.path));
  try {
    accessSync(path, constants.W_OK);
    return null;
  } catch {
    return `permission denied on ${path}`;
  }
}

/**
 * A file a run writes under a name made from an option's path: `--out x.npy` writes `x-a.npy` for
 * the model input `a`; `--heatmap h.png` writes `h-0.png`, `h-1.png`, … for a batch of examples.
 * The option's own path is then not written.
 */
export interface DerivedOutput {
  readonly option: string;
  /** The option's path. */
  readonly given: string;
  readonly path: string;
  /** What the file is for: `for input a`, `for example 1`. */
  readonly role: string;
}

type Output = { readonly option: string; readonly path: string } | DerivedOutput;

const isDerived = (output: Output): output is DerivedOutput => 'given' in output;

/** The output before its path in "cannot write", and where "and … both name" names it. */
const label = (output: Output): string => (isDerived(output) ? `${output.option} ${output.given} (${output.role})` : output.option);

/** The output as the subject of "is the … file". */
const subject = (output: Output): string =>
  isDerived(output) ? `${output.option} ${output.given} writes ${output.path} ${output.role}, which` : `${output.option} ${output.path}`;

function targetOf(output: Output): OutputTarget {
  try {
    return outputTarget(output.path);
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`cannot write ${label(output)} ${error.message}`);
    throw new CliError(`cannot write ${label(output)} ${output.path}: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
}

/**
 * Refuses, before any work, output files (option name → path) that cannot be written: a folder
 * that does not exist or is read-only, a path that is a folder, two outputs naming one file, or
 * an output that is one of the run's own input files (`inputs`) or a file it reads beside them
 * (`companions`: a model's weights, its tokenizer), which it would replace. `derived`: the files
 * named from options' paths, which then stand for those options' own.
 */
export function checkOutputPaths(
  outputs: Readonly<Record<string, unknown>>,
  inputs: readonly GivenInputFile[] = [],
  companions: readonly CompanionFile[] = [],
  derived: readonly DerivedOutput[] = [],
): void {
  const named = Object.entries(outputs).flatMap(([option, path]) =>
    typeof path === 'string' && !derived.some((d) => d.option === option) ? [{ option, path }] : [],
  );
  const seen = new Map<string, string>();
  for (const output of [...named, ...derived]) {
    const { path } = output;
    const target = targetOf(output);
    const problem = writeProblem(path, target);
    if (problem) throw new CliError(`cannot write ${label(output)} ${path}: ${problem}`);
    const input = target.kind === 'file' ? inputs.find((file) => sameFileAs(file.path, target.path)) : undefined;
    if (input) throw new UsageError(`${subject(output)} is the ${input.option} file ${input.path}; writing it would replace that input: name another file`);
    const companion = target.kind === 'file' ? companions.find((file) => sameFileAs(file.path, target.path)) : undefined;
    if (companion) throw new UsageError(`${subject(output)} is ${companion.what}; writing it would replace that file: name another file`);
    const key = target.kind === 'file' ? target.path : resolve(path);
    const other = seen.get(key);
    if (other) throw new UsageError(`${other} and ${label(output)} both name ${path}; give each output its own file`);
    seen.set(key, label(output));
  }
}
