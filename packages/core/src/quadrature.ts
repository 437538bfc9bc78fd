import { describeValue } from './describe-value.js';
import { InvalidOptionError } from './errors.js';

/** Points α ∈ [0, 1] on the straight path and the weights of ∫₀¹ f(α) dα ≈ Σ wₖ f(αₖ). */
export interface QuadratureRule {
  readonly alphas: Float64Array;
  readonly weights: Float64Array;
}

export type QuadratureMethod = 'gauss-legendre' | 'riemann-left' | 'riemann-right' | 'riemann-middle' | 'riemann-trapezoid' | 'clenshaw-curtis';

export const QUADRATURE_METHODS: readonly QuadratureMethod[] = [
  'gauss-legendre',
  'riemann-left',
  'riemann-right',
  'riemann-middle',
  'riemann-trapezoid',
  'clenshaw-curtis',
];

function checkCount(n: number, min: number, method: string): void {
  if (!Number.isInteger(n) || n < min) {
    throw new InvalidOptionError(`steps must be an integer ≥ ${min} for ${method}, got ${String(n)}`);
  }
}

function uniformRule(n: number, offset: number): QuadratureRule {
  const alphas = new Float64Array(n);
  const weights = new Float64Array(n).fill(1 / n);
  for (let k = 0; k < n; k++) alphas[k] = (k + offset) / n;
  return { alphas, weights };
}

export function riemannLeft(n: number): QuadratureRule {
  checkCount(n, 1, 'riemann-left');
  return uniformRule(n, 0);
}

export function riemannRight(n: number): QuadratureRule {
  checkCount(n, 1, 'riemann-right');
  return uniformRule(n, 1);
}

export function riemannMiddle(n: number): QuadratureRule {
  checkCount(n, 1, 'riemann-middle');
  return uniformRule(n, 0.5);
}

/**
 * The composite trapezoid rule on n equally spaced points including both ends: weights
 * h = 1/(n − 1), halved at the ends, summing to 1. (Captum's `riemann_trapezoid` uses 1/n,
 * so its weights sum to (n − 1)/n and its attributions are (n − 1)/n of these.)
 */
export function riemannTrapezoid(n: number): QuadratureRule {
  checkCount(n, 2, 'riemann-trapezoid');
  const alphas = new Float64Array(n);
  const weights = new Float64Array(n);
  const h = 1 / (n - 1);
  for (let k = 0; k < n; k++) {
    alphas[k] = k * h;
    weights[k] = k === 0 || k === n - 1 ? h / 2 : h;
  }
  return { alphas, weights };
}

/**
 * Gauss–Legendre nodes and weights mapped from [−1, 1] to [0, 1], ascending; exact for
 * polynomials of degree ≤ 2n − 1. Nodes by Newton's method on Pₙ from Tricomi's asymptotic
 * guesses, which are close enough that two or three steps reach double precision: the set-up
 * costs a few n²/2 multiply-adds (2–4 runs of the n-term recurrence per node).
 */
export function gaussLegendre(n: number): QuadratureRule {
  checkCount(n, 1, 'gauss-legendre');
  const alphas = new Float64Array(n);
  const weights = new Float64Array(n);
  const half = Math.ceil(n / 2);
  // Pₖ = aₖ·x·Pₖ₋₁ − bₖ·Pₖ₋₂ with the divisions done once.
  const a = new Float64Array(n + 1);
  const b = new Float64Array(n + 1);
  for (let k = 2; k <= n; k++) {
    a[k] = (2 * k - 1) / k;
    b[k] = (k - 1) / k;
  }
  for (let i = 0; i < half; i++) {
    const theta = (Math.PI * (4 * i + 3)) / (4 * n + 2);
    const s2 = Math.sin(theta) ** 2;
    let x = (1 - (n - 1) / (8 * n * n * n) - (39 - 28 / s2) / (384 * n ** 4)) * Math.cos(theta);
    if (!(Math.abs(x) < 1)) x = Math.cos(theta);
    let derivative = 0;
    for (let iteration = 0; iteration < 8; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = (a[k] as number) * x * p1 - (b[k] as number) * p0;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? x : p1;
      const pnMinus1 = n === 1 ? 1 : p0;
      derivative = (n * (x * pn - pnMinus1)) / (x * x - 1);
      const dx = pn / derivative;
      x -= dx;
      // Two or three steps from the guess; the cap ends the last-bit oscillation of some nodes.
      if (Math.abs(dx) < 1e-16) break;
    }
    const w = 2 / ((1 - x * x) * derivative * derivative);
    // x is the i-th largest root; its mirror −x is the i-th smallest.
    alphas[i] = 0.5 * (1 - x);
    weights[i] = 0.5 * w;
    alphas[n - 1 - i] = 0.5 * (1 + x);
    weights[n - 1 - i] = 0.5 * w;
  }
  return { alphas, weights };
}

