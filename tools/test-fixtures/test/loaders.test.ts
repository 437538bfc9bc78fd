import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captumCases, captumMethodAttribution, captumMethodCases, captumRule, loadCaptumCase, noiseTunnelCases, readCaptumNpy, readNpy } from '../src/index.js';

/** A .npy file (version 1 header) with the given header fields and body. */
function npyFile(dir: string, name: string, header: string, body: Uint8Array): string {
  const padded = `${header}${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const bytes = new Uint8Array(10 + padded.length + body.length);
  bytes.set([0x93, ...Buffer.from('NUMPY'), 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(Buffer.from(padded, 'latin1'), 10);
  bytes.set(body, 10 + padded.length);
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
}

describe('the Captum reference through the loaders', () => {
  it('every attribution has the manifest shape and sums (in float64) to the attribution_sum numpy recorded', () => {
    // numpy summed the same float32 values in float64; only the order differs: measured 4.1e-8 of Σ |attribution|.
    for (const c of captumCases()) {
      const { input, baseline, expected, rule } = loadCaptumCase(c);
      expect(readCaptumNpy(c.attribution_file).shape).toEqual(c.attribution_shape);
      expect(input.shape).toEqual(c.input_shape);
      expect(baseline.data.length).toBe(input.data.length);
      const sum = expected.reduce((s, v) => s + v, 0);
      const l1 = expected.reduce((s, v) => s + Math.abs(v), 0);
      expect(Math.abs(sum - c.attribution_sum)).toBeLessThanOrEqual(1e-7 * l1);
      expect(rule.alphas).toHaveLength(c.n_steps);
    }
    expect(captumCases()).toHaveLength(37);
  });

  it("Captum's Gauss–Legendre step sizes sum to 1 and its trapezoid ones to (n − 1)/n", () => {
    const sum = (values: number[]): number => values.reduce((s, v) => s + v, 0);
    expect(Math.abs(sum(captumRule('gausslegendre', 50).weights) - 1)).toBeLessThan(1e-6);
    expect(Math.abs(sum(captumRule('riemann_trapezoid', 300).weights) - 299 / 300)).toBeLessThan(1e-6);
    expect(() => captumRule('gausslegendre', 7)).toThrow('no Captum integration rule gausslegendre_7');
  });

  it('the NoiseTunnel case carries its noise, and every method case its attribution', () => {
    const [nt] = noiseTunnelCases();
    expect(readCaptumNpy(nt?.noise_file as string).shape).toEqual([nt?.nt_samples, 1, 28, 28]);
    for (const c of captumMethodCases()) {
      const attribution = captumMethodAttribution(c).data;
      expect(attribution.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBe(Math.fround(c.max_abs));
    }
  });
});

describe('readNpy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ig-npy-'));

  it('reads float32 and int64 values', () => {
    const f4 = npyFile(dir, 'f4.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new Uint8Array(Float32Array.of(1.5, -2, 0.25, 3).buffer));
    expect(readNpy(f4)).toEqual({ data: Float32Array.of(1.5, -2, 0.25, 3), shape: [2, 2] });
    const i8 = npyFile(
      dir,
      'i8.npy',
      "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
      new Uint8Array(BigInt64Array.of(7n, -1n, 40000000000n).buffer),
    );
    expect(readNpy(i8)).toEqual({ data: Float32Array.of(7, -1, 40000000000), shape: [3] });
  });

  it('refuses what it cannot read, naming the file and the reason', () => {
    const body = new Uint8Array(16);
    const fortran = npyFile(dir, 'fortran.npy', "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", body);
    expect(() => readNpy(fortran)).toThrow(`${fortran}: Fortran order is not supported`);
    const big = npyFile(dir, 'big.npy', "{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", body);
    expect(() => readNpy(big)).toThrow(`${big}: dtype >f4 is not supported`);
    const short = npyFile(dir, 'short.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", body);
    expect(() => readNpy(short)).toThrow(`${short}: 16 data bytes for shape [5] of <f4`);
    writeFileSync(join(dir, 'text.npy'), 'not an array');
    expect(() => readNpy(join(dir, 'text.npy'))).toThrow('text.npy is not a .npy file');
  });
});
