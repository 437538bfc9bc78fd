import { InvalidOptionError } from '../errors.js';

/**
 * The units a hierarchy is built from and how they touch: tokens in a row (`sequence`) or
 * pixels / blocks of pixels on a grid (`grid`). Unit u sits at row ⌊u / cols⌋, column u mod cols.
 */
export interface UnitLayout {
  readonly kind: 'sequence' | 'grid';
  readonly rows: number;
  readonly cols: number;
  /** Per unit, the flat feature indices (into one example of the input) it covers. */
  readonly features: readonly (readonly number[])[];
}

function checkCount(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidOptionError(`${name} must be an integer ≥ 1, got ${String(value)}`);
  return value;
}

/**
 * Tokens in a row: token t covers features [t·featuresPerToken, (t + 1)·featuresPerToken) (an
 * embedded sequence of shape [length, featuresPerToken]); a unit is `sweepDim` consecutive tokens.
 */
export function sequenceUnits(length: number, featuresPerToken = 1, sweepDim = 1): UnitLayout {
  checkCount(length, 'length');
  checkCount(featuresPerToken, 'featuresPerToken');
  checkCount(sweepDim, 'sweepDim');
  const cols = Math.ceil(length / sweepDim);
  const features = Array.from({ length: cols }, (_, u) => {
    const list: number[] = [];
    for (let t = u * sweepDim; t < Math.min(length, (u + 1) * sweepDim); t++) for (let f = 0; f < featuresPerToken; f++) list.push(t * featuresPerToken + f);
    return list;
  });
  return { kind: 'sequence', rows: 1, cols, features };
}

/** Where an image's channels are in one example: none (`hw`), first (`chw`) or last (`hwc`). */
export type GridLayout = 'hw' | 'chw' | 'hwc';
const gridLayouts: readonly GridLayout[] = ['hw', 'chw', 'hwc'];

/** Pixels of an image, in blocks of sweepDim × sweepDim (the last row and column may be smaller); every channel of a pixel belongs to its unit. */
export function gridUnits(
  image: { readonly height: number; readonly width: number; readonly channels?: number; readonly layout?: GridLayout },
  sweepDim = 1,
): UnitLayout {
  const height = checkCount(image.height, 'height');
  const width = checkCount(image.width, 'width');
  const layout = image.layout ?? 'hw';
  if (!gridLayouts.includes(layout))
    throw new InvalidOptionError(`layout must be one of ${gridLayouts.map((l) => `'${l}'`).join(', ')}, got ${JSON.stringify(layout)}`);
  const channels = layout === 'hw' ? 1 : checkCount(image.channels ?? 1, 'channels');
  checkCount(sweepDim, 'sweepDim');
  const rows = Math.ceil(height / sweepDim);
  const cols = Math.ceil(width / sweepDim);
  const flat = (c: number, y: number, x: number): number => (layout === 'hwc' ? (y * width + x) * channels + c : (c * height + y) * width + x);
  const features = Array.from({ length: rows * cols }, (_, u) => {
    const r = Math.floor(u / cols);
    const k = u % cols;
    const list: number[] = [];
    for (let c = 0; c < channels; c++) {
      for (let y = r * sweepDim; y < Math.min(height, (r + 1) * sweepDim); y++) {
        for (let x = k * sweepDim; x < Math.min(width, (k + 1) * sweepDim); x++) list.push(flat(c, y, x));
      }
    }
    return list.sort((a, b) => a - b);
  });
  return { kind: 'grid', rows, cols, features };
}

/** The units sharing an edge with u (left/right in a sequence; up/down/left/right on a grid). */
export function edgeNeighbours(layout: UnitLayout, u: number): number[] {
  const r = Math.floor(u / layout.cols);
  const c = u % layout.cols;
  const out: number[] = [];
  if (r > 0) out.push(u - layout.cols);
  if (c > 0) out.push(u - 1);
  if (c < layout.cols - 1) out.push(u + 1);
  if (r < layout.rows - 1) out.push(u + layout.cols);
  return out;
}

/**
 * Connected components of the selected units, labelled in scan order: runs in a sequence,
 * 8-connected regions on a grid (as `acd`, which labels with connectivity 2).
 */
export function connectedComponents(layout: UnitLayout, selected: readonly boolean[]): number[][] {
  const seen = new Uint8Array(selected.length);
  const components: number[][] = [];
  for (let start = 0; start < selected.length; start++) {
    if (!selected[start] || seen[start]) continue;
    const component: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const u = stack.pop() as number;
      component.push(u);
      const r = Math.floor(u / layout.cols);
      const c = u % layout.cols;
      const reach = layout.kind === 'grid' ? 1 : 0;
      for (let dr = -reach; dr <= reach; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if ((dr === 0 && dc === 0) || rr < 0 || cc < 0 || rr >= layout.rows || cc >= layout.cols) continue;
          const v = rr * layout.cols + cc;
          if (selected[v] && !seen[v]) {
            seen[v] = 1;
            stack.push(v);
          }
        }
      }
    }
    components.push(component.sort((a, b) => a - b));
  }
  return components;
}