/**
 * Clenshaw–Curtis on n = 2^k + 1 Chebyshev extreme points (any n ≥ 2 works); the point sets
 * of successive n = 2^k + 1 are nested. Exact for polynomials of degree ≤ n − 1.
 */
export function clenshawCurtis(n: number): QuadratureRule {
  checkCount(n, 2, 'clenshaw-curtis');
  const m = n - 1;
  const alphas = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let k = 0; k <= m; k++) {
    alphas[k] = 0.5 * (1 - Math.cos((Math.PI * k) / m));
    let sum = 0;
    for (let j = 1; j <= Math.floor(m / 2); j++) {
      const b = j === m / 2 ? 1 : 2;
      sum += (b / (4 * j * j - 1)) * Math.cos((2 * Math.PI * j * k) / m);
    }
    const c = k === 0 || k === m ? 1 : 2;
    // Weight on [−1, 1] is (c/m)(1 − Σ); halved for [0, 1].
    weights[k] = (0.5 * c * (1 - sum)) / m;
  }
  return { alphas, weights };
}

const RULES: Record<QuadratureMethod, (n: number) => QuadratureRule> = {
  'gauss-legendre': gaussLegendre,
  'riemann-left': riemannLeft,
  'riemann-right': riemannRight,
  'riemann-middle': riemannMiddle,
  'riemann-trapezoid': riemannTrapezoid,
  'clenshaw-curtis': clenshawCurtis,
};

export function quadrature(method: QuadratureMethod, n: number): QuadratureRule {
  const rule = RULES[method];
  if (rule === undefined) {
    throw new InvalidOptionError(`unknown method '${String(method)}'; expected one of ${QUADRATURE_METHODS.join(', ')}`);
  }
  return rule(n);
}

const MAX_SHARED_RULES = 64;
const shared = new Map<string, QuadratureRule>();

/**
 * quadrature(method, n), computed once per (method, n) — Gauss–Legendre's Newton iterations
 * cost about as much as a path's core work — and shared: callers must not modify the arrays.
 */
export function sharedQuadrature(method: QuadratureMethod, n: number): QuadratureRule {
  const key = `${method}:${n}`;
  let rule = shared.get(key);
  if (rule === undefined) {
    rule = quadrature(method, n);
    if (shared.size >= MAX_SHARED_RULES) shared.delete(shared.keys().next().value as string);
    shared.set(key, rule);
  }
  return rule;
}

/** Checks a user-supplied rule: an object of two number arrays, equal lengths, alphas finite in [0, 1], weights finite. */
export function checkCustomRule(rule: { readonly alphas: ArrayLike<number>; readonly weights: ArrayLike<number> }): QuadratureRule {
  const given = rule as unknown;
  if (given === null || typeof given !== 'object') {
    throw new InvalidOptionError(`method must be one of ${QUADRATURE_METHODS.join(', ')} or a custom rule { alphas, weights }, got ${describeValue(given)}`);
  }
  for (const key of ['alphas', 'weights'] as const) {
    const list = (given as Record<string, unknown>)[key];
    if (!Array.isArray(list) && !(ArrayBuffer.isView(list) && !(list instanceof DataView))) {
      throw new InvalidOptionError(`custom quadrature rule: ${key} must be an array of numbers, got ${describeValue(list)}`);
    }
  }
  const n = rule.alphas.length;
  if (n < 1) throw new InvalidOptionError('custom quadrature rule has no points (alphas is empty)');
  if (rule.weights.length !== n) {
    throw new InvalidOptionError(`custom quadrature rule has ${n} alphas but ${rule.weights.length} weights`);
  }
  const alphas = Float64Array.from(rule.alphas);
  const weights = Float64Array.from(rule.weights);
  for (let k = 0; k < n; k++) {
    const a = alphas[k] as number;
    if (!Number.isFinite(a) || a < 0 || a > 1) {
      throw new InvalidOptionError(`custom quadrature rule: alphas[${k}] = ${a} is not in [0, 1]`);
    }
    if (!Number.isFinite(weights[k] as number)) {
      throw new InvalidOptionError(`custom quadrature rule: weights[${k}] = ${String(weights[k])} is not finite`);
    }
  }
  return { alphas, weights };
}
