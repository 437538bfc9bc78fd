import { textHeight, textWidth } from './font.js';

/** A rectangle in panel pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A line of text and where its top-left corner goes. */
export interface PlacedText {
  readonly text: string;
  readonly x: number;
  readonly y: number;
}

export interface PanelLayout {
  readonly width: number;
  readonly height: number;
  readonly title: readonly PlacedText[];
  readonly captions: readonly PlacedText[];
  /** input | attribution | overlay, each the upscaled image size. */
  readonly parts: readonly [Box, Box, Box];
  readonly bar: Box;
  /** The values at the bar's top, middle (when shown) and bottom. */
  readonly barLabels: readonly PlacedText[];
}

export interface PanelLayoutInput {
  /** The size of each of the three pictures (already upscaled). */
  readonly partWidth: number;
  readonly partHeight: number;
  readonly title: readonly string[];
  readonly captions: readonly [string, string, string];
  /** Top to bottom: the high end, optionally the middle, the low end. */
  readonly barLabels: readonly string[];
  /** Image pixels per font pixel. */
  readonly textSize: number;
}

/** Where each part of an attribution panel goes: title, captions, three pictures, colour bar. */
export function panelLayout(input: PanelLayoutInput): PanelLayout {
  const s = input.textSize;
  const margin = 6 * s;
  const gap = 4 * s;
  const line = textHeight(s) + 3 * s;
  const title = input.title.map((text, k) => ({ text, x: margin, y: margin + k * line }));
  const captionsTop = margin + input.title.length * line + (input.title.length > 0 ? gap : 0);
  const partsTop = captionsTop + line;
  const parts = [0, 1, 2].map((k) => ({ x: margin + k * (input.partWidth + gap), y: partsTop, width: input.partWidth, height: input.partHeight })) as [
    Box,
    Box,
    Box,
  ];
  const captions = input.captions.map((text, k) => ({
    text,
    x: (parts[k] as Box).x + Math.max(0, Math.floor((input.partWidth - textWidth(text, s)) / 2)),
    y: captionsTop,
  }));
  const bar = { x: parts[2].x + input.partWidth + 2 * gap, y: partsTop, width: 5 * s, height: input.partHeight };
  const labelX = bar.x + bar.width + gap;
  const labelHeight = textHeight(s);
  const count = input.barLabels.length;
  const barLabels = input.barLabels.map((text, k) => {
    const centre = count === 1 ? bar.y : bar.y + Math.round((k * (bar.height - 1)) / (count - 1));
    return { text, x: labelX, y: Math.min(bar.y + bar.height - labelHeight, Math.max(bar.y, centre - Math.floor(labelHeight / 2))) };
  });
  const labelsRight = Math.max(bar.x + bar.width, ...barLabels.map((l) => l.x + textWidth(l.text, s)));
  const textRight = Math.max(0, ...[...title, ...captions].map((t) => t.x + textWidth(t.text, s)));
  return {
    width: Math.max(labelsRight, textRight) + margin,
    height: partsTop + input.partHeight + margin,
    title,
    captions,
    parts,
    bar,
    barLabels,
  };
}
