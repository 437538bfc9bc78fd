import { UsageError } from './errors.js';

/** Shard i of n, 1-based, as `--shard i/n` takes it. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** A shard read from a scheduler's environment, with where it came from (for messages). */
export interface ScheduledShard extends Shard {
  readonly scheduler: 'kubernetes' | 'slurm' | 'aws-batch';
}

/**
 * The shard count for schedulers that do not export one: Kubernetes (an Indexed Job's
 * `.spec.completions`) and AWS Batch (the array job's size). Set it to the same number.
 */
export const SHARD_COUNT_ENV = 'IG_SHARD_COUNT';

/** `--shard auto` found no usable scheduler environment, or one that contradicts itself. */
export class ShardEnvironmentError extends UsageError {
  constructor(problem: string) {
    super(`--shard auto: ${problem}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, min: number): number {
  const text = env[name];
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new ShardEnvironmentError(`${name} must be an integer ≥ ${min}, got ${text === undefined ? 'nothing (it is not set)' : `'${text}'`}`);
  }
  return n;
}

/** A 0-based index and a count from the environment: index < count or an error naming both variables. */
function zeroBased(env: Env, indexName: string, countName: string, scheduler: ScheduledShard['scheduler'], hint: string): ScheduledShard {
  if (env[countName] === undefined) throw new ShardEnvironmentError(`${indexName} is set but ${countName} is not; ${hint}`);
  const index = integer(env, indexName, 0);
  const count = integer(env, countName, 1);
  if (index >= count)
    throw new ShardEnvironmentError(`${indexName}=${index} is not below ${countName}=${count}; ${countName} must equal the number of tasks (${hint})`);
  return { index: index + 1, count, scheduler };
}

/**
 * Slurm job arrays number tasks from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP
 * (`--array=1-8`, `--array=0-30:10`); the shard is the task's position in that range. An array
 * given as a list with gaps (`--array=1,4,9`) has no such position and is refused.
 */
function slurm(env: Env): ScheduledShard {
  const id = integer(env, 'SLURM_ARRAY_TASK_ID', 0);
  const count = integer(env, 'SLURM_ARRAY_TASK_COUNT', 1);
  const min = env['SLURM_ARRAY_TASK_MIN'] === undefined ? 0 : integer(env, 'SLURM_ARRAY_TASK_MIN', 0);
  const step = env['SLURM_ARRAY_TASK_STEP'] === undefined ? 1 : integer(env, 'SLURM_ARRAY_TASK_STEP', 1);
  const max = env['SLURM_ARRAY_TASK_MAX'] === undefined ? min + (count - 1) * step : integer(env, 'SLURM_ARRAY_TASK_MAX', 0);
  if (max !== min + (count - 1) * step) {
    throw new ShardEnvironmentError(
      `the Slurm array runs ${count} tasks from ${min} to ${max} in steps of ${step}, which is not an evenly spaced range; submit it as --array=0-${count - 1} (a % limit is fine)`,
    );
  }
  const position = (id - min) / step;
  if (!Number.isInteger(position) || position < 0 || position >= count) {
    throw new ShardEnvironmentError(`SLURM_ARRAY_TASK_ID=${id} is not one of the ${count} tasks ${min}, ${min + step}, …, ${max} of the array`);
  }
  return { index: position + 1, count, scheduler: 'slurm' };
}

const SCHEDULERS = {
  kubernetes: 'JOB_COMPLETION_INDEX',
  slurm: 'SLURM_ARRAY_TASK_ID',
  'aws-batch': 'AWS_BATCH_JOB_ARRAY_INDEX',
} as const;

/**
 * `--shard auto`: this task's shard from the scheduler that started it — a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX and IG_SHARD_COUNT = completions), a Slurm job array
 * (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN/STEP/MAX) or an AWS Batch
 * array job (AWS_BATCH_JOB_ARRAY_INDEX and IG_SHARD_COUNT = the array size).
 */
export function shardFromEnvironment(env: Env = process.env): ScheduledShard {
  const found = (Object.keys(SCHEDULERS) as ScheduledShard['scheduler'][]).filter((s) => env[SCHEDULERS[s]] !== undefined);
  if (found.length === 0) {
    throw new ShardEnvironmentError(
      `no scheduler index found: expected JOB_COMPLETION_INDEX (Kubernetes Indexed Job), SLURM_ARRAY_TASK_ID (Slurm job array) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job); outside a scheduler give --shard i/n`,
    );
  }
  if (found.length > 1)
    throw new ShardEnvironmentError(`both ${found.map((s) => SCHEDULERS[s]).join(' and ')} are set; unset the one that does not belong to this job`);
  switch (found[0]) {
    case 'kubernetes':
      return zeroBased(env, 'JOB_COMPLETION_INDEX', SHARD_COUNT_ENV, 'kubernetes', `set ${SHARD_COUNT_ENV} in the Job's pod template to its .spec.completions`);
    case 'aws-batch':
      return zeroBased(
        env,
        'AWS_BATCH_JOB_ARRAY_INDEX',
        SHARD_COUNT_ENV,
        'aws-batch',
        `pass ${SHARD_COUNT_ENV} = the array size (arrayProperties.size) in the job's environment`,
      );
    default:
      return slurm(env);
  }
}
