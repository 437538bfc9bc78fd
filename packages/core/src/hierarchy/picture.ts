import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import type { RgbaImage } from '../visualize/types.js';
import { formatScore, textPixels } from './font.js';
import type { Hierarchy, HierarchyNode } from './tree.js';

export interface HierarchyPictureOptions {
  /** Levels to draw, one panel each; default up to `maxPanels` spread over levels 1..last. */
  readonly levels?: readonly number[];
  readonly maxPanels?: number;
  /** Output pixels per image pixel (default: the smallest giving panels at least 224 pixels high). */
  readonly zoom?: number;
}

const PALETTE: readonly [number, number, number][] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
  [0, 128, 128],
  [170, 110, 40],
];
const GAP = 6;

function pickLevels(tree: Hierarchy, options: HierarchyPictureOptions): number[] {
  const last = tree.levels.length - 1;
  if (options.levels) {
    for (const level of options.levels) {
      if (!Number.isInteger(level) || level < 0 || level > last)
        throw new InvalidOptionError(`level ${String(level)} does not exist; the hierarchy has levels 0..${last}`);
    }
    return [...options.levels];
  }
  const panels = options.maxPanels ?? 6;
  if (!Number.isInteger(panels) || panels < 1) throw new InvalidOptionError(`maxPanels must be an integer ≥ 1, got ${String(options.maxPanels)}`);
  if (last === 0) return [0];
  const count = Math.min(panels, last);
  return Array.from({ length: count }, (_, k) => (count === 1 ? last : 1 + Math.round((k * (last - 1)) / (count - 1))));
}

/**
 * A strip of panels, one per level, each the image with every component of that level (a node
 * of more than one unit) outlined in its own colour and labelled with its score.
 */
export function renderHierarchyLevels(tree: Hierarchy, image: RgbaImage, options: HierarchyPictureOptions = {}): RgbaImage {
  const { layout } = tree;
  if (layout.kind !== 'grid') throw new InvalidOptionError('an image picture draws a grid hierarchy; draw a sequence as text or HTML');
  const block = Math.ceil(image.height / layout.rows);
  if (Math.ceil(image.height / block) !== layout.rows || Math.ceil(image.width / block) !== layout.cols) {
    throw new ShapeMismatchError(`a ${image.width}×${image.height} image does not fit a grid of ${layout.rows}×${layout.cols} units`);
  }
  const zoom = options.zoom ?? Math.max(1, Math.ceil(224 / image.height));
  if (!Number.isInteger(zoom) || zoom < 1) throw new InvalidOptionError(`zoom must be an integer ≥ 1, got ${String(options.zoom)}`);
  const levels = pickLevels(tree, options);
  const pw = image.width * zoom;
  const ph = image.height * zoom;
  const width = levels.length * pw + (levels.length - 1) * GAP;
  const data = new Uint8ClampedArray(width * ph * 4).fill(255);
  levels.forEach((level, panel) => {
    const x0 = panel * (pw + GAP);
    const owner = new Array<number>(layout.features.length);
    for (const id of tree.levels[level] as number[]) for (const u of (tree.nodes[id] as HierarchyNode).units) owner[u] = id;
    const ownerAt = (px: number, py: number): number => owner[Math.floor(py / zoom / block) * layout.cols + Math.floor(px / zoom / block)] as number;
    const isComponent = (id: number): boolean => (tree.nodes[id] as HierarchyNode).units.length > 1;
    const colorOf = (id: number): [number, number, number] => PALETTE[id % PALETTE.length] as [number, number, number];
    const put = (px: number, py: number, [r, g, b]: readonly number[]): void => {
      if (px < 0 || py < 0 || px >= pw || py >= ph) return;
      const o = (py * width + x0 + px) * 4;
      data[o] = r as number;
      data[o + 1] = g as number;
      data[o + 2] = b as number;
      data[o + 3] = 255;
    };
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        const src = (Math.floor(py / zoom) * image.width + Math.floor(px / zoom)) * 4;
        put(px, py, [image.data[src] as number, image.data[src + 1] as number, image.data[src + 2] as number]);
      }
    }
    const thickness = Math.max(1, Math.floor(zoom / 4));
    for (let py = 0; py < ph; py++) {
      for (let px = 0; px < pw; px++) {
        const id = ownerAt(px, py);
        if (!isComponent(id)) continue;
        let edge = false;
        for (let d = 1; d <= thickness && !edge; d++) {
          for (const [qx, qy] of [
            [px - d, py],
            [px + d, py],
            [px, py - d],
            [px, py + d],
          ] as const) {
            if (qx < 0 || qy < 0 || qx >= pw || qy >= ph || ownerAt(qx, qy) !== id) edge = true;
          }
        }
        if (edge) put(px, py, colorOf(id));
      }
    }
    const size = Math.max(1, Math.floor(ph / 112));
    for (const id of tree.levels[level] as number[]) {
      if (!isComponent(id)) continue;
      const node = tree.nodes[id] as HierarchyNode;
      const first = node.units[0] as number;
      const text = textPixels(formatScore(node.score), size);
      const lx = Math.min(pw - text.width - 2 * size, Math.floor(first % layout.cols) * block * zoom + 2 * size);
      const ly = Math.min(ph - text.height - 2 * size, Math.floor(first / layout.cols) * block * zoom + 2 * size);
      for (let y = -size; y < text.height + size; y++) for (let x = -size; x < text.width + size; x++) put(lx + x, ly + y, [0, 0, 0]);
      for (const [x, y] of text.pixels) put(lx + x, ly + y, colorOf(id));
    }
  });
  return { width, height: ph, data };
}
