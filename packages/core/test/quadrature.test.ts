import { captumRules } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import {
  clenshawCurtis,
  gaussLegendre,
  InvalidOptionError,
  quadrature,
  riemannLeft,
  riemannMiddle,
  riemannRight,
  riemannTrapezoid,
  type QuadratureRule,
} from '../src/index.js';

const integrate = (rule: QuadratureRule, f: (x: number) => number): number => rule.alphas.reduce((s, a, k) => s + (rule.weights[k] as number) * f(a), 0);
// ∫₀¹ x^d dx = 1/(d + 1)
const monomialError = (rule: QuadratureRule, degree: number): number => Math.abs(integrate(rule, (x) => x ** degree) - 1 / (degree + 1));

// Float64 bounds, each within 10× of the worst deviation measured (in the comment next to it).
describe('quadrature rules', () => {
  it('Gauss–Legendre with n points is exact to degree 2n − 1 and not at 2n', () => {
    for (const n of [1, 2, 3, 5, 8, 16, 50]) {
      const rule = gaussLegendre(n);
      for (let d = 0; d <= 2 * n - 1; d++) expect(monomialError(rule, d)).toBeLessThan(5e-15); // measured 6.7e-16
      if (n <= 8) expect(monomialError(rule, 2 * n)).toBeGreaterThan(1e-10);
    }
  });

  it('Gauss–Legendre integrates smooth functions to machine precision', () => {
    // measured 2.2e-16 and 1.1e-16
    expect(Math.abs(integrate(gaussLegendre(20), Math.exp) - (Math.E - 1))).toBeLessThan(2e-15);
    expect(Math.abs(integrate(gaussLegendre(30), (x) => 1 / (1 + x * x)) - Math.PI / 4)).toBeLessThan(1e-15);
  });

  it('midpoint and trapezoid are exact for lines, not parabolas; left/right exact for constants only', () => {
    for (const n of [2, 7, 32]) {
      // exact cases measured ≤ 2.2e-16, error terms ≤ 3.5e-17 off their closed forms
      expect(monomialError(riemannMiddle(n), 1)).toBeLessThan(2e-15);
      expect(monomialError(riemannTrapezoid(n), 1)).toBeLessThan(2e-15);
      // Error terms: midpoint −h²/24·f'' … for x²: 1/(12n²); trapezoid: h²/6 with h = 1/(n − 1).
      expect(Math.abs(integrate(riemannMiddle(n), (x) => x * x) - 1 / 3 + 1 / (12 * n * n))).toBeLessThan(3e-16);
      expect(Math.abs(integrate(riemannTrapezoid(n), (x) => x * x) - 1 / 3 - 1 / (6 * (n - 1) ** 2))).toBeLessThan(3e-16);
      expect(monomialError(riemannLeft(n), 0)).toBeLessThan(2e-15);
      expect(Math.abs(integrate(riemannLeft(n), (x) => x) - 0.5 + 1 / (2 * n))).toBeLessThan(3e-16);
      expect(Math.abs(integrate(riemannRight(n), (x) => x) - 0.5 - 1 / (2 * n))).toBeLessThan(3e-16);
    }
  });

  it('trapezoid weights sum to 1; Captum’s riemann_trapezoid sums to (n − 1)/n', () => {
    const rules = captumRules();
    // measured 1.8e-15 (sum), 3.8e-15 (Captum's sum); Captum's trapezoid alphas are a float32 linspace: 6.0e-8
    for (const n of [2, 3, 50, 64, 300]) expect(Math.abs(riemannTrapezoid(n).weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-14);
    for (const n of [50, 64, 300]) {
      const captum = rules[`riemann_trapezoid_${n}`];
      expect(Math.abs((captum?.step_sizes.reduce((a, b) => a + b, 0) as number) - (n - 1) / n)).toBeLessThan(3e-14);
      const ours = riemannTrapezoid(n);
      captum?.alphas.forEach((a, k) => expect(Math.abs((ours.alphas[k] as number) - a)).toBeLessThan(2e-7));
    }
  });

  it('alphas and weights of left/right/middle/Gauss–Legendre equal Captum’s', () => {
    const rules = captumRules();
    const names: Record<string, Parameters<typeof quadrature>[0]> = {
      riemann_left: 'riemann-left',
      riemann_right: 'riemann-right',
      riemann_middle: 'riemann-middle',
      gausslegendre: 'gauss-legendre',
    };
    let compared = 0;
    for (const rule of Object.values(rules)) {
      const name = names[rule.method];
      if (name === undefined) continue;
      const ours = quadrature(name, rule.n_steps);
      expect(ours.alphas.length).toBe(rule.alphas.length);
      // float64 agreement: measured 1.1e-16 (alphas) and 1.6e-15 (weights)
      rule.alphas.forEach((a, k) => expect(Math.abs((ours.alphas[k] as number) - a)).toBeLessThan(1e-15));
      rule.step_sizes.forEach((w, k) => expect(Math.abs((ours.weights[k] as number) - w)).toBeLessThan(1e-14));
      compared++;
    }
    expect(compared).toBe(4);
  });

  it('Clenshaw–Curtis with n points is exact to degree n − 1, and its 2^k + 1 grids nest', () => {
    for (const n of [3, 5, 9, 17, 33]) {
      const rule = clenshawCurtis(n);
      for (let d = 0; d < n; d++) expect(monomialError(rule, d)).toBeLessThan(2e-15); // measured 2.2e-16
    }
    const coarse = clenshawCurtis(9).alphas;
    const fine = clenshawCurtis(17).alphas;
    // the same angles scaled by powers of two: bitwise equal
    coarse.forEach((a, k) => expect(fine[2 * k]).toBe(a));
  });

  it('rejects step counts that are not integers ≥ 1 (≥ 2 for trapezoid), naming the method', () => {
    expect(() => gaussLegendre(0)).toThrow(InvalidOptionError);
    expect(() => riemannLeft(2.5)).toThrow(/riemann-left/);
    expect(() => riemannTrapezoid(1)).toThrow(/≥ 2 for riemann-trapezoid/);
    expect(() => quadrature('simpson' as never, 4)).toThrow(/unknown method 'simpson'/);
  });
});
