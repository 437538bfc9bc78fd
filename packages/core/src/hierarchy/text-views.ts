import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import { tokenColor } from '../visualize/text.js';
import type { Hierarchy, HierarchyNode } from './tree.js';

export interface HierarchyTextOptions {
  /** Score drawn at full colour; default the largest |score| of the nodes shown. */
  readonly scale?: number;
}

function checkSequence(tree: Hierarchy, labels: readonly string[]): void {
  if (tree.layout.kind !== 'sequence') throw new InvalidOptionError('a text view draws a sequence hierarchy; this one is a grid (draw it as an image)');
  if (labels.length !== tree.layout.cols)
    throw new ShapeMismatchError(`${labels.length} labels for ${tree.layout.cols} units; give one label (token, or tokens joined) per unit`);
}

/** The levels worth drawing, top first: each level where something new appears, then the units. */
function shownLevels(tree: Hierarchy): { level: number; nodes: HierarchyNode[] }[] {
  return tree.levels.map((ids, level) => ({ level, nodes: ids.map((id) => tree.nodes[id] as HierarchyNode) })).reverse();
}

function scaleOf(tree: Hierarchy, scale: number | undefined): number {
  if (scale !== undefined) {
    if (!(scale > 0 && Number.isFinite(scale))) throw new InvalidOptionError(`scale must be a positive number, got ${String(scale)}`);
    return scale;
  }
  const max = tree.nodes.reduce((m, n) => Math.max(m, Math.abs(n.score)), 0);
  return max === 0 ? 1 : max;
}

/**
 * The hierarchy of a sequence for a terminal: one line per level, root first, each phrase in
 * brackets on a background shaded by its score (red negative, white 0, green positive).
 */
export function hierarchyToAnsi(tree: Hierarchy, labels: readonly string[], options: HierarchyTextOptions = {}): string {
  checkSequence(tree, labels);
  const scale = scaleOf(tree, options.scale);
  const width = String(tree.levels.length - 1).length;
  return shownLevels(tree)
    .map(({ level, nodes }) => {
      const cells = nodes.map((node) => {
        const [r, g, b] = tokenColor(node.score, scale);
        const text = node.units.map((u) => labels[u]).join(' ');
        return `\x1b[48;2;${r};${g};${b}m\x1b[38;2;0;0;0m${node.units.length > 1 ? `[${text}]` : text}\x1b[0m`;
      });
      return `${String(level).padStart(width)} ${cells.join(' ')}`;
    })
    .join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The hierarchy of a sequence as an HTML table: the root on top and the units at the bottom, one
 * row per level, each phrase a cell spanning its tokens, shaded by its score (ACD's figures).
 */
export function hierarchyToHtml(tree: Hierarchy, labels: readonly string[], options: HierarchyTextOptions = {}): string {
  checkSequence(tree, labels);
  const scale = scaleOf(tree, options.scale);
  const rows = shownLevels(tree).map(({ level, nodes }) => {
    const cells = nodes.map((node) => {
      const [r, g, b] = tokenColor(node.score, scale);
      const text = escapeHtml(node.units.map((u) => labels[u]).join(' '));
      return `<td colspan="${node.units.length}" style="background:rgb(${r},${g},${b})" title="score ${node.score.toPrecision(4)}">${text}</td>`;
    });
    return `<tr><th>${level}</th>${cells.join('')}</tr>`;
  });
  return [
    '<table class="ig-hierarchy" style="border-collapse:collapse;font-family:sans-serif">',
    '<style>.ig-hierarchy td{border:1px solid #888;padding:2px 6px;text-align:center}.ig-hierarchy th{padding:2px 6px;color:#666;font-weight:normal}</style>',
    ...rows,
    '</table>',
    `<p style="font-family:sans-serif;font-size:small">red: negative, white: 0, green: positive; full colour at |score| = ${escapeHtml(scale.toPrecision(3))}</p>`,
  ].join('\n');
}
