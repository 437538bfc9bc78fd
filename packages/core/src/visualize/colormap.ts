import { describeValue } from '../describe-value.js';
import { InvalidOptionError } from '../errors.js';

/** A colormap: evenly spaced RGB stops (0–255) linearly interpolated over [0, 1]. */
export interface Colormap {
  readonly name: string;
  readonly stops: readonly (readonly [number, number, number])[];
}

function hex(code: string): [number, number, number] {
  const n = Number.parseInt(code, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Red at −1, white at 0, green (#008000) at +1: Captum's map for sign `all`. */
export const RED_WHITE_GREEN: Colormap = { name: 'RdWhGn', stops: [hex('ff0000'), hex('ffffff'), hex('008000')] };
/** The ColorBrewer sequential ramps matplotlib calls Greens, Reds and Blues. */
export const GREENS: Colormap = {
  name: 'Greens',
  stops: ['f7fcf5', 'e5f5e0', 'c7e9c0', 'a1d99b', '74c476', '41ab5d', '238b45', '006d2c', '00441b'].map(hex),
};
export const REDS: Colormap = {
  name: 'Reds',
  stops: ['fff5f0', 'fee0d2', 'fcbba1', 'fc9272', 'fb6a4a', 'ef3b2c', 'cb181d', 'a50f15', '67000d'].map(hex),
};
export const BLUES: Colormap = {
  name: 'Blues',
  stops: ['f7fbff', 'deebf7', 'c6dbef', '9ecae1', '6baed6', '4292c6', '2171b5', '08519c', '08306b'].map(hex),
};

/** The color at t ∈ [0, 1] (clamped), as unrounded RGB in 0–255. */
export function sampleColormap(map: Colormap, t: number): [number, number, number] {
  const clamped = Math.min(1, Math.max(0, t));
  const segments = map.stops.length - 1;
  const position = clamped * segments;
  const index = Math.min(segments - 1, Math.floor(position));
  const fraction = position - index;
  const from = map.stops[index] as readonly [number, number, number];
  const to = map.stops[index + 1] as readonly [number, number, number];
  return [from[0] + (to[0] - from[0]) * fraction, from[1] + (to[1] - from[1]) * fraction, from[2] + (to[2] - from[2]) * fraction];
}

const KNOWN: readonly (readonly [string, Colormap])[] = [
  ['RED_WHITE_GREEN', RED_WHITE_GREEN],
  ['GREENS', GREENS],
  ['REDS', REDS],
  ['BLUES', BLUES],
];

/** Refuses a colormap option that is not a Colormap { name, stops } (a name such as 'viridis', a stop out of 0–255). */
export function checkColormap(colormap: unknown): Colormap {
  if (colormap === null || typeof colormap !== 'object') {
    const known = KNOWN.map(([constant, map]) => `${constant} (${map.name})`).join(', ');
    throw new InvalidOptionError(`colormap must be a Colormap { name, stops }: one of the exported ${known}, or your own; got ${describeValue(colormap)}`);
  }
  const { stops } = colormap as Partial<Colormap>;
  if (!Array.isArray(stops) || stops.length < 2) {
    throw new InvalidOptionError(`colormap.stops must be an array of at least 2 [r, g, b] stops, got ${describeValue(stops)}`);
  }
  stops.forEach((stop: unknown, k) => {
    const rgb = Array.isArray(stop) && stop.length === 3 && stop.every((c) => typeof c === 'number' && c >= 0 && c <= 255);
    if (!rgb) throw new InvalidOptionError(`colormap.stops[${k}] must be [r, g, b], each in 0–255, got ${JSON.stringify(stop) ?? describeValue(stop)}`);
  });
  return colormap as Colormap;
}
