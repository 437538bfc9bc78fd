import type { PathEnds } from './path-runner.js';

/** One straight path: an example, one of its targets, one baseline sample. */
export interface PathPlan extends PathEnds {
  readonly slot: number;
  readonly sample: number;
  readonly fInput: number;
  readonly fBaseline: number;
}
