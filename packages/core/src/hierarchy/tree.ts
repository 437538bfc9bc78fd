import type { UnitLayout } from './units.js';

/** One group of the hierarchy. */
export interface HierarchyNode {
  readonly id: number;
  /** The level where the node first appears (0: single units). */
  readonly level: number;
  /** The units it covers, ascending. */
  readonly units: readonly number[];
  /** The flat feature indices it covers, ascending. */
  readonly features: readonly number[];
  /** Its group score for the target. */
  readonly score: number;
  /** The nodes of the level before that it joins (empty for a unit). */
  readonly children: readonly number[];
}

/**
 * Levels of nested groups. Every level is a partition of all units: level 0 holds every unit
 * alone, and each later level's nodes are unions of nodes of the level before (a node that does
 * not change is carried on with its id). The last level holds one node, the root.
 */
export interface Hierarchy {
  readonly layout: UnitLayout;
  readonly nodes: readonly HierarchyNode[];
  /** Node ids per level, ordered by each node's first unit. */
  readonly levels: readonly (readonly number[])[];
  readonly root: number;
  /** The score of the whole input as one group. */
  readonly fullScore: number;
}

/** Builds the levels: every new group becomes a node whose children are the current nodes it covers. */
export class HierarchyBuilder {
  readonly nodes: HierarchyNode[] = [];
  readonly levels: number[][] = [];
  private readonly owner: number[];

  constructor(
    readonly layout: UnitLayout,
    unitScores: Float64Array,
  ) {
    this.owner = layout.features.map((_, u) => u);
    layout.features.forEach((features, u) => {
      this.nodes.push({ id: u, level: 0, units: [u], features: [...features].sort((a, b) => a - b), score: unitScores[u] as number, children: [] });
    });
    this.levels.push(this.owner.map((_, u) => u));
  }

  node(id: number): HierarchyNode {
    return this.nodes[id] as HierarchyNode;
  }

  /** The current node that holds unit u. */
  ownerOf(u: number): number {
    return this.owner[u] as number;
  }

  /** The current nodes a group of units covers. */
  childrenOf(units: readonly number[]): number[] {
    return [...new Set(units.map((u) => this.owner[u] as number))].sort((a, b) => a - b);
  }

  /** Whether the group is exactly one current node. */
  isCurrent(units: readonly number[]): boolean {
    const children = this.childrenOf(units);
    return children.length === 1 && this.node(children[0] as number).units.length === units.length;
  }

  featuresOf(units: readonly number[]): number[] {
    return units.flatMap((u) => this.layout.features[u] as readonly number[]).sort((a, b) => a - b);
  }

  /** Adds a level made of the given new groups (the other current nodes carry on); returns their ids. */
  addLevel(groups: readonly { readonly units: readonly number[]; readonly score: number }[]): number[] {
    const level = this.levels.length;
    const ids = groups.map(({ units, score }) => {
      const sorted = [...units].sort((a, b) => a - b);
      const id = this.nodes.length;
      this.nodes.push({ id, level, units: sorted, features: this.featuresOf(sorted), score, children: this.childrenOf(sorted) });
      return id;
    });
    ids.forEach((id) => {
      for (const u of this.node(id).units) this.owner[u] = id;
    });
    const seen = new Set<number>();
    const current: number[] = [];
    for (const id of this.owner) {
      if (!seen.has(id)) {
        seen.add(id);
        current.push(id);
      }
    }
    this.levels.push(current);
    return ids;
  }

  finish(fullScore: number): Hierarchy {
    const last = this.levels[this.levels.length - 1] as number[];
    return { layout: this.layout, nodes: this.nodes, levels: this.levels, root: last[0] as number, fullScore };
  }
}

/**
 * Checks the tree's invariants and returns the problems found (none for a valid tree): every
 * level partitions the units, each node equals the union of its children, those children are
 * nodes of the level before, and the last level is one node.
 */
export function hierarchyProblems(tree: Hierarchy): string[] {
  const problems: string[] = [];
  const unitCount = tree.layout.features.length;
  tree.levels.forEach((level, k) => {
    const covered = new Array<number>(unitCount).fill(0);
    for (const id of level) for (const u of tree.nodes[id]?.units ?? []) covered[u] = (covered[u] as number) + 1;
    const bad = covered.findIndex((n) => n !== 1);
    if (bad >= 0) problems.push(`level ${k}: unit ${bad} is in ${covered[bad]} nodes`);
    if (k === 0) return;
    const previous = new Set(tree.levels[k - 1]);
    for (const id of level) {
      const node = tree.nodes[id] as HierarchyNode;
      if (previous.has(id)) continue;
      const union = node.children.flatMap((c) => tree.nodes[c]?.units ?? []).sort((a, b) => a - b);
      if (node.children.some((c) => !previous.has(c))) problems.push(`level ${k}: node ${id} has a child outside level ${k - 1}`);
      if (union.join(',') !== node.units.join(',')) problems.push(`level ${k}: node ${id} is not the union of its children`);
    }
  });
  if ((tree.levels[tree.levels.length - 1]?.length ?? 0) !== 1) problems.push('the last level is not a single root');
  return problems;
}
