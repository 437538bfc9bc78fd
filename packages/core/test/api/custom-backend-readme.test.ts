import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('README, "Writing a backend"', () => {
  it('its hand-written backend runs as written and gives the closed-form IG of a logistic model', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = /### Writing a backend[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const dist = pathToFileURL(new URL('../../dist/index.js', import.meta.url).pathname).href;
    const script = `${(example as string).replace("'@ig/core'", JSON.stringify(dist))}\nconsole.log(JSON.stringify({ reports: result.reports, a: Array.from(result.attributions[0].data), b: Array.from(result.attributions[1].data) }));`;
    const dir = mkdtempSync(join(tmpdir(), 'ig-readme-backend-'));
    try {
      writeFileSync(join(dir, 'example.mjs'), script);
      const output = execFileSync('node', [join(dir, 'example.mjs')], { encoding: 'utf8' });
      const { reports, a, b } = JSON.parse(output.trim().split('\n').pop() as string) as { reports: { target: number }[]; a: number[]; b: number[] };
      const w = [0.5, -1, 2];
      const v = [1.5, -0.75];
      const as = [
        [1, 2, 3],
        [0.5, 0, -1],
      ];
      const bs = [
        [0.2, -0.4],
        [1, 1],
      ];
      as.forEach((ax, e) => {
        const bx = bs[e] as number[];
        const z = w.reduce((s, wi, i) => s + wi * (ax[i] as number), 0) + v.reduce((s, vi, i) => s + vi * (bx[i] as number), 0);
        // 'predicted': class 0 when σ(z) > ½.
        const target = sigmoid(z) > 0.5 ? 0 : 1;
        expect(reports[e]?.target).toBe(target);
        // From a zero baseline z(α) = αz, so ∫₀¹ σ′(αz) dα = (σ(z) − ½)/z and attrᵢ = xᵢ·cᵢ·(σ(z) − ½)/z,
        // negated for class 1 = 1 − σ.
        const slope = ((sigmoid(z) - 0.5) / z) * (target === 0 ? 1 : -1);
        const expected = [...ax.map((x, i) => x * (w[i] as number) * slope), ...bx.map((x, i) => x * (v[i] as number) * slope)];
        const actual = [...a.slice(3 * e, 3 * e + 3), ...b.slice(2 * e, 2 * e + 2)];
        const scale = Math.max(...expected.map(Math.abs));
        // 50-point Gauss–Legendre on a smooth integrand in float32: measured 3.3e-7 of the largest attribution
        actual.forEach((value, i) => expect(Math.abs(value - (expected[i] as number))).toBeLessThan(2e-6 * scale));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
