import { describe, expect, it } from 'vitest';
import { shardItems } from '../src/batch-items.js';
import { shardFromEnvironment, ShardEnvironmentError } from '../src/batch-scheduler.js';

const ITEMS = Array.from({ length: 23 }, (_, k) => `item${k}`);

/** The shards' items are the whole list, each item in exactly one shard. */
function expectPartition(envs: readonly Record<string, string>[], count: number): void {
  const shards = envs.map((env) => shardFromEnvironment(env));
  expect(shards.map((s) => s.count)).toEqual(envs.map(() => count));
  expect(new Set(shards.map((s) => s.index)).size).toBe(count);
  const taken = shards.flatMap((shard) => shardItems(ITEMS, shard));
  expect(taken.length).toBe(ITEMS.length); // pairwise disjoint: no item counted twice …
  expect(new Set(taken)).toEqual(new Set(ITEMS)); // … and together every item
}

const range = (n: number, from = 0, step = 1): number[] => Array.from({ length: n }, (_, k) => from + k * step);

describe('--shard auto reads the scheduler environment', () => {
  it('Kubernetes Indexed Job: JOB_COMPLETION_INDEX 0…n−1 with IG_SHARD_COUNT = completions', () => {
    expectPartition(
      range(5).map((k) => ({ JOB_COMPLETION_INDEX: String(k), IG_SHARD_COUNT: '5' })),
      5,
    );
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', IG_SHARD_COUNT: '5' })).toEqual({ index: 1, count: 5, scheduler: 'kubernetes' });
  });

  it('Slurm job arrays: --array=0-3, --array=1-4 (SLURM_ARRAY_TASK_MIN offset) and --array=0-30:10', () => {
    const slurm = (ids: number[], min: number, step: number): Record<string, string>[] =>
      ids.map((id) => ({
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_COUNT: String(ids.length),
        SLURM_ARRAY_TASK_MIN: String(min),
        SLURM_ARRAY_TASK_MAX: String(ids[ids.length - 1]),
        SLURM_ARRAY_TASK_STEP: String(step),
      }));
    expectPartition(slurm(range(4), 0, 1), 4);
    expectPartition(slurm(range(4, 1), 1, 1), 4);
    expectPartition(slurm(range(4, 0, 10), 0, 10), 4);
    expect(shardFromEnvironment(slurm(range(4, 1), 1, 1)[0] as Record<string, string>)).toEqual({ index: 1, count: 4, scheduler: 'slurm' });
    // Without MIN, MAX and STEP (older Slurm) the ids count from 0.
    expectPartition(
      range(3).map((k) => ({ SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_COUNT: '3' })),
      3,
    );
  });

  it('AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX 0…n−1 with IG_SHARD_COUNT = the array size', () => {
    expectPartition(
      range(7).map((k) => ({ AWS_BATCH_JOB_ARRAY_INDEX: String(k), IG_SHARD_COUNT: '7' })),
      7,
    );
  });

  it.each([
    [{}, 'no scheduler index found'],
    [{ JOB_COMPLETION_INDEX: '2' }, 'JOB_COMPLETION_INDEX is set but IG_SHARD_COUNT is not; set IG_SHARD_COUNT in the Job'],
    [{ JOB_COMPLETION_INDEX: '5', IG_SHARD_COUNT: '5' }, 'JOB_COMPLETION_INDEX=5 is not below IG_SHARD_COUNT=5'],
    [{ JOB_COMPLETION_INDEX: 'x', IG_SHARD_COUNT: '5' }, "JOB_COMPLETION_INDEX must be an integer ≥ 0, got 'x'"],
    [{ AWS_BATCH_JOB_ARRAY_INDEX: '1', IG_SHARD_COUNT: '0' }, "IG_SHARD_COUNT must be an integer ≥ 1, got '0'"],
    [{ AWS_BATCH_JOB_ARRAY_INDEX: '1' }, 'pass IG_SHARD_COUNT = the array size'],
    [{ SLURM_ARRAY_TASK_ID: '3' }, 'SLURM_ARRAY_TASK_COUNT must be an integer ≥ 1, got nothing (it is not set)'],
    [
      { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '9', SLURM_ARRAY_TASK_STEP: '1' },
      'not an evenly spaced range',
    ],
    [
      { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '30', SLURM_ARRAY_TASK_STEP: '10' },
      'SLURM_ARRAY_TASK_ID=5 is not one of the 4 tasks 0, 10, …, 30',
    ],
    [
      { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '0', IG_SHARD_COUNT: '2' },
      'both JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID are set',
    ],
  ] as const)('refuses %j', (env, message) => {
    let error: unknown;
    try {
      shardFromEnvironment(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ShardEnvironmentError);
    expect((error as ShardEnvironmentError).exitCode).toBe(2);
    expect((error as Error).message).toContain(message);
  });
});
