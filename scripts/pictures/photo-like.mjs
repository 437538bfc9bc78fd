// A 512×600 colour JPEG "photo" drawn from code (no third-party image): a shaded light-blue T-shirt with
// folds and fabric grain on a dark, vignetted backdrop with sensor noise. It stands in for a phone
// photo in the README's pictures: large, colourful and noisy, unlike the 28×28 grey model input.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../apps/cli/package.json', import.meta.url));
const jpeg = require('jpeg-js');

export const WIDTH = 512;
export const HEIGHT = 600;

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inPolygon(x, y, points) {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i];
    const [xj, yj] = points[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const BODY = [
  [160, 90],
  [352, 90],
  [400, 230],
  [396, 560],
  [116, 560],
  [112, 230],
];
const LEFT_SLEEVE = [
  [170, 90],
  [20, 200],
  [70, 300],
  [120, 262],
];
const RIGHT_SLEEVE = LEFT_SLEEVE.map(([x, y]) => [WIDTH - x, y]);

function onShirt(x, y) {
  const neck = ((x - 256) / 54) ** 2 + ((y - 86) / 36) ** 2 < 1;
  return !neck && (inPolygon(x, y, BODY) || inPolygon(x, y, LEFT_SLEEVE) || inPolygon(x, y, RIGHT_SLEEVE));
}

export function photoLike() {
  const next = random(15);
  const data = Buffer.alloc(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const noise = (next() - 0.5) * 18;
      const vignette = 1 - 0.55 * (((x - WIDTH / 2) / WIDTH) ** 2 + ((y - HEIGHT / 2) / HEIGHT) ** 2) * 2;
      let rgb;
      if (onShirt(x, y)) {
        const light =
          0.75 + 0.35 * (1 - (x + y) / (WIDTH + HEIGHT)) + 0.12 * Math.sin(x / 9 + Math.sin(y / 40) * 2) - 0.1 * Math.max(0, Math.sin(y / 23 + x / 70));
        const grain = (x + y) % 4 < 2 ? 6 : -6;
        rgb = [120, 175, 225].map((c) => c * light + grain);
      } else {
        rgb = [40, 32, 28].map((c) => c * vignette);
      }
      data.set([...rgb.map((c) => Math.max(0, Math.min(255, Math.round(c + noise)))), 255], (y * WIDTH + x) * 4);
    }
  }
  return jpeg.encode({ width: WIDTH, height: HEIGHT, data }, 90).data;
}

if (process.argv[2]) writeFileSync(process.argv[2], photoLike());
