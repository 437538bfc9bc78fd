import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('its example runs as written against the built package and satisfies completeness', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    // The README's first js block, the example scripts/check-packages.mjs also runs from the tarball.
    const example = /^```js\n([\s\S]*?)^```/m.exec(readme)?.[1];
    expect(example).toBeDefined();
    const dist = pathToFileURL(new URL('../dist/index.js', import.meta.url).pathname).href;
    const script = `${(example as string).replace("'@ig/core'", JSON.stringify(dist))}\nconsole.log(JSON.stringify(result.reports[0]));`;
    const dir = mkdtempSync(join(tmpdir(), 'ig-readme-'));
    try {
      writeFileSync(join(dir, 'example.mjs'), script);
      const output = execFileSync('node', [join(dir, 'example.mjs')], { encoding: 'utf8' });
      const report = JSON.parse(output.trim().split('\n').pop() as string) as {
        fInput: number;
        fBaseline: number;
        attributionSum: number;
        relativeError: number;
      };
      // softplus(w·x) at x = (1, 2, 3) and at 0.
      const z = 0.5 * 1 - 1.2 * 2 + 2 * 3;
      const change = Math.log1p(Math.exp(z)) - Math.log(2);
      const errors = [report.fInput - Math.log1p(Math.exp(z)), report.fBaseline - Math.log(2), report.attributionSum - change].map((e) => Math.abs(e) / change);
      // float32 against the closed form: measured ≤ 2.1e-7 of F(x) − F(x′) (the sum)
      errors.forEach((e) => expect(e).toBeLessThan(5e-7));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
