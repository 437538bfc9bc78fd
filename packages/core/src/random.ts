import { InvalidOptionError } from './errors.js';

/** A small seeded generator (mulberry32) with normal draws (Box–Muller); reproducible everywhere. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  let spare: number | null = null;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  return { uniform, normal };
}

/** A seed as given: an integer (NaN, 1.5 or a string would silently draw as another seed). */
export function checkSeed(seed: unknown, name: string): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new InvalidOptionError(`${name} must be an integer, got ${String(seed)}`);
  return seed;
}
