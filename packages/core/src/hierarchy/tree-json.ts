import type { Hierarchy } from './tree.js';

/** One node as `tree.json` writes it. */
export interface HierarchyNodeJson {
  readonly id: number;
  readonly features: readonly number[];
  readonly score: number;
  readonly children: readonly number[];
}

export interface HierarchyJson {
  readonly target: number | readonly number[];
  /** The score of the whole input as one group. */
  readonly fullScore: number;
  readonly root: number;
  /** One list per level; every level partitions the features. */
  readonly levels: readonly (readonly HierarchyNodeJson[])[];
}

/** The hierarchy in the `tree.json` form: per level, its nodes with flat feature indices, score and children. */
export function hierarchyToJson(tree: Hierarchy, target: number | readonly number[]): HierarchyJson {
  return {
    target,
    fullScore: tree.fullScore,
    root: tree.root,
    levels: tree.levels.map((ids) =>
      ids.map((id) => {
        const node = tree.nodes[id];
        return { id, features: node?.features ?? [], score: node?.score ?? 0, children: node?.children ?? [] };
      }),
    ),
  };
}
